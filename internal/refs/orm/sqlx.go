package orm

import (
	"go/ast"
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// Sqlx extracts the column names of `db:"col"` struct tags (sqlx, scany,
// pgx's RowToStructByName). A tag names a column but not its table, so
// each becomes Reference{Table: "", Column: col, Usage: Select,
// Certainty: NameOnly}, located at the field. The extractor does not
// guess tables; a checker may only use these as weak evidence. `db:"-"`
// and tags on fields of a local struct type (sqlx's nested prefixes)
// are skipped.
var Sqlx refs.Extractor = goStructs(refs.Sqlx, "db:", sqlxReferences)

func sqlxReferences(gf *goFile, _ *ast.TypeSpec, st *ast.StructType) []refs.Reference {
	var out []refs.Reference
	for _, f := range st.Fields.List {
		tag, ok := fieldTag(f, "db")
		if !ok {
			continue
		}
		col, _, _ := strings.Cut(tag, ",")
		col = strings.TrimSpace(col)
		if col == "" || col == "-" {
			continue
		}
		if _, ok := gf.localStruct(f.Type); ok {
			continue
		}
		out = append(out, columnRef(gf.f, refs.Sqlx, gf.offset(f.Pos()), "", col, refs.Select, refs.NameOnly))
	}
	return out
}
