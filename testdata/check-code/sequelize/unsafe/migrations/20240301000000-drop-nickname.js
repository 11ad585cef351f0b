'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.removeColumn('users', 'nickname');
  },

  async down(queryInterface, Sequelize) {
    await queryInterface.addColumn('users', 'nickname', Sequelize.TEXT);
  },
};
