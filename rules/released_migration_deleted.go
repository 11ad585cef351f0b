package rules

// ReleasedMigrationDeleted is reported by check when a migration of the
// deployed release is gone from the new one. It has no Run.
var ReleasedMigrationDeleted = &Rule{
	Name:     "released-migration-deleted",
	Severity: Warning,
	Category: Correctness,
	Summary:  "a migration that the deployed release has was deleted",
	Doc:      `The migration has run in production, so deleting its file does not undo it; fresh databases simply stop getting it, and tools that verify history (Flyway's validate, sqitch) fail. Keep released migrations, or squash them deliberately with the tool's own mechanism.`,
	Bad:      "git rm db/migrations/0042_add_email.sql",
	Good:     "-- keep it; undo its effect with a new migration if needed",
	Steps:    []string{"Restore the file.", "Undo its effect, if that is the intent, with a new migration."},
}
