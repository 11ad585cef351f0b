package refs

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// IndexVersion is the version of the index's JSON encoding.
const IndexVersion = 1

// Index holds the references of one release and answers "who uses this
// table or column?". A nil *Index answers every question with nothing.
//
// Tables match case-insensitively (pg_query already folds unquoted
// identifiers), and an unqualified name matches schema "public" and ""
// alike, as PostgreSQL's default search_path does.
type Index struct {
	Refs []Reference // sorted by file, line, column, then table and column

	byTable map[tableKey][]int // indexes into Refs
}

type tableKey struct{ schema, table string }

func keyOf(schema, table string) tableKey {
	schema = strings.ToLower(schema)
	if schema == "" {
		schema = "public"
	}
	return tableKey{schema, strings.ToLower(table)}
}

// NewIndex returns an index over refs, sorted deterministically with exact
// duplicates removed. It keeps its own copy of the slice.
func NewIndex(refs []Reference) *Index {
	sorted := slices.Clone(refs)
	slices.SortStableFunc(sorted, compareRefs)
	sorted = slices.CompactFunc(sorted, func(a, b Reference) bool { return compareRefs(a, b) == 0 })
	x := &Index{Refs: sorted, byTable: map[tableKey][]int{}}
	for i, r := range sorted {
		if r.Table == "" {
			continue
		}
		k := keyOf(r.Schema, r.Table)
		x.byTable[k] = append(x.byTable[k], i)
	}
	return x
}

// compareRefs orders references by the fields that survive JSON (not
// Offset), so that an index decoded from its encoding sorts the same.
func compareRefs(a, b Reference) int {
	if c := cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col)); c != 0 {
		return c
	}
	for _, p := range [][2]string{
		{a.Schema, b.Schema}, {a.Table, b.Table}, {a.Column, b.Column},
		{string(a.Usage), string(b.Usage)}, {string(a.Certainty), string(b.Certainty)},
		{string(a.Source), string(b.Source)}, {a.Snippet, b.Snippet}, {a.SQL, b.SQL},
	} {
		if c := cmp.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	if c := cmp.Or(cmp.Compare(a.Calls, b.Calls), slices.Compare(a.Columns, b.Columns), slices.Compare(a.Ignored, b.Ignored)); c != 0 {
		return c
	}
	return slices.CompareFunc(a.Writes, b.Writes, func(x, y Write) int {
		return cmp.Or(cmp.Compare(x.Column, y.Column), cmp.Compare(x.Line, y.Line), cmp.Compare(x.Snippet, y.Snippet), boolCompare(x.Always, y.Always))
	})
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Direct reports whether the reference names its column itself. A
// table-level reference (Column "") reaches every column of its table:
// through SELECT * (Usage Wildcard), an ORM model (Model), or an INSERT
// (Insert; Columns lists the columns it writes, none meaning all).
func (r Reference) Direct() bool { return r.Column != "" }

func (x *Index) table(schema, table string) []int {
	if x == nil {
		return nil
	}
	return x.byTable[keyOf(schema, table)]
}

// Table returns every reference to the table: table-level and column
// references of any usage and certainty.
func (x *Index) Table(schema, table string) []Reference {
	var out []Reference
	for _, i := range x.table(schema, table) {
		out = append(out, x.Refs[i])
	}
	return out
}

// Column returns the references that use one column of a table: those
// that name it (resolved to this table, or ambiguous between it and
// others: see Certainty) and the table-level references that reach every
// column (see Reference.Direct): wildcards, models that neither ignore it
// nor map only other columns, and INSERTs that list it or list nothing.
func (x *Index) Column(schema, table, column string) []Reference {
	var out []Reference
	for _, i := range x.table(schema, table) {
		r := x.Refs[i]
		if r.Column != "" {
			if strings.EqualFold(r.Column, column) {
				out = append(out, r)
			}
			continue
		}
		switch r.Usage {
		case Wildcard:
			out = append(out, r)
		case Model:
			if !ContainsFold(r.Ignored, column) && (len(r.Columns) == 0 || ContainsFold(r.Columns, column)) {
				out = append(out, r)
			}
		case Insert:
			if len(r.Columns) == 0 || ContainsFold(r.Columns, column) {
				out = append(out, r)
			}
		}
	}
	return out
}

// Wildcards returns the table-level references that load every column of
// the table: SELECT * and t.* (Usage Wildcard) and ORM models (Model).
func (x *Index) Wildcards(schema, table string) []Reference {
	var out []Reference
	for _, i := range x.table(schema, table) {
		if r := x.Refs[i]; r.Column == "" && (r.Usage == Wildcard || r.Usage == Model) {
			out = append(out, r)
		}
	}
	return out
}

// Inserts returns the table-level INSERT references of the table, each
// with the columns it lists in Columns (none: it writes every column in
// table order, INSERT INTO t VALUES (...)).
func (x *Index) Inserts(schema, table string) []Reference {
	var out []Reference
	for _, i := range x.table(schema, table) {
		if r := x.Refs[i]; r.Column == "" && r.Usage == Insert {
			out = append(out, r)
		}
	}
	return out
}

// NameOnly returns the references to a column name that no table could
// be found for (Certainty NameOnly, Table ""): evidence to show, never to
// match a column by name alone.
func (x *Index) NameOnly(column string) []Reference {
	if x == nil {
		return nil
	}
	var out []Reference
	for _, r := range x.Refs {
		if r.Table == "" && strings.EqualFold(r.Column, column) {
			out = append(out, r)
		}
	}
	return out
}

// Tables returns the sorted names of the tables referenced, qualified
// when their schema is not public. Function calls (Usage Other with no
// column) are not tables.
func (x *Index) Tables() []string {
	if x == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for k, idx := range x.byTable {
		isTable := false
		for _, i := range idx {
			if r := x.Refs[i]; r.Usage != Other || r.Column != "" {
				isTable = true
				break
			}
		}
		name := k.table
		if k.schema != "public" {
			name = k.schema + "." + k.table
		}
		if isTable && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// ContainsFold reports whether list holds s, ignoring case, as SQL
// keywords and a reference's column lists (Columns, Ignored) are
// compared.
func ContainsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

type indexJSON struct {
	Version int         `json:"version"`
	Refs    []Reference `json:"refs"`
}

// MarshalJSON encodes the index as {"version":1,"refs":[...]}.
func (x *Index) MarshalJSON() ([]byte, error) {
	refs := []Reference{}
	if x != nil && x.Refs != nil {
		refs = x.Refs
	}
	return json.Marshal(indexJSON{Version: IndexVersion, Refs: refs})
}

// UnmarshalJSON decodes an index encoded by MarshalJSON; other versions
// are an error.
func (x *Index) UnmarshalJSON(data []byte) error {
	var v struct {
		Version *int        `json:"version"`
		Refs    []Reference `json:"refs"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("reference index: %w", err)
	}
	if v.Version == nil {
		return fmt.Errorf("reference index: no version")
	}
	if *v.Version != IndexVersion {
		return fmt.Errorf("reference index: version %d, want %d", *v.Version, IndexVersion)
	}
	*x = *NewIndex(v.Refs)
	return nil
}

// SnippetMax is the longest snippet, in characters, that references keep.
const SnippetMax = 160

// Snippet turns a source line into a reference's snippet: trimmed, and
// cut to SnippetMax characters with "…" marking the cut.
func Snippet(line string) string {
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) <= SnippetMax {
		return line
	}
	n := 0
	for i := range line {
		if n == SnippetMax-1 {
			return line[:i] + "…"
		}
		n++
	}
	return line
}
