package rules

// DuplicateColumn flags statements that name one column twice where
// PostgreSQL rejects it: they fail whatever the schema.
var DuplicateColumn = &Rule{
	Name:     "duplicate-column",
	Severity: Error,
	Category: Correctness,
	Summary:  "the statement names a column twice where PostgreSQL allows it once: it fails when it runs",
	Doc: `PostgreSQL rejects, when the statement runs, a column list or SET list that names one column twice: INSERT INTO t (a, a), UPDATE t SET a = 1, a = 2 (and the SET of ON CONFLICT DO UPDATE and MERGE), COPY t (a, a), CREATE TABLE t (a int, a int), two ADD COLUMN a in one ALTER TABLE, and a view, CREATE TABLE AS or SELECT INTO whose query gives two output columns the same name (SELECT t.id, u.id; two unnamed expressions are both "?column?"). Names compare as PostgreSQL keeps them: unquoted names are folded to lower case (A and a are one column, "A" another) and every name is cut to 63 bytes, so two long names that differ only after that are one. The migration stops at the statement; outside a transaction it is left half applied.

Assigning parts of one column (SET a[1] = 1, a[2] = 2, or fields of a composite) is allowed and not reported.`,
	Bad:   "INSERT INTO users (email, name, email) VALUES ('a@x', 'A', 'b@x');\nCREATE VIEW user_orders AS SELECT u.id, o.id FROM users u JOIN orders o ON o.user_id = u.id;",
	Good:  "INSERT INTO users (email, name) VALUES ('a@x', 'A');\nCREATE VIEW user_orders AS SELECT u.id AS user_id, o.id AS order_id FROM users u JOIN orders o ON o.user_id = u.id;",
	Steps: []string{"Name each column once; give output columns of a view or CREATE TABLE AS distinct aliases."},
	Run: func(p *Pass) {
		for _, op := range p.Ops() {
			if op.Duplicate != "" {
				p.Reportf(op.Span, "name each column once (give output columns distinct aliases)", "PostgreSQL will reject this statement: %s", op.Duplicate)
			}
		}
	},
}
