"use strict";
const { Model } = require("sequelize");

module.exports = (sequelize, DataTypes) => {
  class User extends Model {
    static associate(models) {
      this.belongsTo(models.Company);
      this.hasMany(models.Post, { foreignKey: "author_id" });
    }
  }
  User.init(
    {
      nickname: DataTypes.STRING,
      firstName: { type: DataTypes.STRING, field: "given_name" },
      lastName: DataTypes.STRING,
      fullName: { type: DataTypes.VIRTUAL, get() { return ""; } },
    },
    { sequelize, modelName: "User", underscored: true, paranoid: true },
  );
  return User;
};
