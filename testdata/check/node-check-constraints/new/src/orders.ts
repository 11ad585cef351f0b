import { Pool } from "pg";

export async function place(pool: Pool, total: number) {
  await pool.query(`INSERT INTO orders (total) VALUES ($1)`, [total]);
}

export async function annotate(pool: Pool, id: number, note: string) {
  await pool.query(`UPDATE orders SET note = $1 WHERE id = $2`, [note, id]);
}
