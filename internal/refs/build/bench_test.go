package build

import (
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/orm"
	"github.com/schemagate/schemagate/internal/refs/scan"
)

var (
	repoOnce sync.Once
	repoDir  string
	repoErr  error
)

// benchRepo is the 10,000-file, 1,000,000-line repository, generated
// and committed once per test binary.
func benchRepo(b *testing.B) string {
	b.Helper()
	repoOnce.Do(func() {
		spec := benchgen.DefaultRepo
		repoDir, repoErr = os.MkdirTemp("", "schemagate-refs-bench")
		if repoErr == nil {
			repoErr = benchgen.GitRepo(b.Context(), repoDir, spec)
		}
	})
	if repoErr != nil {
		b.Fatal(repoErr)
	}
	return repoDir
}

func revFS(b *testing.B, rev string) *gitrev.RevFS {
	b.Helper()
	repo, err := gitrev.Open(benchRepo(b))
	if err != nil {
		b.Fatal(err)
	}
	fsys, err := repo.FS(rev)
	if err != nil {
		b.Fatal(err)
	}
	return fsys
}

// BenchmarkIndexCold indexes the previous revision from git objects with
// no cache: every file read through cat-file, every extractor run.
func BenchmarkIndexCold(b *testing.B) {
	fsys := revFS(b, "previous")
	defer fsys.Close()
	var peak uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idx, stats, _, err := Index(fsys, Options{Exclude: []string{"db/migrations/**"}})
		if err != nil || len(idx.Refs) == 0 {
			b.Fatalf("%v (%d refs)", err, len(idx.Refs))
		}
		b.ReportMetric(float64(stats.Read), "files-read")
		b.ReportMetric(float64(len(idx.Refs)), "refs")
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapSys)
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap-sys-MB")
}

// BenchmarkIndexCached reads the same revision's index from the cache.
func BenchmarkIndexCached(b *testing.B) {
	fsys := revFS(b, "previous")
	defer fsys.Close()
	cache := &scan.Cache{Dir: b.TempDir()}
	opt := Options{Exclude: []string{"db/migrations/**"}, Cache: cache, TreeID: fsys.Tree(), Version: "bench"}
	if _, _, _, err := Index(fsys, opt); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idx, _, cached, err := Index(fsys, opt)
		if err != nil || !cached || len(idx.Refs) == 0 {
			b.Fatalf("cached=%v err=%v", cached, err)
		}
	}
}

// BenchmarkGitGrep is the yardstick: `git grep -w` for one column name
// over the same revision.
func BenchmarkGitGrep(b *testing.B) {
	dir := benchRepo(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command("git", "grep", "-w", "-c", "status", "previous")
		cmd.Dir = dir
		if out, err := cmd.Output(); err != nil || len(out) == 0 {
			b.Fatalf("git grep: %v", err)
		}
	}
}

// BenchmarkIndexColdORMs indexes the same tree with and without the
// Node, Java/Kotlin and Go ORM extractors (issue 19), alternating in one
// process, and reports the process CPU time per index besides the wall
// time: on a shared machine the CPU time is the steadier figure.
func BenchmarkIndexColdORMs(b *testing.B) {
	fsys := revFS(b, "previous")
	defer fsys.Close()
	var without []refs.Extractor
	for _, x := range Extractors() {
		switch x {
		case orm.JavaScript, orm.JVM, orm.Ent, orm.Bun, orm.SQLBoiler:
			continue
		}
		without = append(without, x)
	}
	for _, bc := range []struct {
		name string
		ex   []refs.Extractor
	}{{"without", without}, {"with", Extractors()}} {
		b.Run(bc.name, func(b *testing.B) {
			start := cpuTime()
			for i := 0; i < b.N; i++ {
				idx, _, err := scan.Build(fsys, scan.Options{Exclude: []string{"db/migrations/**"}, Extractors: bc.ex})
				if err != nil || len(idx.Refs) == 0 {
					b.Fatalf("%v", err)
				}
				b.ReportMetric(float64(len(idx.Refs)), "refs")
			}
			b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the user and system time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
