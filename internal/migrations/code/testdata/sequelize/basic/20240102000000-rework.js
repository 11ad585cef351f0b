'use strict';

module.exports = {
  up: (queryInterface, Sequelize) => {
    return queryInterface.sequelize.transaction(async (t) => {
      await queryInterface.addColumn('Users', 'email', { type: Sequelize.STRING(320), allowNull: true }, { transaction: t });
      await queryInterface.removeColumn('Users', 'legacy', { transaction: t });
      await queryInterface.renameColumn('Users', 'firstName', 'givenName', { transaction: t });
      await queryInterface.bulkUpdate('Users', { email: null }, {}, { transaction: t });
    });
  },

  down: async (queryInterface) => {
    await queryInterface.renameColumn('Users', 'givenName', 'firstName');
  },
};
