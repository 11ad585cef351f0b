package catalog

import (
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// FromDump reads a `pg_dump --schema-only` file (Rails' db/structure.sql)
// into a catalog of baseline objects. psql meta-commands (\restrict,
// \connect) that newer pg_dump versions write are blanked out before
// parsing so positions stay exact. Statements that do not parse are
// returned as errors; the rest is still read.
func FromDump(f *source.File, pgVersion int) (*Catalog, []*sqlparse.SyntaxError) {
	text := blankMetaCommands(f.Text)
	pf := source.NewFile(f.Path, text)
	res := sqlparse.Parse(pf)
	c := New()
	list := ops.FromStatements(res.Statements, ops.Options{PGVersion: pgVersion, File: pf})
	c.ApplyAll(list, f.Path)
	return c, res.Errors
}

// blankMetaCommands replaces lines starting with a backslash by spaces.
func blankMetaCommands(text []byte) []byte {
	out := text
	copied := false
	start := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) && text[i] != '\n' {
			continue
		}
		if start < len(text) && text[start] == '\\' {
			if !copied {
				out = append([]byte(nil), text...)
				copied = true
			}
			for j := start; j < i; j++ {
				out[j] = ' '
			}
		}
		start = i + 1
	}
	return out
}
