package rules

// ReleasedMigrationModified is reported by check when a migration of the
// deployed release was edited. It has no Run.
var ReleasedMigrationModified = &Rule{
	Name:     "released-migration-modified",
	Severity: Error,
	Category: Correctness,
	Summary:  "a migration that the deployed release already has was edited",
	Doc:      `The deployed release has this migration, so it has already run in production (and in every other environment). Editing it changes nothing there: the tools record it as applied and never run it again, while fresh databases get the edited version, so environments drift apart. Flyway and others refuse to run at all when a checksum changes. Revert the edit and write a new migration.`,
	Bad:      "-- editing db/migrations/0042_add_email.sql after it was deployed",
	Good:     "-- db/migrations/0057_fix_email.sql: a new migration with the change",
	Steps:    []string{"Revert the edit to the released migration.", "Put the change in a new migration."},
}
