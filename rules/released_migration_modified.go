package rules

// ReleasedMigrationModified is reported by check when a migration of the
// deployed release was edited. It has no Run.
var ReleasedMigrationModified = &Rule{
	Name:     "released-migration-modified",
	Severity: Error,
	Category: Correctness,
	Summary:  "a migration that the deployed release already has was edited",
	Doc: `The deployed release has this migration, so it has already run in production (and in every other environment). Editing it changes nothing there: the tools record it as applied and never run it again, while fresh databases get the edited version, so environments drift apart. Revert the edit and write a new migration.

check compares the two versions by what they do, not by their text: the statements of a SQL migration after parsing (layout, comments and keyword case do not count; literals do), the SQL a Rails, Django or Alembic migration translates to. An edit that changes none of them (a code formatter, a removed coding line or unicode_literals import, set([...]) spelled {...}) is no finding; all such edits are summed up in one note. A real edit is reported at the first changed statement, with the statements before and after as evidence. Flyway validates the checksums of applied migrations and refuses to migrate once one changed, so for Flyway any edit is an error.`,
	Bad:   "-- editing db/migrations/0042_add_email.sql after it was deployed",
	Good:  "-- db/migrations/0057_fix_email.sql: a new migration with the change",
	Steps: []string{"Revert the edit to the released migration.", "Put the change in a new migration."},
}
