exports.up = function (knex, Promise) {
  return Promise.all([
    knex.schema.table('users', (t) => {
      t.dropColumn('a');
      helper(t);
      if (flag) t.dropColumn('b');
    }),
    knex.raw(`ALTER TABLE users ADD COLUMN c text`),
  ]);
};

exports.down = function () {};
