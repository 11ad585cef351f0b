const { pool } = require("./db");

async function topUsers() {
  const { rows } = await pool.query("SELECT id, email FROM users ORDER BY id LIMIT 10");
  return rows;
}

module.exports = { topUsers };
