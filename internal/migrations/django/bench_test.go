package django

import (
	"os"
	"testing"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// BenchmarkTranslate translates the testdata shop project (one
// iteration: every migration once, each module run as interp.go runs it).
func BenchmarkTranslate(b *testing.B) {
	set, err := New().Discover(os.DirFS("../../../testdata/frameworks/django/shop_project"), ".", migration.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		New().Translate(set.Migrations, migration.TranslateOptions{})
	}
	b.ReportMetric(float64(len(set.Migrations)), "migrations/op")
}
