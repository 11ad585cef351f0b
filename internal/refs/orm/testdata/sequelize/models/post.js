module.exports = (sequelize, DataTypes) =>
  sequelize.define("Post", { title: DataTypes.STRING, bodyText: DataTypes.TEXT }, { freezeTableName: true, updatedAt: "modified_at" });
