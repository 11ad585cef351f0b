package rules

// VerifyStatementFailed is reported by verify when the server rejected a
// pending migration's statement. It has no Run.
var VerifyStatementFailed = &Rule{
	Name:     "verify-statement-failed",
	Severity: Error,
	Category: Correctness,
	Summary:  "PostgreSQL rejected the statement when verify applied it to the previous schema",
	Doc:      `verify applied the pending migrations, in order and in their tools' transaction modes, to a copy of the schema the running release uses in its sandbox, and PostgreSQL rejected this statement with the message shown, at the position shown. It will fail the same way in production: the migration tool stops there, and a migration outside a transaction is left half applied. The migrations after it were not verified. In the sandbox the migrations run as a role that owns the database but has no superuser, CREATEROLE or CREATEDB: a statement that needs more (COPY ... PROGRAM or a server file, an untrusted language or extension, ALTER SYSTEM, another role's settings, other sessions) is refused, and the message says so; such a statement reaches outside the database the migration is for and belongs with an administrator, not in a migration. When the failure is in the previous release's own migrations or schema dump, the copy could not be built faithfully and the message says so.`,
	Bad:      "ALTER TABLE users DROP COLUMN nickname; -- the column was already dropped",
	Good:     "ALTER TABLE users DROP COLUMN IF EXISTS nickname;",
	Steps:    []string{"Fix the statement at the reported position.", "Run schemagate verify again."},
}
