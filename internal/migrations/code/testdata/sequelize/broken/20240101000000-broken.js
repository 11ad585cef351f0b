module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.removeColumn('Users', 'a');
    await queryInterface.addColumn('Users', 'b', { type: Sequelize.ENUM('x', 'y') });
    const t = await queryInterface.sequelize.transaction();
    await queryInterface.renameColumn('Users', 'c', 'd', { transaction: t });
    await t.commit();
    await queryInterface.sequelize.query('ALTER TABLE "Users" DROP COLUMN e;; ALTER TABLE "Users" ADD COLUMN f int NOT NULL DEFAULT');
  },
  down: async (queryInterface => {},
};
