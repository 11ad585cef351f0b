package rules

// UnrecognisedMigrationCode is reported by the framework translators for
// calls they cannot turn into operations. It has no Run.
var UnrecognisedMigrationCode = &Rule{
	Name:     "unrecognised-migration-code",
	Severity: Hint,
	Category: Correctness,
	Summary:  "framework migration code that schemagate could not translate into schema operations",
	Doc:      `A Rails, Django or Alembic migration calls something schemagate does not know how to turn into schema operations: an application helper, a loop that builds column names, a custom operation. It is not checked. Review it by hand, or express it with the framework's standard calls (or execute/RunSQL/op.execute with SQL, which is parsed).`,
	Bad:      "add_columns_for(:users, FEATURE_FLAGS)",
	Good:     "add_column :users, :beta, :boolean",
}
