module.exports = (sequelize, DataTypes) => {
  const Company = sequelize.define(
    "Company",
    {
      code: { type: DataTypes.STRING, primaryKey: true },
      name: DataTypes.STRING,
    },
    { tableName: "companies", timestamps: false },
  );
  return Company;
};
