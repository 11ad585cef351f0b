package verify_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/verify"
)

// benchProject writes the previous and the new release of a generated
// application: 200 tables, 500 previous migrations (goose), application
// code with SQL strings, and 2,000 distinct query texts in .sql files.
// The new release adds three pending migrations.
func benchProject(b *testing.B) (prev, next string) {
	b.Helper()
	root := b.TempDir()
	prev, next = filepath.Join(root, "previous"), filepath.Join(root, "new")
	spec := benchgen.RepoSpec{Files: 1000, Lines: 30000, Tables: 200, Migrations: 500, SQLShare: 0.3}
	for _, dir := range []string{prev, next} {
		if err := benchgen.Repo(dir, spec); err != nil {
			b.Fatal(err)
		}
		for f := 0; f < 20; f++ {
			var q strings.Builder
			for i := 0; i < 100; i++ {
				n := f*100 + i
				t := n % spec.Tables
				switch n % 4 {
				case 0:
					fmt.Fprintf(&q, "-- name: Q%d :many\nSELECT id, name, status FROM t%d WHERE owner_id = $1 AND id > %d;\n\n", n, t, n)
				case 1:
					fmt.Fprintf(&q, "-- name: Q%d :exec\nINSERT INTO t%d (name, status, owner_id) VALUES ($1, $2, %d);\n\n", n, t, n)
				case 2:
					fmt.Fprintf(&q, "-- name: Q%d :exec\nUPDATE t%d SET status = $1 WHERE id = $2 AND owner_id <> %d;\n\n", n, t, n)
				default:
					fmt.Fprintf(&q, "-- name: Q%d :one\nSELECT count(*) FROM t%d a JOIN t%d b ON b.owner_id = a.id WHERE a.created_at > now() - interval '%d days';\n\n", n, t, (t+1)%spec.Tables, n)
				}
			}
			write(b, filepath.Join(dir, "queries", fmt.Sprintf("q%02d.sql", f)), q.String())
		}
	}
	pending := map[string]string{
		"00501_drop_status.sql":  "-- +goose Up\nALTER TABLE t5 DROP COLUMN status;\n",
		"00502_index.sql":        "-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t7_owner ON t7 (owner_id);\n",
		"00503_add_required.sql": "-- +goose Up\nALTER TABLE t9 ADD COLUMN region text NOT NULL DEFAULT 'eu';\nALTER TABLE t11 ALTER COLUMN owner_id TYPE integer;\n",
	}
	for name, text := range pending {
		write(b, filepath.Join(next, "db", "migrations", name), text)
	}
	return prev, next
}

func write(b *testing.B, p, text string) {
	b.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkVerify runs verify end to end on the generated project, the
// embedded cluster's start and stop included (the default without
// --database-url): index both releases, replay 500 migrations, prepare
// every query before and after, run the INSERTs, apply the pending set.
func BenchmarkVerify(b *testing.B) {
	if _, err := pgdb.FindBinaries(); err != nil {
		pgtest.Unavailable(b, err)
	}
	prev, next := benchProject(b)
	exclude := []string{"db/migrations/**"}
	in := verify.Input{Check: check.Input{
		Previous: []check.Tree{{Name: "previous", FS: os.DirFS(prev)}},
		New:      check.Tree{Name: "new", FS: os.DirFS(next)},
		Index: func(t check.Tree, _ []string) (*refs.Index, error) {
			idx, _, _, err := build.Index(t.FS, build.Options{Exclude: exclude})
			return idx, err
		},
	}}
	var res *verify.Result
	b.ResetTimer()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		var err error
		res, err = verify.Run(ctx, in)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	prepared, broken := 0, 0
	for _, q := range res.Queries {
		if q.Before == "ok" {
			prepared++
		}
		if q.Broken {
			broken++
		}
	}
	if len(res.Static.Previous) != 500 || prepared < 2000 || len(res.Statements) != 4 || broken == 0 {
		b.Fatalf("previous migrations %d, queries prepared %d, statements %d, broken %d", len(res.Static.Previous), prepared, len(res.Statements), broken)
	}
	b.ReportMetric(float64(prepared), "queries")
	b.ReportMetric(float64(broken), "broken")
}
