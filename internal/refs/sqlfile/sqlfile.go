// Package sqlfile extracts references from .sql query files: plain files
// of statements and sqlc-style files where each query follows a
// "-- name: GetUser :one" comment. Migration directories and schema dumps
// are not query files; the scanner excludes them before this extractor
// sees a path.
package sqlfile

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/sqlref"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Extractor reads .sql query files.
type Extractor struct{}

var _ refs.Extractor = Extractor{}

// Name returns "sql".
func (Extractor) Name() string { return "sql" }

// Match reports whether path is a .sql file.
func (Extractor) Match(p string) bool { return strings.EqualFold(path.Ext(p), ".sql") }

// sqlcName matches sqlc's query annotation.
var sqlcName = regexp.MustCompile(`(?m)^[ \t]*--[ \t]*name:[ \t]*([A-Za-z_][A-Za-z0-9_]*)`)

// Extract resolves every statement of the file. A statement that does not
// parse is skipped; the references of the others are returned with an
// error that names the first bad statement's position and counts the
// rest.
func (Extractor) Extract(p string, src []byte) ([]refs.Reference, error) {
	text := string(src)
	norm, m := sqlref.NormalizePlaceholders(text)
	parsed := sqlparse.Parse(source.NewFile(p, []byte(norm)))
	orig := source.NewFile(p, src)
	names := queryNames(text)

	var out []refs.Reference
	var errs []badStatement
	for _, e := range parsed.Errors {
		errs = append(errs, badStatement{m.Original(e.Pos.Offset), e.Message})
	}
	for _, st := range parsed.Statements {
		// The whole file was normalised to find the statements; each is
		// resolved from its original text so that its placeholders are
		// numbered from $1, as verify needs to prepare it.
		start := m.Original(st.Span.Start.Offset)
		end := m.Original(st.Span.End.Offset)
		rs, err := sqlref.Resolve(text[start:end])
		if err != nil {
			bad := badStatement{start, err.Error()}
			var se *sqlref.SyntaxError
			if errors.As(err, &se) {
				bad = badStatement{start + se.Offset, se.Message}
			}
			errs = append(errs, bad)
			continue
		}
		name := names.before(start)
		for _, r := range rs {
			off := start + r.Offset
			pos := orig.Pos(off)
			r.Offset = off
			r.File = p
			r.Line = pos.Line
			r.Col = pos.Column
			r.Source = refs.SQLFile
			r.Snippet = orig.Line(pos.Line)
			if name != "" {
				r.Snippet = name + ": " + strings.TrimSpace(r.Snippet)
			}
			r.Snippet = refs.Snippet(r.Snippet)
			out = append(out, r)
		}
	}
	if len(errs) == 0 {
		return out, nil
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].off < errs[j].off })
	pos := orig.Pos(errs[0].off)
	msg := fmt.Sprintf("%s:%d:%d: %s", p, pos.Line, pos.Column, errs[0].msg)
	if len(errs) > 1 {
		msg += fmt.Sprintf(" (and %d more statements that do not parse)", len(errs)-1)
	}
	return out, errors.New(msg)
}

type badStatement struct {
	off int // in the original text
	msg string
}

// names holds the sqlc query names of a file by offset.
type names []struct {
	off  int
	name string
}

func queryNames(text string) names {
	var out names
	for _, loc := range sqlcName.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, struct {
			off  int
			name string
		}{loc[0], text[loc[2]:loc[3]]})
	}
	return out
}

// before returns the name of the last annotation before offset off: the
// query the statement at off belongs to.
func (n names) before(off int) string {
	i := sort.Search(len(n), func(i int) bool { return n[i].off >= off }) - 1
	if i < 0 {
		return ""
	}
	return n[i].name
}
