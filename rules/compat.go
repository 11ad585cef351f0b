package rules

import "github.com/schemagate/schemagate/internal/ops"

// Use is a reference of a release to a table or column, as the
// compatibility rules need it.
type Use struct {
	Release string
	// Certain is true for a resolved reference or an ORM model that
	// loads every column: the finding is an error. Otherwise (ambiguous,
	// name-only, plain SELECT *) it is a warning.
	Certain  bool
	Evidence Evidence
	// Insert is true for a writer that inserts rows into the table;
	// InsertColumns lists the columns it names (nil: all it knows).
	Insert        bool
	InsertColumns []string
	// Usage is how the place uses it: select, insert, update, delete,
	// wildcard or model.
	Usage string
	// Statement is the SQL the use is part of, when it comes from SQL:
	// uses in one statement are one place.
	Statement string
}

// Compat answers what the releases that may still run use. The check
// command implements it over the reference indexes and the catalog.
type Compat interface {
	// Releases names the releases checked against ("abc1234").
	Releases() []string
	// ColumnUses returns the uses of table.column by the releases that
	// still run.
	ColumnUses(table ops.Name, column string) []Use
	// TableUses returns the uses of a table (or view, sequence).
	TableUses(table ops.Name) []Use
	// ObjectUses returns the uses of a function or type by name.
	ObjectUses(kind ops.Kind, name ops.Name) []Use
	// Inserters returns the releases' INSERTs into table that do not
	// name column (so a new NOT NULL column without default breaks them).
	Inserters(table ops.Name, column string) []Use
	// NewReleaseUses returns the uses by the release being deployed
	// (after the migration), for "still referenced by the new code".
	NewReleaseUses(table ops.Name, column string) []Use
}
