// Package sqlref is the one SQL resolver every reference extractor uses:
// it parses SQL text with PostgreSQL's own parser (pg_query) after
// rewriting driver placeholders to $n, and maps every column reference
// to its table through aliases, joins, CTEs, derived tables, correlated
// subqueries, LATERAL, INSERT column lists, UPDATE ... FROM,
// DELETE ... USING, RETURNING and ON CONFLICT.
//
// What it reports, as refs.Reference values:
//   - every table in FROM, and every INSERT, UPDATE or DELETE target, as a
//     table-level reference (Column ""); an INSERT's target lists the
//     columns it names in Columns (none: it writes every column);
//   - every column read (Usage Select), written by INSERT (Insert) or set
//     by UPDATE or ON CONFLICT DO UPDATE (Update);
//   - SELECT *, t.*, RETURNING * and whole-row references such as
//     row_to_json(t) as Wildcard references of each table they expand to;
//   - calls of functions that are not PostgreSQL's own as
//     Reference{Table: function, Usage: Other} (Schema when qualified),
//     and the sequence named in nextval('seq') likewise.
//
// An unqualified column with several tables in scope is reported once per
// candidate table with Certainty Ambiguous; a column with no table in
// scope has Certainty NameOnly and an empty Table. CTE names are not
// tables: columns read through a CTE or a derived table resolve to the
// table columns they come from. Output aliases used in ORDER BY, GROUP BY
// and DISTINCT ON are not columns.
package sqlref

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	pgparser "github.com/pganalyze/pg_query_go/v5/parser"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// SyntaxError is SQL text that PostgreSQL's parser rejected.
type SyntaxError struct {
	Message string
	Offset  int // byte offset in the original text where the parser stopped
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s (at byte %d)", e.Message, e.Offset)
}

// Resolve resolves the table and column references of sql, which may hold
// several statements. Offsets are byte offsets into sql (placeholders
// rewritten for parsing map back to where they were); SQL holds the
// normalised text of the statement each reference came from. A syntax
// error in any statement returns a *SyntaxError and no references.
// Resolve satisfies refs.ResolveFunc.
func Resolve(sql string) ([]refs.Reference, error) {
	norm, m := NormalizePlaceholders(sql)
	tree, err := sqlparse.ParseTree(norm)
	if err != nil {
		return nil, syntaxError(norm, m, err)
	}
	r := &resolver{text: norm}
	for _, raw := range tree.Stmts {
		start := int(raw.StmtLocation)
		end := len(norm)
		if raw.StmtLen > 0 {
			end = start + int(raw.StmtLen)
		}
		start = sqlparse.SkipSpaceAndComments(norm, start)
		first := len(r.out)
		r.query(raw.Stmt, nil, nil)
		text := strings.TrimSpace(norm[start:max(start, end)])
		for i := first; i < len(r.out); i++ {
			r.out[i].SQL = text
		}
	}
	for i := range r.out {
		r.out[i].Offset = m.Original(r.out[i].Offset)
	}
	return tidy(r.out), nil
}

var _ refs.ResolveFunc = Resolve

func syntaxError(norm string, m Mapping, err error) error {
	var pe *pgparser.Error
	if !errors.As(err, &pe) {
		return &SyntaxError{Message: err.Error()}
	}
	off := len(norm)
	if pe.Cursorpos > 0 {
		off = source.OffsetOfRune([]byte(norm), pe.Cursorpos-1)
	}
	return &SyntaxError{Message: pe.Message, Offset: m.Original(off)}
}

// tidy sorts references by offset and drops exact duplicates (a column
// read through two arms of a UNION, say).
func tidy(out []refs.Reference) []refs.Reference {
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		if a.Schema != b.Schema {
			return a.Schema < b.Schema
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Usage != b.Usage {
			return a.Usage < b.Usage
		}
		return a.Certainty < b.Certainty
	})
	kept := out[:0]
	for i, ref := range out {
		if i > 0 && sameRef(kept[len(kept)-1], ref) {
			continue
		}
		kept = append(kept, ref)
	}
	return kept
}

func sameRef(a, b refs.Reference) bool {
	return a.Offset == b.Offset && a.Schema == b.Schema && a.Table == b.Table &&
		a.Column == b.Column && a.Usage == b.Usage && a.Certainty == b.Certainty &&
		a.SQL == b.SQL && slices.Equal(a.Columns, b.Columns)
}
