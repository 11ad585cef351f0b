package alembic

import (
	"os"
	"testing"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// BenchmarkTranslate translates the testdata project's revisions (one
// iteration: every revision once).
func BenchmarkTranslate(b *testing.B) {
	set, err := New().Discover(os.DirFS("../../../testdata/frameworks/alembic/shop"), ".", migration.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		New().Translate(set.Migrations, migration.TranslateOptions{})
	}
	b.ReportMetric(float64(len(set.Migrations)), "revisions/op")
}
