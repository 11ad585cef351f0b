import { pool } from "./db";

export async function addConsumer(secretId: number, service: string, resourceId: string, projectId: number) {
  await pool.query("INSERT INTO consumers (secret_id, service, resource_id, project_id) VALUES ($1, $2, $3, $4)", [secretId, service, resourceId, projectId]);
}
