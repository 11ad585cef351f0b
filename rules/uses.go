package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

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
	// WritesNull is true for a writer that puts NULL into the column
	// itself (an ORM model that maps it and may leave it unset), which a
	// column default does not help; false for one that leaves the column
	// out of its INSERT.
	WritesNull bool
	// Usage is how the place uses it: select, insert, update, delete,
	// wildcard or model.
	Usage string
	// Statement is the SQL the use is part of, when it comes from SQL:
	// uses in one statement are one place.
	Statement string
	// Defined is, for an ORM model, the line of its definition of the
	// column (the field, Column(), schema.prisma line, validation or
	// belongs_to that says how inserts fill it); zero when unknown.
	Defined Evidence
	// Source is the kind of code the use is in: "activerecord", "django",
	// "prisma", "sql", ... (refs.Source); hints speak its framework.
	Source string
	// ByName is true for an attribute use on a value whose model is
	// unknown (record.col), matched by the column's name: listed after
	// the other evidence, and never the proof that a use was removed.
	ByName bool
}

// NamesColumn reports whether the use names the column itself (a query,
// an INSERT column list, a model that maps its fields), not merely loads
// whatever the table has (SELECT *, an ActiveRecord model).
func (u Use) NamesColumn() bool {
	switch u.Usage {
	case "model", "wildcard", "insert":
		return len(u.InsertColumns) > 0
	}
	return true
}

// The frameworks whose hints the compatibility rules speak.
const (
	frameworkRails  = "activerecord"
	frameworkDjango = "django"
	frameworkPrisma = "prisma"
)

// framework names the ORM a hint should speak: the one the uses are in,
// else the one the migration is written for; "" when none of Rails,
// Django and Prisma is in play (a Go or SQL project gets no Rails line).
func (p *Pass) framework(uses []Use) string {
	seen := map[string]bool{}
	for _, u := range uses {
		seen[u.Source] = true
	}
	format := migration.FormatAuto
	if p.Migration != nil {
		format = p.Migration.Format
	}
	switch {
	case seen[frameworkRails] || format == migration.FormatRails:
		return frameworkRails
	case seen[frameworkDjango] || format == migration.FormatDjango:
		return frameworkDjango
	case seen[frameworkPrisma] || format == migration.FormatPrisma:
		return frameworkPrisma
	}
	return ""
}

// inFramework picks the line for the project's framework (see
// framework), "" for none.
func (p *Pass) inFramework(uses []Use, rails, django, prisma string) string {
	return map[string]string{frameworkRails: rails, frameworkDjango: django, frameworkPrisma: prisma}[p.framework(uses)]
}

// stagingHint says how the project's framework stops using a column a
// release ahead of the drop: ignored_columns for ActiveRecord, a
// state-only removal for Django, removing the field from schema.prisma
// for Prisma.
func (p *Pass) stagingHint(uses []Use, column string) string {
	return p.inFramework(uses,
		fmt.Sprintf("Rails: self.ignored_columns += [%q] first", column),
		fmt.Sprintf("Django: remove the field %s from the model first, with a migration that removes it from the state only (SeparateDatabaseAndState)", column),
		fmt.Sprintf("Prisma: remove the field for %s from schema.prisma first, in a release whose migration does not drop it", column))
}

// renameHint says how the project's framework renames a column without
// breaking the running release: Rails adds the new column and bridges
// the names in the model, Django and Prisma rename the field and keep
// the column's name.
func (p *Pass) renameHint(uses []Use, column, newName string) string {
	return p.inFramework(uses,
		fmt.Sprintf("Rails: add_column %s, write both in the model (alias_attribute or a callback) and backfill, switch reads, then self.ignored_columns += [%q] and remove it in a later release", newName, column),
		fmt.Sprintf("Django: rename the field but keep the column with db_column=%q (no database change), or rename the column later with SeparateDatabaseAndState", column),
		fmt.Sprintf("Prisma: rename the field in schema.prisma and keep the column with @map(%q) instead of renaming it", column))
}

// dropTableHint says how the project's framework stops using a table a
// release ahead of the drop.
func (p *Pass) dropTableHint(uses []Use, table string) string {
	return p.inFramework(uses,
		fmt.Sprintf("Rails: remove the model of %s and its associations first, drop the table in a later release", table),
		fmt.Sprintf("Django: delete the model of %s first with a migration that removes it from the state only (SeparateDatabaseAndState with DeleteModel in state_operations), drop the table in a later release", table),
		fmt.Sprintf("Prisma: remove the model of %s from schema.prisma first, in a release whose migration does not drop the table", table))
}

// notNullHint says how the project's framework adds a required column
// the running release does not write: Django's AddField drops the default
// it filled the table with, Rails and Prisma keep a database default.
func (p *Pass) notNullHint(uses []Use, column string) string {
	return p.inFramework(uses,
		fmt.Sprintf("Rails: add %s with null: true or a default the column keeps, write it from the model, then change_column_null in a later release", column),
		fmt.Sprintf("Django: AddField drops the default once existing rows are filled; give %s a db_default (Django 5.0+), or add it with null=True and make it required in a later release", column),
		fmt.Sprintf("Prisma: keep @default on %s until every running release writes it", column))
}

// withHint appends a framework hint in parentheses when there is one.
func withHint(hint, framework string) string {
	if framework == "" {
		return hint
	}
	return hint + " (" + framework + ")"
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

// checkHint is what lint says of a compatibility operation it cannot
// verify without the previous release.
const checkHint = "run `schemagate check --previous <deployed revision>` to see whether the running release still uses it"

// reportUses turns the uses of something the migration removes into one
// finding: an error when any use is certain, a warning otherwise, with up
// to five places as evidence.
func (p *Pass) reportUses(op *ops.Op, uses []Use, message, hint string) {
	sev := Warning
	for _, u := range uses {
		if u.Certain {
			sev = Error
			break
		}
	}
	p.reportUsesSeverity(op, uses, sev, message, hint)
}

// reportUsesSeverity is reportUses at a severity the rule decides.
func (p *Pass) reportUsesSeverity(op *ops.Op, uses []Use, sev Severity, message, hint string) {
	if len(uses) == 0 {
		return
	}
	// The places that name the column come first: they are what a person
	// edits; a model that loads every column is listed after them, and
	// the uses matched by name only last.
	uses = slices.Clone(uses)
	slices.SortStableFunc(uses, func(a, b Use) int { return evidenceRank(a) - evidenceRank(b) })
	f := Finding{Span: op.Span, Severity: sev, Message: message, Hint: hint}
	releases := map[string]bool{}
	for i, u := range uses {
		releases[u.Release] = true
		if i < 5 {
			ev := u.Evidence
			ev.Release = u.Release
			f.Evidence = append(f.Evidence, ev)
		}
	}
	f.MoreEvidence = max(0, len(uses)-5)
	var names []string
	for r := range releases {
		if r != "" {
			names = append(names, r)
		}
	}
	if len(names) > 0 {
		sort.Strings(names)
		f.Release = strings.Join(names, ", ")
	}
	p.ReportFinding(f)
}

// evidenceRank orders evidence: places that name the column (queries,
// attribute uses), then models and wildcards (the model decides, but a
// person edits the uses), then uses matched by name only.
func evidenceRank(u Use) int {
	switch {
	case u.ByName:
		return 2
	case u.Usage == "model" || u.Usage == "wildcard" || !u.NamesColumn():
		return 1
	}
	return 0
}

// usesSummary counts the places for a message: "app/x.rb:3" for one,
// "17 places, 12 of them by attribute name only (first 5 listed)".
func usesSummary(uses []Use) string {
	if len(uses) == 1 {
		e := uses[0].Evidence
		s := fmt.Sprintf("%s:%d", e.File, e.Line)
		if uses[0].ByName {
			s += ", by attribute name only"
		}
		return s
	}
	s := fmt.Sprintf("%d places", len(uses))
	byName := 0
	for _, u := range uses {
		if u.ByName {
			byName++
		}
	}
	if byName > 0 {
		s += fmt.Sprintf(", %d of them by attribute name only", byName)
	}
	if len(uses) > 5 {
		s += ", first 5 listed"
	}
	return s
}
