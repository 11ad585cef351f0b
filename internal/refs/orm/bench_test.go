package orm

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// benchProgram copies the files of testdata trees n times, each copy
// under its own directory, so that a program has n times the models and
// queries (class names repeat across copies, as they do in big
// programs; relative imports keep each copy's names apart).
func benchProgram(b *testing.B, x refs.Extractor, n int, dirs ...string) ([]*source.File, int) {
	b.Helper()
	t := &testing.T{}
	var files []*source.File
	lines := 0
	for i := range n {
		for _, d := range dirs {
			for _, f := range treeFiles(t, x, d) {
				files = append(files, source.NewFile(fmt.Sprintf("copy%d/%s/%s", i, d, f.Path), f.Text))
				lines += bytes.Count(f.Text, []byte("\n"))
			}
		}
	}
	if t.Failed() || len(files) == 0 {
		b.Fatal("no files")
	}
	return files, lines
}

// plainProgram is n files of ordinary code without any ORM, the kind
// the extractors must skip cheaply.
func plainProgram(n int, ext string) ([]*source.File, int) {
	var files []*source.File
	lines := 0
	for i := range n {
		var s strings.Builder
		fmt.Fprintf(&s, "export async function handler%d(db: any, n: number): Promise<number> {\n", i)
		s.WriteString("  await db.query(`SELECT id, name FROM t1 WHERE id = $1`, [n]);\n")
		for j := range 100 {
			fmt.Fprintf(&s, "  n += %d; // step\n", j)
		}
		s.WriteString("  return n;\n}\n")
		files = append(files, source.NewFile(fmt.Sprintf("app/pkg%d/file%d%s", i%100, i, ext), []byte(s.String())))
		lines += 103
	}
	return files, lines
}

func benchExtract(b *testing.B, x refs.Extractor, files []*source.File, lines int) {
	b.Helper()
	b.ResetTimer()
	refsFound := 0
	for i := 0; i < b.N; i++ {
		refsFound = 0
		if fx, ok := x.(refs.FilesExtractor); ok {
			rs, err := fx.ExtractFiles(files)
			if err != nil {
				b.Fatal(err)
			}
			refsFound = len(rs)
			continue
		}
		for _, f := range files {
			rs, err := x.Extract(f.Path, f.Text)
			if err != nil {
				b.Fatal(err)
			}
			refsFound += len(rs)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(refsFound), "refs")
}

// BenchmarkORMExtract measures each new extractor on programs made of
// its testdata trees (every file an ORM model or query), and on ordinary
// code that only the cheap pre-filter sees.
func BenchmarkORMExtract(b *testing.B) {
	js := []string{"typeorm", "mikroorm", "sequelize", "sequelize-ts", "drizzle", "knex", "kysely"}
	for _, bc := range []struct {
		name string
		x    refs.Extractor
		dirs []string
	}{
		{"javascript-orm", JavaScript, js},
		{"jvm-orm", JVM, []string{"jpa"}},
		{"ent", Ent, []string{"ent"}},
		{"bun", Bun, []string{"bun"}},
		{"sqlboiler", SQLBoiler, []string{"sqlboiler"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			files, lines := benchProgram(b, bc.x, 50, bc.dirs...)
			benchExtract(b, bc.x, files, lines)
		})
	}
	b.Run("javascript-orm/plain-code", func(b *testing.B) {
		files, lines := plainProgram(2000, ".ts")
		benchExtract(b, JavaScript, files, lines)
	})
	b.Run("jvm-orm/plain-code", func(b *testing.B) {
		files, lines := plainProgram(2000, ".java")
		benchExtract(b, JVM, files, lines)
	})
}
