package check_test

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/refs/scan"
	"github.com/schemagate/schemagate/internal/transcache"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// BenchmarkCheck runs check on the generated 1,000,000-line repository
// with 500 previous migrations and one pending migration, both releases
// read from git objects: cold (no reference cache) and warm.
func BenchmarkCheck(b *testing.B) {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "schemagate-check-bench")
		if benchErr == nil {
			benchErr = benchgen.GitRepo(b.Context(), benchDir, benchgen.DefaultRepo)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	repo, err := gitrev.Open(benchDir)
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, cache *scan.Cache) {
		prev, err := repo.FS("previous")
		if err != nil {
			b.Fatal(err)
		}
		defer prev.Close()
		next, err := repo.FS("HEAD")
		if err != nil {
			b.Fatal(err)
		}
		defer next.Close()
		trees := map[string]string{"previous": prev.Tree(), "HEAD": next.Tree()}
		memo := scan.NewMemo()
		res, err := check.Run(check.Input{
			Previous: []check.Tree{{Name: "previous", FS: prev}},
			New:      check.Tree{Name: "HEAD", FS: next},
			Index: func(t check.Tree, _ []string) (*refs.Index, error) {
				idx, _, _, err := build.Index(t.FS, build.Options{Exclude: []string{"db/migrations/**"}, Cache: cache, TreeID: trees[t.Name], Version: "bench", Memo: memo})
				return idx, err
			},
		})
		if err != nil || len(res.Pending) != 1 {
			b.Fatalf("%v, pending %d", err, len(res.Pending))
		}
	}
	b.Run("cold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			run(b, nil)
		}
	})
	b.Run("warm", func(b *testing.B) {
		cache := &scan.Cache{Dir: b.TempDir()}
		run(b, cache)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			run(b, cache)
		}
	})
}

var (
	djangoOnce sync.Once
	djangoDir  string
	djangoErr  error
)

// BenchmarkCheckDjango runs check on the generated Django project of 30
// apps (benchgen.DefaultDjango: 1,400 migrations deployed, 20 pending),
// both releases read from git objects: cold (empty reference and
// translation caches, filled as check runs) and warm (both filled by a
// first run).
func BenchmarkCheckDjango(b *testing.B) {
	djangoOnce.Do(func() {
		djangoDir, djangoErr = os.MkdirTemp("", "schemagate-django-bench")
		if djangoErr == nil {
			djangoErr = benchgen.DjangoGitRepo(b.Context(), djangoDir, benchgen.DefaultDjango)
		}
	})
	if djangoErr != nil {
		b.Fatal(djangoErr)
	}
	repo, err := gitrev.Open(djangoDir)
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, cache *scan.Cache, trans *transcache.Store) {
		prev, err := repo.FS(benchgen.DjangoPrevious)
		if err != nil {
			b.Fatal(err)
		}
		defer prev.Close()
		next, err := repo.FS(benchgen.DjangoNew)
		if err != nil {
			b.Fatal(err)
		}
		defer next.Close()
		trees := map[string]string{"previous": prev.Tree(), "new": next.Tree()}
		memo := scan.NewMemo()
		res, err := check.Run(check.Input{
			Previous: []check.Tree{{Name: "previous", FS: prev}},
			New:      check.Tree{Name: "new", FS: next},
			Index: func(t check.Tree, skip []string) (*refs.Index, error) {
				idx, _, _, err := build.Index(t.FS, build.Options{Exclude: skip, Cache: cache, TreeID: trees[t.Name], Version: "bench", Memo: memo})
				return idx, err
			},
			Translations: trans,
		})
		trans.Wait()
		if err != nil || len(res.Pending) != benchgen.DefaultDjango.Pending {
			b.Fatalf("%v, pending %d", err, len(res.Pending))
		}
	}
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			b.StopTimer()
			dir, err := os.MkdirTemp(b.TempDir(), "cache")
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			run(b, &scan.Cache{Dir: filepath.Join(dir, "refs")}, transcache.OpenDir(filepath.Join(dir, "translations"), "bench"))
		}
	})
	b.Run("warm", func(b *testing.B) {
		b.ReportAllocs()
		dir := b.TempDir()
		cache := &scan.Cache{Dir: filepath.Join(dir, "refs")}
		run(b, cache, transcache.OpenDir(filepath.Join(dir, "translations"), "bench"))
		defer reportCPU(b)()
		for b.Loop() {
			// A new run: nothing of the last one in memory.
			run(b, cache, transcache.OpenDir(filepath.Join(dir, "translations"), "bench"))
		}
	})
}

// reportCPU reports the process's CPU time (user and system) per
// iteration from now until the returned function is called: on a shared
// machine it moves less than wall time does.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
