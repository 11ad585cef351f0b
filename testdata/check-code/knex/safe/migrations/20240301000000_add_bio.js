exports.up = function (knex) {
  return knex.schema.table('users', function (table) {
    table.text('bio');
  });
};

exports.down = function (knex) {
  return knex.schema.table('users', function (table) {
    table.dropColumn('bio');
  });
};
