package rules

// FailsAgainstSchema is reported by the engine when a statement will fail
// on the schema the earlier migrations (or a schema dump) built: the
// engine replays every migration in order and asks the replay before each
// operation. It has no Run.
var FailsAgainstSchema = &Rule{
	Name:     "fails-against-schema",
	Severity: Error,
	Category: Correctness,
	Summary:  "the statement will fail: what it needs is not there, or what it adds is there already, on the schema the earlier migrations built",
	Doc: `schemagate replays the migrations in order, each on the schema the ones before it left, and asks before each statement whether PostgreSQL can run it there: a column or table that an earlier migration dropped or renamed (or that the migration creating the table never added), a column, table or index that is added twice, a rename to a name that is taken, a DROP without IF EXISTS of something already gone. The finding names the earlier migration that made it so. The migration tool stops at the failing statement, and a migration outside a transaction is left half applied.

The replay answers only for what it saw whole. A table some tool or extension made, one made before the first migration of a squashed history, one made from another (CREATE TABLE ... AS, LIKE, INHERITS, PARTITION OF), and every table once code the replay cannot read has run (a DO block, a procedure call, framework code schemagate does not translate, SQL that does not parse) are not judged: their columns may be other than the replay thinks. IF EXISTS and IF NOT EXISTS, and framework guards such as Rails' ` + "`unless column_exists?`" + `, are never findings.`,
	Bad:   "ALTER TABLE users DROP COLUMN nickname;\n-- later, in another migration:\nALTER TABLE users DROP COLUMN nickname;",
	Good:  "ALTER TABLE users DROP COLUMN nickname;\n-- the later migration does not drop it again, or writes IF EXISTS:\nALTER TABLE users DROP COLUMN IF EXISTS nickname;",
	Steps: []string{"Read the earlier migration the finding names: the statement repeats or undoes it.", "Remove the statement, fix its name, or write IF [NOT] EXISTS when both histories must run."},
}
