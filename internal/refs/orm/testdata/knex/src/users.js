const pool = require("./db");
const knex = require("knex")({ client: "pg" });

async function run(db, nickname) {
  await db("users").select("id", "nickname").where({ email: "a@b" }).first();
  await db("users as u").join("orders as o", "o.user_id", "u.id").select("u.nickname", "o.total").where("status", "paid");
  await knex("users").where("id", 1).update({ nickname, updated_at: new Date() });
  await knex("users").insert({ nickname, email: "x" }).returning("id");
  await knex.select("karma").from("users").whereIn("id", [1, 2]);
  await pool("audit").where("id", 3).del();
  await db("sessions").where({ token: "t" });
  await knex.schema.createTable("ignored", (t) => t.string("col"));
  return { nickname: "json key", select: ["not_a_column"] };
}

module.exports = { run };
