exports.up = function (knex) {
  return knex.schema
    .createTable('users', function (table) {
      table.increments();
      table.string('name').notNullable();
      table.string('legacy', 50);
      table.timestamps(true, true);
    })
    .raw('CREATE INDEX users_name ON users (name)');
};

exports.down = function (knex) {
  return knex.schema.dropTable('users');
};
