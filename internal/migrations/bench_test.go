package migrations

import (
	"testing"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
)

// BenchmarkRun lints the 2,000-file corpus in process: loading, parsing,
// operations, rules (the CLI benchmark adds start-up and output).
func BenchmarkRun(b *testing.B) {
	dir := b.TempDir()
	if err := benchgen.MigrationCorpus(dir, 2000, 4000); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		loaded := Paths([]string{dir}, PathOptions{})
		fs := lint.Run(loaded.Migrations, lint.Options{Config: config.Default(), Catalog: catalog.New()})
		if len(fs) == 0 {
			b.Fatal("no findings")
		}
	}
}
