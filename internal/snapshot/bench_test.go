package snapshot_test

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/snapshot"
)

// benchLines sizes the generated repository: SCHEMAGATE_BENCH_LINES, or
// 20,000 lines so a plain `go test -bench` stays quick. The figures in
// docs/snapshots.md are for SCHEMAGATE_BENCH_LINES=1000000 (the shape of
// benchgen.DefaultRepo).
func benchLines(b *testing.B) int {
	if s := os.Getenv("SCHEMAGATE_BENCH_LINES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 {
			b.Fatalf("SCHEMAGATE_BENCH_LINES=%q: want a number of lines, at least 1000", s)
		}
		return n
	}
	return 20000
}

var (
	benchOnce sync.Once
	benchRepo string
	benchErr  error
)

func benchRepository(b *testing.B) *gitrev.Repo {
	lines := benchLines(b)
	benchOnce.Do(func() {
		benchRepo, benchErr = os.MkdirTemp("", "schemagate-snapshot-bench")
		if benchErr == nil {
			spec := benchgen.DefaultRepo
			spec.Lines, spec.Files = lines, max(lines/100, 10)
			benchErr = benchgen.GitRepo(b.Context(), benchRepo, spec)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	repo, err := gitrev.Open(benchRepo)
	if err != nil {
		b.Fatal(err)
	}
	return repo
}

// TestMain removes the benchmark repository, which the benchmarks of
// one run share.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchRepo != "" {
		os.RemoveAll(benchRepo)
	}
	os.Exit(code)
}

// take snapshots rev as the snapshot command does: index the tree's
// references, read its migrations and files, replay the catalog, encode.
func take(b *testing.B, repo *gitrev.Repo, rev string) []byte {
	fsys, err := repo.FS(rev)
	if err != nil {
		b.Fatal(err)
	}
	defer fsys.Close()
	idx, _, _, err := build.Index(fsys, build.Options{Exclude: []string{"db/migrations/**"}})
	if err != nil {
		b.Fatal(err)
	}
	s, err := snapshot.Build(fsys, snapshot.Options{Revision: fsys.Commit(), Commit: fsys.Commit(), TreeID: fsys.Tree(), Version: "bench", Config: config.Default(), Index: idx})
	if err != nil {
		b.Fatal(err)
	}
	gz, err := s.Marshal(true)
	if err != nil {
		b.Fatal(err)
	}
	return gz
}

// BenchmarkSnapshot takes the snapshot of the generated repository and
// checks the pending migration from two snapshots (no git, no indexing).
func BenchmarkSnapshot(b *testing.B) {
	repo := benchRepository(b)
	b.Run("take", func(b *testing.B) {
		var gz []byte
		for i := 0; i < b.N; i++ {
			gz = take(b, repo, "previous")
		}
		s, err := snapshot.Decode(bytes.NewReader(gz), "previous")
		if err != nil {
			b.Fatal(err)
		}
		plain, _ := s.Marshal(false)
		b.ReportMetric(float64(len(gz))/(1<<20), "gz-MiB")
		b.ReportMetric(float64(len(plain))/(1<<20), "json-MiB")
		b.ReportMetric(float64(len(s.References.Refs)), "refs")
		if len(gz) > 20<<20 {
			b.Errorf("the compressed snapshot is %d bytes, over the 20 MB budget", len(gz))
		}
	})
	b.Run("check-from-two-snapshots", func(b *testing.B) {
		prevGz, newGz := take(b, repo, "previous"), take(b, repo, "HEAD")
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			prev, err := snapshot.Decode(bytes.NewReader(prevGz), "previous")
			if err != nil {
				b.Fatal(err)
			}
			next, err := snapshot.Decode(bytes.NewReader(newGz), "new")
			if err != nil {
				b.Fatal(err)
			}
			res, err := check.Run(check.Input{Previous: []check.Tree{check.SnapshotTree(prev)}, New: check.SnapshotTree(next)})
			if err != nil || len(res.Pending) != 1 {
				b.Fatalf("%v, pending %d", err, len(res.Pending))
			}
		}
	})
}
