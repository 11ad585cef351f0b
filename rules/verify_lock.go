package rules

// VerifyLock is reported by verify for a SHARE or stronger lock the
// server took on an existing table. It has no Run.
var VerifyLock = &Rule{
	Name:     "verify-lock",
	Severity: Warning,
	Category: Locking,
	Summary:  "PostgreSQL took a SHARE or stronger lock on an existing table while running the statement",
	Doc: `verify ran the statement on a scratch copy of the previous schema and read pg_locks from a second connection while the statement's transaction was still open. The lock named in the message blocks writes (SHARE and stronger) or, at ACCESS EXCLUSIVE, reads too, on a table the running release uses, until the transaction commits. On an empty scratch table this is instant; in production the statement also waits for every transaction already using the table, and everything queues behind it.

This is the server's own answer, so it also covers what static analysis cannot see: a trigger, a view or a foreign key that makes PostgreSQL lock more than the statement names. Keep such statements short, alone in their transaction, and behind a lock_timeout.`,
	Bad:  "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);",
	Good: "SET lock_timeout = '2s';\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;",
	Steps: []string{
		"Set lock_timeout so the statement gives up instead of queueing every query behind it.",
		"Use the forms that take weaker locks (CONCURRENTLY, NOT VALID then VALIDATE).",
		"Keep the statement in a transaction of its own, so the lock is released at once.",
	},
}
