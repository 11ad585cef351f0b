const { DataTypes, Model } = require("sequelize");

module.exports = (sequelize) => {
  class User extends Model {}
  User.init(
    {
      nickname: DataTypes.STRING,
    },
    { sequelize, tableName: "users", underscored: true, updatedAt: false },
  );
  return User;
};
