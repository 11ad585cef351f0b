package rules

// UnrecognisedMigrationCode is reported by the framework translators for
// calls they cannot turn into operations. It has no Run.
var UnrecognisedMigrationCode = &Rule{
	Name:     "unrecognised-migration-code",
	Severity: Hint,
	Category: Correctness,
	Summary:  "framework migration code that schemagate could not translate into schema operations",
	Doc:      `A Rails, Django or Alembic migration, or a migration written in Go, TypeScript or JavaScript, calls something schemagate does not know how to turn into schema operations: an application helper, a loop that builds column names, a custom operation, SQL built when the migration runs, a builder method it does not read. It is not checked. Review it by hand, or express it with the framework's standard calls (or execute/RunSQL/op.execute, db.Exec, queryRunner.query, pgm.sql, knex.raw with SQL written out, which is parsed). A migration that changes the schema through SQL strings none of which could be read is reported as a warning: nothing in it was checked. A condition schemagate cannot decide (an environment variable, a setting) is reported here too: every branch that may run is translated, and any finding inside those branches is at most a warning, since it is a hazard only if the branch runs. Conditions on the database itself (adapter_name, supports_*?, dialect.name, connection.vendor) are decided as PostgreSQL.`,
	Bad:      "add_columns_for(:users, FEATURE_FLAGS)",
	Good:     "add_column :users, :beta, :boolean",
}
