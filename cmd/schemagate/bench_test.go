package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/lintcache"
)

// The lint benchmarks run the real binary, end to end, as a user would:
// they report wall time per run and the process's peak RSS.

func binary(b *testing.B) string {
	b.Helper()
	return buildBinary(b, "")
}

func runCLI(b *testing.B, args ...string) {
	b.Helper()
	bin := binary(b)
	var maxRSS int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, args...)
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 1 {
			err = nil // findings
		}
		if err != nil {
			b.Fatalf("%v", err)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > maxRSS {
			maxRSS = ru.Maxrss
		}
	}
	b.ReportMetric(float64(maxRSS)/1024, "peak-MB")
}

// BenchmarkLintCorpus: 2,000 goose migrations, about 8 MB of mixed DDL.
func BenchmarkLintCorpus(b *testing.B) {
	dir := b.TempDir()
	if err := benchgen.MigrationCorpus(dir, 2000, 4000); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(dirSize(b, dir))
	runCLI(b, "lint", "--no-cache", "--color", "never", dir)
}

// BenchmarkLintCorpusWarm: the same corpus again, its findings in lint's
// cache from a first run (issue 16: at least 5x faster than cold).
func BenchmarkLintCorpusWarm(b *testing.B) {
	dir := b.TempDir()
	if err := benchgen.MigrationCorpus(dir, 2000, 4000); err != nil {
		b.Fatal(err)
	}
	b.Setenv(lintcache.DirEnv, b.TempDir())
	b.SetBytes(dirSize(b, dir))
	if err := exec.Command(binary(b), "lint", "--color", "never", dir).Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			b.Fatal(err)
		}
	}
	runCLI(b, "lint", "--color", "never", dir)
}

// BenchmarkLintLongFile: one migration of 20,000 lines, text output.
func BenchmarkLintLongFile(b *testing.B) {
	for _, lines := range []int{5000, 20000} {
		b.Run(itoa(lines)+"-lines", func(b *testing.B) {
			dir := b.TempDir()
			p := filepath.Join(dir, "0001_long.sql")
			if err := os.WriteFile(p, []byte(benchgen.LongMigration(lines)), 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(dirSize(b, dir))
			runCLI(b, "lint", "--no-cache", "--color", "never", "--max-file-size", "100000000", p)
		})
	}
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

func itoa(i int) string {
	s := ""
	for i > 0 {
		s = string(rune('0'+i%10)) + s
		i /= 10
	}
	return s
}
