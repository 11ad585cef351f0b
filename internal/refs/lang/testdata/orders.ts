import { sql } from "slonik";
import type { Pool } from "pg";

export interface Order {
  id: number;
  total: number;
}

export async function recentOrders(pool: Pool, customerId: number): Promise<Order[]> {
  const { rows } = await pool.query<Order>(
    `SELECT o.id, o.total
       FROM orders o
      WHERE o.customer_id = $1
        AND o.created_at > now() - interval '30 days'`,
    [customerId],
  );
  return rows;
}

export const cancelOrder = (id: number, reason: string) =>
  sql`UPDATE orders SET status = 'cancelled', reason = ${reason} WHERE id = ${id}`;

export function deleteDrafts(db: { query: (q: string) => void }, ownerId: string): void {
  db.query("DELETE FROM order_drafts WHERE owner_id = '" + ownerId + "' AND note = E'it\\'s \u00e9'");
  db.query('INSERT INTO order_events (kind) ' + "VALUES ('purged')");
}

const label = "Select an order from the list.";
const tagged = db.sql`
  WITH totals AS (
    SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id
  )
  SELECT * FROM totals WHERE total > ${min} -- \`vip\`
`;
