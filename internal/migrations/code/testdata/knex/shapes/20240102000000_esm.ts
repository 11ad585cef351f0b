import type { Knex } from 'knex';

const TABLE = 'orders';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(TABLE, (t) => {
    t.uuid('id').primary();
    t.decimal('total', 12, 2).notNullable().defaultTo(0);
    t.enu('state', ['new', 'paid']).notNullable();
    t.integer('user_id').references('id').inTable('users').onDelete('CASCADE');
    t.index(['user_id'], 'orders_user');
  });
  if (process.env.LEGACY) {
    await knex.raw('ALTER TABLE orders ADD COLUMN legacy int NOT NUL');
  }
  await knex.schema.raw(`ALTER TABLE ${TABLE} ADD COLUMN note text`);
  await knex.transaction(async (trx) => {
    await trx.schema.table(TABLE, (t) => t.renameColumn('total', 'amount'));
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable(TABLE);
}
