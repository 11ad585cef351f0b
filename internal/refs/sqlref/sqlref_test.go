package sqlref

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
)

// show renders a reference compactly: usage, [schema:]table[.column] or
// table.* for wildcards, the INSERT column list, and the certainty when
// it is not resolved.
func show(r refs.Reference) string {
	name := r.Table
	if r.Schema != "" {
		name = r.Schema + ":" + name
	}
	switch {
	case r.Usage == refs.Other:
		name += "()"
	case r.Usage == refs.Wildcard:
		name += ".*"
	case r.Column != "":
		name += "." + r.Column
	}
	if r.Table == "" {
		name = "?." + r.Column
	}
	if len(r.Columns) > 0 {
		name += "[" + strings.Join(r.Columns, ",") + "]"
	}
	s := string(r.Usage) + " " + name
	if r.Certainty != refs.Resolved {
		s += " ~" + string(r.Certainty)
	}
	return s
}

func showAll(rs []refs.Reference) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, show(r))
	}
	return out
}

// checkOffsets verifies that each reference's offset points at the name
// it reports in the original text.
// Names in via may stand at an offset instead: output aliases a column is
// read through.
func checkOffsets(t *testing.T, sql string, rs []refs.Reference, via ...string) {
	t.Helper()
	for _, r := range rs {
		if r.Offset < 0 || r.Offset >= len(sql) {
			t.Errorf("%s: offset %d outside the text", show(r), r.Offset)
			continue
		}
		at := strings.ToLower(sql[r.Offset:])
		at = strings.TrimPrefix(at, `"`)
		var want []string
		switch {
		case r.Usage == refs.Wildcard:
			// *, t.*, a whole-row alias or sqlc.embed(alias)
			// *, t.*, or a whole-row alias such as row_to_json(u): a * or
			// a name
			if c := sql[r.Offset]; c != '*' && !isIdentStart(c) {
				t.Errorf("%s: offset %d points at %q", show(r), r.Offset, sql[r.Offset:min(len(sql), r.Offset+20)])
			}
			continue
		case r.Column != "":
			want = []string{strings.ToLower(r.Column)}
		default:
			want = []string{strings.ToLower(r.Table)}
		}
		ok := false
		for _, w := range append(want, via...) {
			if w != "" && strings.HasPrefix(at, w) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s: offset %d points at %q", show(r), r.Offset, sql[r.Offset:min(len(sql), r.Offset+20)])
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want []string
		via  []string
	}{
		{
			name: "join with aliases",
			sql: `SELECT u.id, u.email, o.total
			      FROM users u
			      JOIN orders AS o ON o.user_id = u.id
			      WHERE u.deleted_at IS NULL AND o.status = 'paid'`,
			want: []string{
				"select users.id", "select users.email", "select orders.total",
				"select users", "select orders",
				"select orders.user_id", "select users.id",
				"select users.deleted_at", "select orders.status",
			},
		},
		{
			name: "unqualified columns with two tables are ambiguous for each",
			sql:  `SELECT name, o.total FROM users u LEFT JOIN orders o ON o.user_id = u.id`,
			want: []string{
				"select orders.name ~ambiguous", "select users.name ~ambiguous",
				"select orders.total", "select users", "select orders",
				"select orders.user_id", "select users.id",
			},
		},
		{
			name: "join using reads the column of both sides",
			sql:  `SELECT id, title FROM posts JOIN authors USING (author_id) WHERE author_id = $1`,
			want: []string{
				"select authors.id ~ambiguous", "select posts.id ~ambiguous",
				"select authors.title ~ambiguous", "select posts.title ~ambiguous",
				"select posts", "select authors",
				"select authors.author_id", "select posts.author_id",
				"select authors.author_id ~ambiguous", "select posts.author_id ~ambiguous",
			},
		},
		{
			name: "natural join leaves unqualified columns ambiguous",
			sql:  `SELECT sku FROM products NATURAL JOIN stock`,
			want: []string{
				"select products.sku ~ambiguous", "select stock.sku ~ambiguous",
				"select products", "select stock",
			},
		},
		{
			name: "CTE columns resolve through the definition, CTE names are not tables",
			sql: `WITH active AS (
			        SELECT id, email AS address FROM users WHERE active
			      ), counts AS (
			        SELECT user_id, count(*) AS n FROM orders GROUP BY user_id
			      )
			      SELECT a.address, c.n FROM active a JOIN counts c ON c.user_id = a.id
			      ORDER BY n DESC`,
			want: []string{
				"select users.id", "select users.email", "select users", "select users.active",
				"select orders.user_id", "select orders", "select orders.user_id",
				"select users.email", "select orders.user_id", "select users.id",
			},
			via: []string{"address"},
		},
		{
			name: "CTE over star passes columns through to its table",
			sql:  `WITH recent AS (SELECT * FROM events WHERE created_at > now() - interval '1 day') SELECT r.kind, payload FROM recent r`,
			want: []string{
				"wildcard events.*", "select events", "select events.created_at",
				"select events.kind", "select events.payload",
			},
		},
		{
			name: "recursive CTE",
			sql: `WITH RECURSIVE tree AS (
			        SELECT id, parent_id FROM categories WHERE id = $1
			        UNION ALL
			        SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id
			      ) SELECT id FROM tree`,
			want: []string{
				"select categories.id", "select categories.parent_id", "select categories", "select categories.id",
				"select categories.id", "select categories.parent_id", "select categories",
				"select categories.parent_id", "select categories.id",
				"select categories.id",
			},
		},
		{
			name: "derived table and nested subqueries",
			sql: `SELECT t.total, t.uid FROM (
			        SELECT user_id AS uid, sum(amount) AS total FROM payments
			        WHERE account_id IN (SELECT id FROM accounts WHERE region = 'eu')
			        GROUP BY user_id
			      ) t WHERE t.total > 100`,
			want: []string{
				"select payments.user_id",
				"select payments.user_id", "select payments.amount", "select payments",
				"select payments.account_id", "select accounts.id", "select accounts", "select accounts.region",
				"select payments.user_id",
			},
			via: []string{"uid"},
		},
		{
			name: "correlated subqueries read the outer scope",
			sql: `SELECT u.id,
			        (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count
			      FROM users u
			      WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND expires_at > now())`,
			want: []string{
				"select users.id", "select orders", "select orders.user_id", "select users.id",
				"select users",
				"select sessions", "select sessions.user_id", "select users.id", "select sessions.expires_at",
			},
		},
		{
			name: "lateral subquery sees earlier FROM items",
			sql: `SELECT u.name, last.created_at FROM users u
			      CROSS JOIN LATERAL (SELECT created_at FROM logins l WHERE l.user_id = u.id ORDER BY created_at DESC LIMIT 1) last`,
			want: []string{
				"select users.name", "select logins.created_at", "select users",
				"select logins.created_at", "select logins", "select logins.user_id", "select users.id", "select logins.created_at",
			},
		},
		{
			name: "insert with a column list",
			sql:  `INSERT INTO users (email, name, created_at) VALUES ($1, $2, now()) RETURNING id`,
			want: []string{
				"insert users[email,name,created_at]",
				"insert users.email", "insert users.name", "insert users.created_at",
				"select users.id",
			},
		},
		{
			name: "insert without a column list writes every column",
			sql:  `INSERT INTO audit_log VALUES ($1, $2, $3)`,
			want: []string{"insert audit_log"},
		},
		{
			name: "insert select",
			sql:  `INSERT INTO archived_orders (id, total) SELECT id, total FROM orders WHERE created_at < $1`,
			want: []string{
				"insert archived_orders[id,total]", "insert archived_orders.id", "insert archived_orders.total",
				"select orders.id", "select orders.total", "select orders", "select orders.created_at",
			},
		},
		{
			name: "on conflict with excluded",
			sql: `INSERT INTO inventory AS i (sku, qty) VALUES ($1, $2)
			      ON CONFLICT (sku) DO UPDATE SET qty = i.qty + EXCLUDED.qty, updated_at = now()
			      WHERE i.locked = false`,
			want: []string{
				"insert inventory[sku,qty]", "insert inventory.sku", "insert inventory.qty",
				"select inventory.sku",
				"update inventory.qty", "select inventory.qty", "select inventory.qty",
				"update inventory.updated_at", "select inventory.locked",
			},
		},
		{
			name: "update with from",
			sql: `UPDATE accounts a SET balance = a.balance - t.amount, updated_at = now()
			      FROM transfers t WHERE t.account_id = a.id AND t.state = 'pending'
			      RETURNING a.id, balance`,
			want: []string{
				"update accounts", "update accounts.balance", "select accounts.balance", "select transfers.amount",
				"update accounts.updated_at", "select transfers",
				"select transfers.account_id", "select accounts.id", "select transfers.state",
				"select accounts.id", "select accounts.balance ~ambiguous", "select transfers.balance ~ambiguous",
			},
		},
		{
			name: "update with a multi-column assignment from a subquery",
			sql:  `UPDATE users SET (first_name, last_name) = (SELECT p.first, p.last FROM profiles p WHERE p.user_id = users.id)`,
			want: []string{
				"update users", "update users.first_name", "update users.last_name",
				"select profiles.first", "select profiles.last", "select profiles",
				"select profiles.user_id", "select users.id",
			},
		},
		{
			name: "delete using and returning star",
			sql:  `DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND u.banned RETURNING s.*`,
			want: []string{
				"delete sessions", "select users", "select sessions.user_id", "select users.id",
				"select users.banned", "wildcard sessions.*",
			},
		},
		{
			name: "table star and star with joins",
			sql:  `SELECT u.*, p.bio FROM users u JOIN profiles p ON p.user_id = u.id; SELECT * FROM a, b`,
			want: []string{
				"wildcard users.*", "select profiles.bio", "select users", "select profiles",
				"select profiles.user_id", "select users.id",
				"wildcard a.*", "wildcard b.*", "select a", "select b",
			},
		},
		{
			name: "schema-qualified names keep their schema",
			sql:  `SELECT billing.invoices.amount, i.due FROM billing.invoices JOIN billing.invoices i ON i.id = invoices.id`,
			want: []string{
				"select billing:invoices.amount", "select billing:invoices.due",
				"select billing:invoices", "select billing:invoices",
				"select billing:invoices.id", "select billing:invoices.id",
			},
		},
		{
			name: "output aliases in ORDER BY and GROUP BY are not columns",
			sql:  `SELECT date_trunc('day', created_at) AS day, count(*) AS n FROM signups GROUP BY day ORDER BY n DESC, day`,
			want: []string{"select signups.created_at", "select signups"},
		},
		{
			name: "functions that are not built in, and sequences",
			sql:  `SELECT app.slugify(title), lower(title), nextval('posts_id_seq'), jsonb_build_object('a', 1) FROM posts`,
			want: []string{
				"other app:slugify()", "select posts.title", "select posts.title",
				"other posts_id_seq()", "select posts",
			},
		},
		{
			name: "no table in scope",
			sql:  `SELECT current_setting('app.tenant'), some_column`,
			want: []string{"select ?.some_column ~name-only"},
		},
		{
			name: "unknown qualifier keeps its name",
			sql:  `SELECT x.y FROM t`,
			want: []string{"select x.y ~name-only", "select t"},
		},
		{
			name: "whole-row reference to an alias",
			sql:  `SELECT row_to_json(u) FROM users u WHERE u.id = $1`,
			want: []string{"wildcard users.*", "select users", "select users.id"},
		},
		{
			name: "EXISTS (SELECT *) reads no column",
			sql:  `SELECT id FROM teams t WHERE NOT EXISTS (SELECT * FROM members m WHERE m.team_id = t.id)`,
			want: []string{"select teams.id", "select teams", "select members", "select members.team_id", "select teams.id"},
		},
		{
			name: "union arms",
			sql:  `SELECT email FROM users UNION SELECT email FROM invites ORDER BY email`,
			want: []string{"select users.email", "select users", "select invites.email", "select invites"},
		},
		{
			name: "view is a table",
			sql:  `SELECT v.total FROM monthly_revenue v`,
			want: []string{"select monthly_revenue.total", "select monthly_revenue"},
		},
		{
			name: "set-returning function in FROM",
			sql:  `SELECT d, u.id FROM users u, generate_series(1, 7) AS d WHERE u.signup_day = d`,
			want: []string{"select users.id", "select users", "select users.signup_day"},
		},
		{
			name: "data-modifying CTE",
			sql:  `WITH moved AS (DELETE FROM queue WHERE run_at < now() RETURNING id, payload) INSERT INTO done (id, payload) SELECT id, payload FROM moved`,
			want: []string{
				"delete queue", "select queue.run_at", "select queue.id", "select queue.payload",
				"insert done[id,payload]", "insert done.id", "insert done.payload",
				"select queue.id", "select queue.payload",
			},
		},
		{
			name: "merge",
			sql: `MERGE INTO stock s USING deliveries d ON s.item_id = d.item_id
			      WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty
			      WHEN NOT MATCHED THEN INSERT (item_id, qty) VALUES (d.item_id, d.qty)`,
			want: []string{
				"insert stock[item_id,qty]", "update stock", "select deliveries",
				"select stock.item_id", "select deliveries.item_id",
				"update stock.qty", "select stock.qty", "select deliveries.qty",
				"insert stock.item_id", "insert stock.qty",
				"select deliveries.item_id", "select deliveries.qty",
			},
		},
		{
			name: "quoted identifiers keep their case",
			sql:  `SELECT "User"."createdAt" FROM "User" WHERE "User"."orgId" = $1`,
			want: []string{`select User.createdAt`, `select User`, `select User.orgId`},
		},
		{
			name: "sqlc macros",
			sql:  `SELECT sqlc.embed(u), p.title FROM users u JOIN posts p ON p.author_id = u.id WHERE u.id = sqlc.arg(user_id)`,
			want: []string{
				"wildcard users.*", "select posts.title", "select users", "select posts",
				"select posts.author_id", "select users.id", "select users.id",
			},
		},
		{
			name: "DDL holds no references, but a view's query does",
			sql:  `CREATE TABLE t (id int); CREATE VIEW v AS SELECT id, name FROM customers`,
			want: []string{"select customers.id", "select customers.name", "select customers"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.sql)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if diff := cmp.Diff(tc.want, showAll(got)); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
			checkOffsets(t, tc.sql, got, tc.via...)
		})
	}
}
