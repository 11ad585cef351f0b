package alembic

import (
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/testutil"
)

// Adversarial shapes: each benchmark translates one revision of about
// 1 MB built to defeat a super-linear algorithm (docs/reliability.md
// records the figures; the budget is 1 s and 200 MB per MB of input).

const adversarialSize = 1 << 20

func adversarialShapes(size int) map[string]string {
	n := func(unit string) int { return size / len(unit) }
	const comment = "# a comment line at the top level of the module\n"
	const addColumn = "op.add_column('users', sa.Column('nickname', sa.String(), nullable=True))\n"
	const concat = ` + " + 1"`
	const implicit = "\n    \" + 1\""
	return map[string]string{
		"comment-lines":   revisionSource(strings.Repeat(comment, n(comment)), "pass"),
		"nested-parens":   revisionSource("", "op.execute("+strings.Repeat("(", size/2)+"'SELECT 1'"+strings.Repeat(")", size/2)+")"),
		"add-columns":     revisionSource("", strings.Repeat(addColumn, n(addColumn))),
		"string-concat":   revisionSource("", "op.execute(\"SELECT 1\""+strings.Repeat(concat, n(concat))+")"),
		"implicit-concat": revisionSource("", "op.execute(\"SELECT 1\""+strings.Repeat(implicit, n(implicit))+")"),
	}
}

func benchmarkShape(b *testing.B, shape string) {
	src := adversarialShapes(adversarialSize)[shape]
	p := "migrations/versions/0a1b2c3d4e5f_test.py"
	m := &migration.Migration{Path: p, File: source.NewFile(p, []byte(src)), Format: migration.FormatAlembic, Version: "0a1b2c3d4e5f", Transactional: true}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu := testutil.CPUTime()
	for b.Loop() {
		New().Translate([]*migration.Migration{m}, migration.TranslateOptions{PGVersion: 16})
	}
	b.ReportMetric(float64(testutil.CPUTime()-cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
}

func BenchmarkAdversarialCommentLines(b *testing.B)   { benchmarkShape(b, "comment-lines") }
func BenchmarkAdversarialNestedParens(b *testing.B)   { benchmarkShape(b, "nested-parens") }
func BenchmarkAdversarialAddColumns(b *testing.B)     { benchmarkShape(b, "add-columns") }
func BenchmarkAdversarialStringConcat(b *testing.B)   { benchmarkShape(b, "string-concat") }
func BenchmarkAdversarialImplicitConcat(b *testing.B) { benchmarkShape(b, "implicit-concat") }
