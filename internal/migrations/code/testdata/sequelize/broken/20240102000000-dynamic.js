module.exports = {
  async up(queryInterface) {
    const table = process.env.TABLE;
    await queryInterface.sequelize.query(`ALTER TABLE ${table} DROP COLUMN legacy`);
  },
  async down() {},
};
