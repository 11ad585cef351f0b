// Package refs models what a release's code references in the database:
// tables and columns, how they are used, how sure we are, and where.
// Extractors live in subpackages; this package holds the shared types
// and the index that answers "who uses this?".
package refs

import (
	"strings"

	"github.com/schemagate/schemagate/internal/source"
)

// Usage says how a reference uses its table or column.
type Usage string

// Usages.
const (
	Select   Usage = "select"
	Insert   Usage = "insert"
	Update   Usage = "update"
	Delete   Usage = "delete"
	Wildcard Usage = "wildcard" // SELECT * or table.*: every column the table has
	Model    Usage = "model"    // an ORM model that loads and writes every column it knows
	Other    Usage = "other"    // named in DDL-like or function context (views, functions)
	// Attribute is a column named through an ORM model (where(col: ...),
	// filter(col=...), permit(:col), a serializer's fields): evidence a
	// person can follow; whether the release breaks comes from the model.
	Attribute Usage = "attribute"
)

// Certainty says how sure the extractor is about the table of a column.
type Certainty string

// Certainties.
const (
	Resolved  Certainty = "resolved"  // the table is known
	Ambiguous Certainty = "ambiguous" // one of several tables in scope; kept for each candidate
	NameOnly  Certainty = "name-only" // only the name matched
)

// Source is the kind of place a reference was found in.
type Source string

// Sources.
const (
	SQLFile      Source = "sql"
	GoCode       Source = "go"
	RubyCode     Source = "ruby"
	PythonCode   Source = "python"
	JSCode       Source = "javascript"
	TSCode       Source = "typescript"
	JavaCode     Source = "java"
	ActiveRecord Source = "activerecord"
	Django       Source = "django"
	SQLAlchemy   Source = "sqlalchemy"
	Prisma       Source = "prisma"
	GORM         Source = "gorm"
	Sqlx         Source = "sqlx"
	TypeORM      Source = "typeorm"
	Sequelize    Source = "sequelize"
	MikroORM     Source = "mikroorm"
	Drizzle      Source = "drizzle"
	Knex         Source = "knex"
	Kysely       Source = "kysely"
	JPA          Source = "jpa" // JPA/Hibernate entities and JPQL (Spring Data @Query)
	JOOQ         Source = "jooq"
	Ent          Source = "ent"
	Bun          Source = "bun"
	SQLBoiler    Source = "sqlboiler"
	Runtime      Source = "runtime" // pg_stat_statements
)

// Reference is one use of a table or column by a release's code.
type Reference struct {
	Schema    string    `json:"schema,omitempty"`
	Table     string    `json:"table"`
	Column    string    `json:"column,omitempty"` // empty: the table as a whole
	Usage     Usage     `json:"usage"`
	Certainty Certainty `json:"certainty"`
	Source    Source    `json:"source"`
	File      string    `json:"file"`
	Line      int       `json:"line"`
	Col       int       `json:"col,omitempty"`
	Snippet   string    `json:"snippet,omitempty"`
	// Columns lists the columns an INSERT names or an ORM model maps
	// explicitly (Django fields, Prisma fields, GORM struct fields);
	// empty when the ORM loads whatever the table has (ActiveRecord).
	Columns []string `json:"columns,omitempty"`
	// Ignored lists columns an ORM model explicitly does not load
	// (ActiveRecord ignored_columns).
	Ignored []string `json:"ignored,omitempty"`
	// Writes says, for an ORM model, how its inserts fill the columns it
	// maps: whether each gets a value on every insert or may be left
	// NULL, at the line that decides. A column with no entry is unknown
	// (see Fill).
	Writes []Write `json:"writes,omitempty"`
	// SQL is the full statement text a reference came from, with
	// placeholders normalised to $n, so verify can prepare it.
	SQL string `json:"sql,omitempty"`
	// Calls counts executions for runtime references.
	Calls int64 `json:"calls,omitempty"`
	// Offset is a byte offset into the text the reference was resolved
	// from (the SQL string for a ResolveFunc); extractors map it to
	// File, Line and Col.
	Offset int `json:"-"`
}

// ByName reports whether the reference is an attribute use on a value
// whose model is unknown (record.col, obj.col), matched to the table by
// the column's name only: evidence to list after the rest, never to
// decide.
func (r Reference) ByName() bool {
	return r.Usage == Attribute && r.Certainty != Resolved
}

// Write is what an ORM model's inserts put into one column, and the line
// that decides it: the field definition (Django: null=True without a
// default may insert NULL; any other concrete field gets a value), the
// presence validation, the default or the callback that assigns it
// (ActiveRecord).
type Write struct {
	Column string `json:"column"`
	// Always is true when every insert through the model writes a value
	// (not NULL); false when the model may leave the column NULL.
	Always  bool   `json:"always,omitempty"`
	Line    int    `json:"line"`
	Snippet string `json:"snippet,omitempty"`
}

// Fill returns how the model writes column (case-insensitive), and
// whether it says.
func (r Reference) Fill(column string) (Write, bool) {
	for _, w := range r.Writes {
		if strings.EqualFold(w.Column, column) {
			return w, true
		}
	}
	return Write{}, false
}

// ResolveFunc resolves the table and column references of one SQL text.
// Offsets of the returned references are byte offsets into sql; File,
// Line, Col, Snippet and Source are left for the caller to fill.
type ResolveFunc func(sql string) ([]Reference, error)

// Extractor finds references in one kind of file.
type Extractor interface {
	Name() string
	// Match reports whether the extractor reads the file at path.
	Match(path string) bool
	// Extract returns the references in src. An error means the file
	// could not be read as this kind; the caller counts and skips it.
	Extract(path string, src []byte) ([]Reference, error)
}

// FilesExtractor is an extractor whose references depend on several
// files at once (ActiveRecord: an STI parent, a constant or the
// inflections defined in another file). The scanner gives it every file
// it matches in one call instead of one file at a time.
type FilesExtractor interface {
	Extractor
	ExtractFiles(files []*source.File) ([]Reference, error)
}
