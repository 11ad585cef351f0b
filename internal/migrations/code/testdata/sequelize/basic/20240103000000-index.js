module.exports = {
  async up(queryInterface) {
    await queryInterface.addIndex('Users', ['email'], { concurrently: true, unique: true });
    await queryInterface.sequelize.query('ALTER TABLE "Users" ALTER COLUMN "email" SET NOT NULL');
    await queryInterface.renameTable('Users', 'People');
    await helpers.dropLegacy(queryInterface);
  },
  async down() {},
};
