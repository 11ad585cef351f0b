import { Pool } from "pg";

export async function record(pool: Pool, kind: string, payload: unknown) {
  await pool.query(
    `INSERT INTO events (kind, payload)
     VALUES ($1, $2)`,
    [kind, payload],
  );
}
