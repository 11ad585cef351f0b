package sqlparse

import (
	"strings"
	"testing"

	pg "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagate/schemagate/internal/source"
)

// nodeDepth is how deeply pg.Node messages nest in a parse tree: what the
// C parser recursed through to build it.
func nodeDepth(m protoreflect.Message) int {
	deepest := 0
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				deepest = max(deepest, nodeDepth(l.Get(i).Message()))
			}
		case fd.Message() != nil && !fd.IsMap():
			deepest = max(deepest, nodeDepth(v.Message()))
		}
		return true
	})
	if m.Descriptor().FullName() == (&pg.Node{}).ProtoReflect().Descriptor().FullName() {
		deepest++
	}
	return deepest
}

// depthSlack is how many nested nodes a statement has with no operator
// or bracket at all (CREATE TABLE ... column ... type ... constraint).
const depthSlack = 24

// FuzzParse feeds arbitrary text to the parse wrapper: it never panics,
// spans stay in the file, and Depth bounds every tree it lets through
// (the estimate is what keeps the C parser's stack safe).
func FuzzParse(f *testing.F) {
	for _, s := range lexSeeds {
		f.Add(s)
	}
	for _, s := range []string{
		"CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a text NOT NULL DEFAULT 'x' CHECK (a <> ''));",
		"SELECT CASE WHEN a IS NULL THEN (SELECT max(b) FROM u WHERE u.x = t.x) ELSE a::int END FROM t JOIN u USING (x);",
		"WITH a AS (SELECT 1) SELECT * FROM a UNION ALL (SELECT 2 INTERSECT SELECT 3) ORDER BY 1 LIMIT 2;",
		"SELECT 1" + strings.Repeat(" + 1", 300) + ";",
		"SELECT " + strings.Repeat("(SELECT ", 50) + "1" + strings.Repeat(")", 50) + ";",
		"SELECT " + strings.Repeat("ARRAY[", 50) + "1" + strings.Repeat("]", 50) + ";",
		"SELECT a COLLATE \"C\" AT TIME ZONE 'UTC' IS NOT DISTINCT FROM b BETWEEN 1 AND 2 LIKE 'x' ESCAPE '!';",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if strings.IndexByte(text, 0) >= 0 {
			return // files with NUL bytes are refused before parsing
		}
		file := source.NewFile("f.sql", []byte(text))
		res := Parse(file)
		for _, s := range res.Statements {
			if s.Span.Start.Offset < 0 || s.Span.End.Offset > len(text) || s.Span.Start.Offset > s.Span.End.Offset {
				t.Fatalf("%q: statement span %+v outside the text", text, s.Span)
			}
		}
		for _, e := range res.Errors {
			if e.Pos.Offset < 0 || e.Pos.Offset > len(text) {
				t.Fatalf("%q: error position %+v outside the text", text, e.Pos)
			}
		}
		tree, err := ParseTree(text)
		if err != nil {
			return
		}
		for _, raw := range tree.Stmts {
			end := len(text)
			if raw.StmtLen > 0 {
				end = int(raw.StmtLocation + raw.StmtLen)
			}
			stmt := text[raw.StmtLocation:end]
			if got, bound := nodeDepth(raw.ProtoReflect()), 2*Depth(stmt)+depthSlack; got > bound {
				t.Fatalf("%q: tree nests %d nodes, more than Depth allows (%d)", stmt, got, bound)
			}
		}
	})
}
