exports.up = async function (knex) {
  await knex.schema.table('users', (t) => {
    t.text('email').unique();
    t.dropColumn('legacy');
    t.renameColumn('name', 'full_name');
    t.integer('age').notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('users', (t) => {
    t.string('email', 320).notNullable().alter();
  });
  await knex('users').update({ age: 1 });
  await knex.schema.renameTable('users', 'people');
  await knex.schema.withSchema('archive').dropTableIfExists('old_people');
  await knex.raw('ALTER TABLE ?? ADD COLUMN x int', ['people']);
};

exports.down = function (knex) {
  return knex.schema.renameTable('people', 'users');
};
