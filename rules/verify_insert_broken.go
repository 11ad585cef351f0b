package rules

// VerifyInsertBroken is reported by verify when an INSERT of the running
// release fails after the pending migrations. It has no Run.
var VerifyInsertBroken = &Rule{
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
