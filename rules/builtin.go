package rules

// Findings that do not come from a rule's Run but from the engine. They are
// registered so that config, suppressions, docs and SARIF know them.
var (
	SyntaxError = &Rule{
		Name:     "syntax-error",
		Severity: Error,
		Category: Correctness,
		Summary:  "the migration does not parse",
		Doc:      `PostgreSQL's own parser (or the framework's language parser) rejected the statement at this position. The migration would fail when it runs; the rest of the file is still checked.`,
		Bad:      "ALTER TABLE users ADD COLUMNN email text;",
		Good:     "ALTER TABLE users ADD COLUMN email text;",
		Steps:    []string{"Fix the statement at the reported position."},
	}
	InternalError = &Rule{
		Name:     "internal-error",
		Severity: Error,
		Category: Correctness,
		Summary:  "schemagate failed on this file; please report it",
		Doc:      `A rule or reader crashed on this file. The other files and rules were still checked. The message says which rule; please report it with the file.`,
	}
	InvalidSuppression = &Rule{
		Name:     "invalid-suppression",
		Severity: Error,
		Category: Correctness,
		Summary:  "a schemagate:ignore comment names an unknown rule or lacks a required reason",
		Doc:      `Suppression comments must name existing rules ("schemagate rules" lists them), so that a typo does not silently disable nothing. Suppressing a compatibility finding also needs a reason after the rule names: it records why breaking the running release is acceptable.`,
		Bad:      "-- schemagate:ignore drop-colum",
		Good:     "-- schemagate:ignore drop-column the legacy app that read it was retired in March",
	}
	MigrationFormat = &Rule{
		Name:     "migration-format",
		Severity: Warning,
		Category: Correctness,
		Summary:  "the migration file does not follow its tool's format",
		Doc:      `The file is missing a section marker, has an unterminated block, or otherwise does not follow the format its migration tool expects (a goose file without "-- +goose Up", a sqitch change without its deploy script, two migrations with one version). The tool would skip it or fail.`,
	}

	UnrecognisedMigrationCode = &Rule{
		Name:     "unrecognised-migration-code",
		Severity: Hint,
		Category: Correctness,
		Summary:  "framework migration code that schemagate could not translate into schema operations",
		Doc:      `A Rails, Django or Alembic migration calls something schemagate does not know how to turn into schema operations: an application helper, a loop that builds column names, a custom operation. It is not checked. Review it by hand, or express it with the framework's standard calls (or execute/RunSQL/op.execute with SQL, which is parsed).`,
		Bad:      "add_columns_for(:users, FEATURE_FLAGS)",
		Good:     "add_column :users, :beta, :boolean",
	}
	DataMigration = &Rule{
		Name:     "data-migration",
		Severity: Hint,
		Category: Data,
		Summary:  "a data migration (RunPython, update_all) inside a schema migration",
		Doc:      `The migration changes data through application code (Django RunPython, ActiveRecord update_all, Model.objects.update). It runs inside the migration's transaction, holding every lock the schema changes took, and its cost grows with the table. Prefer a separate, batched data migration after the schema change is deployed.`,
		Bad:      "migrations.RunPython(backfill_emails)",
		Good:     "-- a separate migration (or job) that backfills in batches",
	}
)

func init() {
	Register(SyntaxError, InternalError, InvalidSuppression, MigrationFormat, UnrecognisedMigrationCode, DataMigration)
}
