package rules

// Findings that `schemagate verify` makes by asking a real PostgreSQL:
// it applies the pending migrations to a scratch copy of the previous
// schema and reports what the server did. They have no Run: verify
// reports them itself.
var (
	VerifyLock = &Rule{
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
	VerifyRewrite = &Rule{
		Name:     "verify-rewrite",
		Severity: Warning,
		Category: Rewrite,
		Summary:  "PostgreSQL rewrote a table or rebuilt an index while running the statement",
		Doc:      `verify compared pg_class.relfilenode of every existing table and index before and after the statement: a new file means PostgreSQL copied the whole relation. On the empty scratch schema that is instant; in production it takes as long as writing the table again, all the while holding the statement's lock (ACCESS EXCLUSIVE for ALTER TABLE). Typical causes: a column type change that is not binary compatible, a volatile default, SET LOGGED, VACUUM FULL, CLUSTER.`,
		Bad:      "ALTER TABLE events ALTER COLUMN id TYPE bigint;",
		Good:     "ALTER TABLE events ADD COLUMN id_new bigint;\n-- backfill in batches, switch over in a later release",
		Steps: []string{
			"Add a new column (or table) instead of changing the existing one in place.",
			"Backfill it in batches outside the migration.",
			"Switch reads and writes over, then drop the old one in a later release.",
		},
	}
	VerifyStatementFailed = &Rule{
		Name:     "verify-statement-failed",
		Severity: Error,
		Category: Correctness,
		Summary:  "PostgreSQL rejected the statement when verify applied it to the previous schema",
		Doc:      `verify applied the pending migrations, in order and in their tools' transaction modes, to a scratch copy of the schema the running release uses, and PostgreSQL rejected this statement with the message shown, at the position shown. It will fail the same way in production: the migration tool stops there, and a migration outside a transaction is left half applied. The migrations after it were not verified. When the failure is in the previous release's own migrations or schema dump, the scratch copy could not be built faithfully and the message says so.`,
		Bad:      "ALTER TABLE users DROP COLUMN nickname; -- the column was already dropped",
		Good:     "ALTER TABLE users DROP COLUMN IF EXISTS nickname;",
		Steps:    []string{"Fix the statement at the reported position.", "Run schemagate verify again."},
	}
	VerifyQueryBroken = &Rule{
		Name:     "verify-query-broken",
		Severity: Error,
		Category: Compatibility,
		Summary:  "a query of the running release prepares on the previous schema and fails after the pending migrations",
		Doc: `verify prepared every SQL text of the previous release (query files, SQL in code, runtime statements from pg_stat_statements, and the SELECT of every column an ORM model loads) on the previous schema and again after the pending migrations, with the parameter types it had before. This one worked before and fails after, with PostgreSQL's error; or it still prepares but no longer returns a column the code reads. While the previous release is still serving traffic (during the deploy, or after a rollback) every execution of it fails.

Static analysis cannot see everything a query depends on (a view over the column, a function, dynamic SQL); PREPARE asks the server itself.`,
		Bad:  "ALTER TABLE users DROP COLUMN legacy_score; -- SELECT legacy_score FROM users still runs in the deployed release",
		Good: "-- release 1: stop reading legacy_score (or add it to ignored_columns)\n-- release 2: ALTER TABLE users DROP COLUMN legacy_score;",
		Steps: []string{
			"Deploy code that no longer uses the column (or table, or type) first.",
			"Wait until no release that uses it can run.",
			"Drop or change it in a later release.",
		},
	}
	VerifyInsertBroken = &Rule{
		Name:     "verify-insert-broken",
		Severity: Error,
		Category: Compatibility,
		Summary:  "an INSERT of the running release succeeds on the previous schema and fails after the pending migrations",
		Doc:      `verify ran every INSERT of the previous release (and the INSERT each ORM model makes) with placeholder values of the right types, inside a savepoint that is always rolled back, on the previous schema and again after the pending migrations. This one succeeded before and fails after: typically a new NOT NULL column without a default, a new CHECK or unique constraint, or a trigger that demands a value the running release does not send. Every such INSERT fails while that release still runs.`,
		Bad:      "ALTER TABLE events ADD COLUMN source text NOT NULL;",
		Good:     "ALTER TABLE events ADD COLUMN source text NOT NULL DEFAULT 'app';\n-- or: add it nullable, deploy code that writes it, backfill, then add NOT NULL",
		Steps: []string{
			"Add the column nullable or with a default the running release's INSERTs can live with.",
			"Deploy code that writes it.",
			"Backfill, then tighten the constraint in a later release.",
		},
	}
)

func init() {
	Register(VerifyLock, VerifyRewrite, VerifyStatementFailed, VerifyQueryBroken, VerifyInsertBroken)
}
