package rails

import (
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/testutil"
)

// Adversarial shapes: each benchmark translates one migration of about
// 1 MB built to defeat a super-linear algorithm (docs/reliability.md
// records the figures; the budget is 1 s and 200 MB per MB of input).

const adversarialSize = 1 << 20

func adversarialShapes(size int) map[string]string {
	n := func(unit string) int { return size / len(unit) }
	body := func(s string) string { return class("7.1", s) }
	const comment = "# a comment line inside the change method\n"
	const addColumn = "add_column :users, :nickname, :string, null: true\n"
	const concat = ` + " + 1"`
	const cont = "\" \\\n      \" + 1"
	const block = "reversible do |dir|\n"
	return map[string]string{
		"comment-lines":     body(strings.Repeat(comment, n(comment))),
		"nested-parens":     body("execute(" + strings.Repeat("(", size/2) + `"SELECT 1"` + strings.Repeat(")", size/2) + ")\n"),
		"add-columns":       body(strings.Repeat(addColumn, n(addColumn))),
		"string-concat":     body("execute(\"SELECT 1\"" + strings.Repeat(concat, n(concat)) + ")\n"),
		"continued-strings": body("execute \"SELECT 1" + strings.Repeat(cont, n(cont)) + "\"\n"),
		"nested-blocks":     body(strings.Repeat(block, n(block+"end\n")) + "add_column :users, :nickname, :string\n" + strings.Repeat("end\n", n(block+"end\n"))),
	}
}

func benchmarkShape(b *testing.B, shape string) {
	src := adversarialShapes(adversarialSize)[shape]
	m := newMigration("20240101000000", "adversarial", src)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu := testutil.CPUTime()
	for b.Loop() {
		New().Translate([]*migration.Migration{m}, migration.TranslateOptions{})
	}
	b.ReportMetric(float64(testutil.CPUTime()-cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
}

func BenchmarkAdversarialCommentLines(b *testing.B)     { benchmarkShape(b, "comment-lines") }
func BenchmarkAdversarialNestedParens(b *testing.B)     { benchmarkShape(b, "nested-parens") }
func BenchmarkAdversarialAddColumns(b *testing.B)       { benchmarkShape(b, "add-columns") }
func BenchmarkAdversarialStringConcat(b *testing.B)     { benchmarkShape(b, "string-concat") }
func BenchmarkAdversarialContinuedStrings(b *testing.B) { benchmarkShape(b, "continued-strings") }
func BenchmarkAdversarialNestedBlocks(b *testing.B)     { benchmarkShape(b, "nested-blocks") }
