package django

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/testutil"
)

// Adversarial shapes: each benchmark translates one migration of about
// size bytes built to defeat a super-linear algorithm (docs/reliability.md
// records the figures; the budget is 1 s and 200 MB per MB of input).

const adversarialSize = 1 << 20

func djangoMigration(module, operations string) string {
	return second("5.2", "", module, operations)
}

func adversarialShapes(size int) map[string]string {
	repeat := func(unit string) int { return size / len(unit) }
	n := repeat
	return map[string]string{
		"comment-lines": djangoMigration(strings.Repeat("# a comment line at the top level of the module\n", n("# a comment line at the top level of the module\n")), ""),
		"nested-parens": djangoMigration("", "        migrations.RunSQL("+strings.Repeat("(", size/2)+"'SELECT 1'"+strings.Repeat(")", size/2)+"),\n"),
		"add-fields": djangoMigration("", strings.Repeat(`        migrations.AddField(model_name="order", name="f", field=models.IntegerField(null=True)),
`, n(`        migrations.AddField(model_name="order", name="f", field=models.IntegerField(null=True)),
`))),
		"string-concat":   djangoMigration("", "        migrations.RunSQL(\"SELECT 1\""+strings.Repeat(" + \" + 1\"", n(` + " + 1"`))+"),\n"),
		"implicit-concat": djangoMigration("", "        migrations.RunSQL(\"SELECT 1\""+strings.Repeat("\n            \" + 1\"", n("\n            \" + 1\""))+"),\n"),
	}
}

func benchmarkShape(b *testing.B, shape string) {
	src := adversarialShapes(adversarialSize)[shape]
	fsys := fstest.MapFS{"shop/migrations/0001_initial.py": {Data: []byte(initial)}, "shop/migrations/0002_x.py": {Data: []byte(src)}}
	set, err := New().Discover(fsys, ".", migration.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu := testutil.CPUTime()
	for b.Loop() {
		New().Translate(set.Migrations, migration.TranslateOptions{})
	}
	b.ReportMetric(float64(testutil.CPUTime()-cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
}

func BenchmarkAdversarialCommentLines(b *testing.B)   { benchmarkShape(b, "comment-lines") }
func BenchmarkAdversarialNestedParens(b *testing.B)   { benchmarkShape(b, "nested-parens") }
func BenchmarkAdversarialAddFields(b *testing.B)      { benchmarkShape(b, "add-fields") }
func BenchmarkAdversarialStringConcat(b *testing.B)   { benchmarkShape(b, "string-concat") }
func BenchmarkAdversarialImplicitConcat(b *testing.B) { benchmarkShape(b, "implicit-concat") }
