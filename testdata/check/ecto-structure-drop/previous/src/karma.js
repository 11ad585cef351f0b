const { pool } = require("./db");

async function topUsers() {
  const { rows } = await pool.query("SELECT id, email, karma FROM users ORDER BY karma DESC LIMIT 10");
  return rows;
}

module.exports = { topUsers };
