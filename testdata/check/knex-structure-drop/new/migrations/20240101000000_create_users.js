exports.up = (knex) =>
  knex.schema.createTable("users", (t) => {
    t.bigIncrements("id");
    t.string("email").notNullable();
    t.integer("karma");
    t.timestamps();
  });

exports.down = (knex) => knex.schema.dropTable("users");
