package migrations

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/gitrev"
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

// BenchmarkDiscover finds the migration directories of the 10,000-file
// application repository (500 goose migrations among Go, Ruby, Python,
// TypeScript and Java code): the walk every command starts with.
func BenchmarkDiscover(b *testing.B) {
	// Not b.TempDir: git may still be packing in the background when the
	// benchmark ends, and a failed removal would fail the run.
	dir, err := os.MkdirTemp("", "schemagate-discover-bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := benchgen.GitRepo(b.Context(), dir, benchgen.DefaultRepo); err != nil {
		b.Fatal(err)
	}
	repo, err := gitrev.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	rev, err := repo.FS("HEAD")
	if err != nil {
		b.Fatal(err)
	}
	defer rev.Close()
	for _, tree := range []struct {
		name string
		fsys fs.FS
	}{{"working-tree", os.DirFS(dir)}, {"git", rev}} {
		b.Run("find/"+tree.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if ds := Find(tree.fsys, ".", nil); len(ds) != 1 {
					b.Fatalf("found %v", ds)
				}
			}
		})
		b.Run("load/"+tree.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := Load(tree.fsys, Config{})
				if err != nil || len(res.Migrations) < benchgen.DefaultRepo.Migrations {
					b.Fatalf("%v: %d migrations", err, len(res.Migrations))
				}
			}
		})
	}
}

// BenchmarkMemo loads the Rails migrations of two releases, as check
// does: the deployed one (1,999 migrations) and the new one (2,000). With
// the memo the deployed release's translations come from the new one's.
func BenchmarkMemo(b *testing.B) {
	next := fstest.MapFS{}
	for i := 0; i < 2000; i++ {
		var src string
		if i%10 == 0 {
			src = fmt.Sprintf("class CreateT%d < ActiveRecord::Migration[7.1]\n  def change\n    create_table :t%d do |t|\n      t.string :name, null: false\n      t.timestamps\n    end\n  end\nend\n", i, i)
		} else {
			src = fmt.Sprintf("class AddC%d < ActiveRecord::Migration[7.1]\n  def change\n    add_column :t%d, :c%d, :string\n    add_index :t%d, :c%d\n  end\nend\n", i, i-i%10, i, i-i%10, i)
		}
		next[fmt.Sprintf("db/migrate/%014d_m%d.rb", 20240101000000+i, i)] = &fstest.MapFile{Data: []byte(src)}
	}
	prev := fstest.MapFS{}
	for p, f := range next {
		if !strings.HasSuffix(p, "m1999.rb") {
			prev[p] = f
		}
	}
	for _, memo := range []bool{false, true} {
		b.Run(fmt.Sprintf("memo=%v", memo), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				cfg := Config{}
				if memo {
					cfg.Memo = NewMemo()
				}
				n, err := Load(next, cfg)
				if err != nil {
					b.Fatal(err)
				}
				p, err := Load(prev, cfg)
				if err != nil || len(n.Migrations) != 2000 || len(p.Migrations) != 1999 {
					b.Fatalf("%v: %d and %d migrations", err, len(n.Migrations), len(p.Migrations))
				}
			}
		})
	}
}
