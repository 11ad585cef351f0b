import { dataSource } from "./data-source";

export async function findUser(id: number) {
  const rows = await dataSource.query(`SELECT email FROM users WHERE id = $1`, [id]);
  return rows[0];
}
