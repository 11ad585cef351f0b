exports.up = (knex) => knex.schema.alterTable("users", (t) => t.dropColumn("karma"));
exports.down = (knex) => knex.schema.alterTable("users", (t) => t.integer("karma"));
