exports.up = function (knex) {
  return knex.schema.createTable('users', function (table) {
    table.bigIncrements('id');
    table.text('email').notNullable();
    table.text('nickname');
  });
};

exports.down = function (knex) {
  return knex.schema.dropTable('users');
};
