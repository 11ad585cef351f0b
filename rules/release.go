package rules

// Findings that come from comparing releases rather than from one
// migration's operations; check reports them.
var (
	ReleasedMigrationModified = &Rule{
		Name:     "released-migration-modified",
		Severity: Error,
		Category: Correctness,
		Summary:  "a migration that the deployed release already has was edited",
		Doc:      `The deployed release has this migration, so it has already run in production (and in every other environment). Editing it changes nothing there: the tools record it as applied and never run it again, while fresh databases get the edited version, so environments drift apart. Flyway and others refuse to run at all when a checksum changes. Revert the edit and write a new migration.`,
		Bad:      "-- editing db/migrations/0042_add_email.sql after it was deployed",
		Good:     "-- db/migrations/0057_fix_email.sql: a new migration with the change",
		Steps:    []string{"Revert the edit to the released migration.", "Put the change in a new migration."},
	}
	ReleasedMigrationDeleted = &Rule{
		Name:     "released-migration-deleted",
		Severity: Warning,
		Category: Correctness,
		Summary:  "a migration that the deployed release has was deleted",
		Doc:      `The migration has run in production, so deleting its file does not undo it; fresh databases simply stop getting it, and tools that verify history (Flyway's validate, sqitch) fail. Keep released migrations, or squash them deliberately with the tool's own mechanism.`,
		Bad:      "git rm db/migrations/0042_add_email.sql",
		Good:     "-- keep it; undo its effect with a new migration if needed",
		Steps:    []string{"Restore the file.", "Undo its effect, if that is the intent, with a new migration."},
	}
)

func init() {
	Register(ReleasedMigrationModified, ReleasedMigrationDeleted)
}

// SchemaDumpMismatch is the cross-check of framework migrations against
// the schema file committed with them.
var SchemaDumpMismatch = &Rule{
	Name:     "schema-dump-mismatch",
	Severity: Warning,
	Category: Correctness,
	Summary:  "the committed schema file does not match what the pending migrations do",
	Doc:      `The project commits its schema (db/schema.rb, db/structure.sql) next to its migrations. After the pending migrations, the schema should be what that file says; here they differ: the file was not regenerated, was edited by hand, or a migration does something schemagate did not translate. Run the migrations locally and commit the regenerated file, or look at the migration named.`,
	Bad:      "-- a migration adds users.nickname; db/structure.sql was not regenerated",
	Good:     "bin/rails db:migrate && git add db/structure.sql",
	Steps:    []string{"Run the pending migrations locally.", "Commit the regenerated schema file with them."},
}

func init() { Register(SchemaDumpMismatch) }
