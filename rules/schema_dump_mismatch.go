package rules

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
