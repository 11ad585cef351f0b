const knexLib = require("knex");

const pool = knexLib({ client: "pg", connection: process.env.DATABASE_URL });
module.exports = pool;
