const { pool } = require("./db");

async function findUser(id) {
  const { rows } = await pool.query("SELECT email FROM users WHERE id = $1", [id]);
  return rows[0];
}

module.exports = { findUser };
