const db = require("knex")({ client: "pg", connection: process.env.DATABASE_URL });

async function profile(id) {
  return db("users").select("nickname").where({ id }).first();
}

module.exports = { profile };
