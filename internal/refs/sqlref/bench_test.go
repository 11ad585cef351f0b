package sqlref

import "testing"

// A mix of the statements application code sends: point lookups, joins,
// a CTE report, an upsert.
var benchQueries = []string{
	`SELECT id, email, name FROM users WHERE id = ?`,
	`SELECT u.id, u.email, o.total FROM users u JOIN orders AS o ON o.user_id = u.id WHERE u.deleted_at IS NULL AND o.status = :status ORDER BY o.created_at DESC LIMIT 50`,
	`WITH active AS (SELECT id, email AS address FROM users WHERE active), counts AS (SELECT user_id, count(*) AS n FROM orders GROUP BY user_id)
	 SELECT a.address, c.n FROM active a JOIN counts c ON c.user_id = a.id ORDER BY n DESC`,
	`INSERT INTO inventory AS i (sku, qty) VALUES (%(sku)s, %(qty)s) ON CONFLICT (sku) DO UPDATE SET qty = i.qty + EXCLUDED.qty, updated_at = now() RETURNING id`,
	`UPDATE accounts a SET balance = a.balance - t.amount FROM transfers t WHERE t.account_id = a.id AND t.state = 'pending' RETURNING a.id`,
}

func BenchmarkResolve(b *testing.B) {
	for _, q := range benchQueries {
		if _, err := Resolve(q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Resolve(benchQueries[i%len(benchQueries)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMaybeSQL(b *testing.B) {
	inputs := []string{"Select a file to upload", "SELECT id FROM users WHERE id = $1", "user_id", "Update your profile"}
	for i := 0; b.Loop(); i++ {
		MaybeSQL(inputs[i%len(inputs)])
	}
}
