exports.up = function (knex) {
  return knex.schema.table('users', function (table) {
    table.dropColumn('nickname');
  });
};

exports.down = function (knex) {
  return knex.schema.table('users', function (table) {
    table.text('nickname');
  });
};
