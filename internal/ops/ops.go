// Package ops turns DDL statements into typed schema operations. Rules,
// the catalog and the framework translators all speak in operations, so a
// Rails add_column and an ALTER TABLE ... ADD COLUMN are checked alike.
package ops

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/source"
)

// Kind is what an operation does.
type Kind string

// Operation kinds.
const (
	CreateTable      Kind = "create-table"
	DropTable        Kind = "drop-table"
	RenameTable      Kind = "rename-table"
	SetSchema        Kind = "set-schema" // ALTER TABLE/VIEW/... SET SCHEMA
	AddColumn        Kind = "add-column"
	DropColumn       Kind = "drop-column"
	RenameColumn     Kind = "rename-column"
	AlterColumnType  Kind = "alter-column-type"
	SetNotNull       Kind = "set-not-null"
	DropNotNull      Kind = "drop-not-null"
	SetDefault       Kind = "set-default"
	DropDefault      Kind = "drop-default"
	AddConstraint    Kind = "add-constraint"
	ValidateConstr   Kind = "validate-constraint"
	DropConstraint   Kind = "drop-constraint"
	RenameConstraint Kind = "rename-constraint"
	CreateIndex      Kind = "create-index"
	DropIndex        Kind = "drop-index"
	RenameIndex      Kind = "rename-index"
	Reindex          Kind = "reindex"
	CreateView       Kind = "create-view"
	DropView         Kind = "drop-view"
	RenameView       Kind = "rename-view"
	CreateMatView    Kind = "create-materialized-view"
	DropMatView      Kind = "drop-materialized-view"
	RefreshMatView   Kind = "refresh-materialized-view"
	CreateFunction   Kind = "create-function"
	DropFunction     Kind = "drop-function"
	CreateSequence   Kind = "create-sequence"
	DropSequence     Kind = "drop-sequence"
	CreateEnum       Kind = "create-enum"
	AddEnumValue     Kind = "add-enum-value"
	RenameEnumValue  Kind = "rename-enum-value"
	CreateType       Kind = "create-type" // composite and range types
	DropType         Kind = "drop-type"
	RenameType       Kind = "rename-type"
	CreateDomain     Kind = "create-domain"
	AlterDomain      Kind = "alter-domain" // ADD CONSTRAINT and friends
	DropDomain       Kind = "drop-domain"
	CreateTrigger    Kind = "create-trigger"
	DropTrigger      Kind = "drop-trigger"
	CreateSchema     Kind = "create-schema"
	DropSchema       Kind = "drop-schema"
	RenameSchema     Kind = "rename-schema"
	CreateExtension  Kind = "create-extension"
	DropExtension    Kind = "drop-extension"
	AttachPartition  Kind = "attach-partition"
	DetachPartition  Kind = "detach-partition"
	AlterTableOther  Kind = "alter-table" // any other ALTER TABLE subcommand
	Truncate         Kind = "truncate"
	Vacuum           Kind = "vacuum"
	Cluster          Kind = "cluster"
	LockTable        Kind = "lock-table"
	CreateDatabase   Kind = "create-database"
	DropDatabase     Kind = "drop-database"
	Begin            Kind = "begin"
	Commit           Kind = "commit"
	Rollback         Kind = "rollback"
	Savepoint        Kind = "savepoint"
	Set              Kind = "set" // SET name = value
	Insert           Kind = "insert"
	Update           Kind = "update"
	Delete           Kind = "delete"
	Select           Kind = "select"
	Comment          Kind = "comment"
	Grant            Kind = "grant"
	Do               Kind = "do" // anonymous code block: opaque
	Other            Kind = "other"
)

// droppedRelation is the word for the relation each DROP of one removes.
var droppedRelation = map[Kind]string{DropTable: "table", DropView: "view", DropMatView: "materialized view", DropSequence: "sequence"}

// DroppedRelation says what a DROP TABLE, VIEW, MATERIALIZED VIEW or
// SEQUENCE removes ("materialized view"), for messages; "" for other kinds.
func (k Kind) DroppedRelation() string { return droppedRelation[k] }

// Name is a possibly schema-qualified object name.
type Name struct {
	Schema string `json:"schema,omitempty"`
	Name   string `json:"name"`
}

func (n Name) String() string {
	if n.Schema == "" {
		return n.Name
	}
	return n.Schema + "." + n.Name
}

// Quoted is the name as SQL writes it, each part quoted only where
// PostgreSQL needs it (QuoteIdent).
func (n Name) Quoted() string {
	if n.Schema == "" {
		return QuoteIdent(n.Name)
	}
	return QuoteIdent(n.Schema) + "." + QuoteIdent(n.Name)
}

// QuoteIdent quotes an identifier only when PostgreSQL needs it: one
// that is not all lower-case letters, digits and underscores, or starts
// with a digit.
func QuoteIdent(s string) string {
	if s == "" {
		return s
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || (i > 0 && r >= '0' && r <= '9')) {
			return Quote(s)
		}
	}
	return s
}

// Quote double-quotes an identifier, as frameworks' SQL compilers do
// (ActiveRecord's quote_column_name, SQLAlchemy with quoting on).
func Quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Key is the name as the catalog keys it: unqualified names live in
// public, PostgreSQL's default search path.
func (n Name) Key() string {
	if n.Schema == "" {
		return "public." + n.Name
	}
	return n.Schema + "." + n.Name
}

// Type is a column type in PostgreSQL's canonical spelling.
type Type struct {
	Name  string `json:"name"`           // "integer", "character varying", "timestamp with time zone", or a user type
	Mods  []int  `json:"mods,omitempty"` // type modifiers: varchar(10) -> [10], numeric(10,2) -> [10 2]
	Array bool   `json:"array,omitempty"`
}

// Volatility of an expression, as PostgreSQL classifies functions.
type Volatility int

// Volatilities, from safest.
const (
	Immutable Volatility = iota // constants and immutable functions
	Stable                      // now(), current_timestamp: evaluated once per statement
	Volatile                    // random(), nextval(), clock_timestamp(), user functions
)

// Expr is an expression such as a default. Text may be empty until SQL()
// deparses Node.
type Expr struct {
	Text       string     `json:"text"`
	Volatility Volatility `json:"volatility"`
	Null       bool       `json:"null,omitempty"` // the NULL constant
	Node       *pg.Node   `json:"-"`
}

// Column describes a column being added or created.
type Column struct {
	Name       string `json:"name"`
	Type       Type   `json:"type"`
	NotNull    bool   `json:"not_null,omitempty"`
	Default    *Expr  `json:"default,omitempty"`
	PrimaryKey bool   `json:"primary_key,omitempty"`
	Unique     bool   `json:"unique,omitempty"`
	References *Name  `json:"references,omitempty"`
	Check      bool   `json:"check,omitempty"`
	Identity   bool   `json:"identity,omitempty"`  // GENERATED ... AS IDENTITY
	Generated  bool   `json:"generated,omitempty"` // GENERATED ALWAYS AS (...) STORED
	Serial     bool   `json:"serial,omitempty"`    // serial, bigserial, smallserial
	// Span is where the column is defined (its name in CREATE TABLE or
	// ADD COLUMN), when known.
	Span source.Span `json:"-"`
}

// ConstraintType is the kind of a table constraint.
type ConstraintType string

// Constraint types.
const (
	Check      ConstraintType = "check"
	ForeignKey ConstraintType = "foreign-key"
	Unique     ConstraintType = "unique"
	PrimaryKey ConstraintType = "primary-key"
	Exclusion  ConstraintType = "exclusion"
	NotNull    ConstraintType = "not-null"
)

// Constraint describes a constraint being added.
type Constraint struct {
	Name       string         `json:"name,omitempty"`
	Type       ConstraintType `json:"type"`
	Columns    []string       `json:"columns,omitempty"`
	NotValid   bool           `json:"not_valid,omitempty"`
	UsingIndex string         `json:"using_index,omitempty"`
	RefTable   *Name          `json:"ref_table,omitempty"`
	RefColumns []string       `json:"ref_columns,omitempty"`
	Expr       string         `json:"expr,omitempty"` // CHECK expression text
	// NotNullColumn is the column a CHECK (col IS NOT NULL) proves non-null.
	NotNullColumn string `json:"not_null_column,omitempty"`
	// ExprColumns are the columns a CHECK expression reads.
	ExprColumns []string `json:"expr_columns,omitempty"`
	// PassesNull is true for a CHECK that a row leaving every column it
	// reads NULL passes: each comparison is strict, so the expression is
	// NULL, which a CHECK accepts.
	PassesNull bool `json:"passes_null,omitempty"`
}

// Index describes an index being created.
type Index struct {
	Name         string   `json:"name,omitempty"`
	Unique       bool     `json:"unique,omitempty"`
	Columns      []string `json:"columns,omitempty"` // expressions appear as their text
	Where        *Expr    `json:"where,omitempty"`   // a partial index's predicate, deparsed by SQL() when shown
	Method       string   `json:"method,omitempty"`
	Concurrently bool     `json:"concurrently,omitempty"`
}

// Op is one schema operation. Which fields are set depends on Kind.
type Op struct {
	Kind Kind `json:"kind"`
	// Stmt is the index of the statement in its migration (several
	// operations share one ALTER TABLE statement).
	Stmt int         `json:"stmt"`
	Span source.Span `json:"-"`

	Table     Name   `json:"table,omitzero"`     // the table (or view, sequence, ...) operated on
	Column    string `json:"column,omitempty"`   // the column operated on
	Object    Name   `json:"object,omitzero"`    // index, function, type, domain, schema, database, constraint name, ...
	NewName   string `json:"new_name,omitempty"` // rename target; new enum value
	NewSchema string `json:"new_schema,omitempty"`

	ColumnDef  *Column     `json:"column_def,omitempty"` // AddColumn
	Columns    []Column    `json:"columns,omitempty"`    // CreateTable
	Type       *Type       `json:"type,omitempty"`       // AlterColumnType target
	Using      string      `json:"using,omitempty"`      // AlterColumnType USING
	Default    *Expr       `json:"default,omitempty"`    // SetDefault
	Constraint *Constraint `json:"constraint,omitempty"` // AddConstraint, CreateTable table constraints via Constraints
	// Constraints are the table constraints of a CreateTable.
	Constraints []Constraint `json:"constraints,omitempty"`
	Index       *Index       `json:"index,omitempty"` // CreateIndex

	Concurrently bool `json:"concurrently,omitempty"` // DropIndex, Reindex, RefreshMatView, DetachPartition
	IfExists     bool `json:"if_exists,omitempty"`
	IfNotExists  bool `json:"if_not_exists,omitempty"`
	OrReplace    bool `json:"or_replace,omitempty"`
	Cascade      bool `json:"cascade,omitempty"`
	Full         bool `json:"full,omitempty"` // VACUUM FULL
	// Setting and Value describe a SET; Local is SET LOCAL.
	Setting string `json:"setting,omitempty"`
	Value   string `json:"value,omitempty"`
	Local   bool   `json:"local,omitempty"`
	// Values are an enum's labels (CreateEnum).
	Values []string `json:"values,omitempty"`
	// Detail says more about AlterTableOther and Other operations, and
	// for CreateTable where columns come from elsewhere too ("as select",
	// "partition", "inherits", "like").
	Detail string `json:"detail,omitempty"`
	// Duplicate is the error PostgreSQL raises, whatever the schema, for
	// a column the statement names twice (INSERT INTO t (a, a), SET a =
	// 1, a = 2, CREATE TABLE t (a int, a int), a view's output columns);
	// set on the statement's first operation.
	Duplicate string `json:"duplicate,omitempty"`
	// Guarded is true when the migration asks the database whether the
	// object exists before it runs the operation (Rails' `unless
	// index_exists?`, Alembic's `if not inspector.has_table`): a retry
	// skips what is already done, as IF [NOT] EXISTS would.
	Guarded bool `json:"guarded,omitempty"`

	// Lock is the lock the operation takes on Table (none for new tables
	// is still recorded: rules decide whether it matters).
	Lock LockMode `json:"lock"`
	// Rewrite is true when the operation rewrites the table or its
	// indexes as PostgreSQL executes it (for the version analysed).
	Rewrite bool `json:"rewrite,omitempty"`
	// Scan is true when the operation reads the whole table under its lock
	// (SET NOT NULL without a proving constraint, a validated constraint).
	Scan bool `json:"scan,omitempty"`

	// NewTable is true when Table was created earlier in the same
	// migration (or pending set, when the caller knows it).
	NewTable bool `json:"new_table,omitempty"`
	// InTransaction is true when the statement runs inside a transaction
	// block (the tool's wrapper or an explicit BEGIN); Tx numbers those
	// blocks from 1, 0 when outside any.
	InTransaction bool `json:"in_transaction,omitempty"`
	Tx            int  `json:"tx,omitempty"`
}
