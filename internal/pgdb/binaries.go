package pgdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNoBinaries is returned (wrapped in a one-line message with the
// install hint) when no PostgreSQL server binaries can be found. The
// command line maps it to exit code 2.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries (initdb, postgres) found")

// InstallHint says how to get server binaries. verify needs them even
// with --database-url: it runs migrations only on a server it starts.
const InstallHint = "install the server (apt-get install postgresql, dnf install postgresql-server, brew install postgresql): verify runs the migrations only on a throwaway server it starts from them"

// FindBinaries returns the directory holding initdb and postgres: the
// one `pg_config --bindir` names, else the one of initdb on PATH, else
// the newest /usr/lib/postgresql/*/bin (Debian and Ubuntu keep the
// server there, off PATH), else /usr/local/pgsql/bin.
func FindBinaries() (string, error) {
	for _, dir := range candidateBinDirs() {
		if hasServer(dir) {
			return dir, nil
		}
	}
	return "", noBinariesError("in pg_config --bindir, PATH or /usr/lib/postgresql/*/bin")
}

// FindBinariesFor returns the server binaries to copy a server of major
// version major into: that major when it is installed, else the oldest
// newer one (pg_dump reads no server newer than itself, and a dump
// loads into the same or a newer server). It needs pg_dump beside
// initdb and postgres, and returns the major version found.
func FindBinariesFor(major int) (string, int, error) {
	best, bestVersion := "", 0
	var older []string
	for _, dir := range candidateBinDirs() {
		if !hasServer(dir) || !isExecutable(filepath.Join(dir, "pg_dump")) {
			continue
		}
		v, err := BinariesVersion(dir)
		if err != nil {
			continue
		}
		switch {
		case v == major:
			return dir, v, nil
		case v > major && (best == "" || v < bestVersion):
			best, bestVersion = dir, v
		case v < major:
			older = append(older, fmt.Sprintf("%d in %s", v, dir))
		}
	}
	if best != "" {
		return best, bestVersion, nil
	}
	if len(older) > 0 {
		return "", 0, fmt.Errorf("the server runs PostgreSQL %d, and the newest server binaries here are older (%s): pg_dump cannot read a newer server; install PostgreSQL %d or newer (apt-get install postgresql-%d)",
			major, strings.Join(older, ", "), major, major)
	}
	return "", 0, noBinariesError("with pg_dump in pg_config --bindir, PATH or /usr/lib/postgresql/*/bin")
}

// BinariesVersion is the major version of the postgres program in dir,
// from postgres -V ("postgres (PostgreSQL) 15.4 (Debian 15.4-1)").
func BinariesVersion(dir string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(dir, "postgres"), "-V").Output()
	if err != nil {
		return 0, fmt.Errorf("running %s -V: %w", filepath.Join(dir, "postgres"), err)
	}
	_, v, ok := strings.Cut(string(out), ") ")
	major, _, _ := strings.Cut(strings.TrimSpace(v), ".")
	n, err := strconv.Atoi(strings.TrimRightFunc(major, func(r rune) bool { return r < '0' || r > '9' }))
	if !ok || err != nil {
		return 0, fmt.Errorf("reading the version of %s: %q", filepath.Join(dir, "postgres"), strings.TrimSpace(string(out)))
	}
	return n, nil
}

// candidateBinDirs lists where server binaries may be, in order: the
// one `pg_config --bindir` names, the one of initdb on PATH, every
// /usr/lib/postgresql/*/bin (Debian and Ubuntu keep the server there,
// off PATH), newest first, and /usr/local/pgsql/bin.
func candidateBinDirs() []string {
	var candidates []string
	if pgConfig, err := exec.LookPath("pg_config"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, pgConfig, "--bindir").Output()
		cancel()
		if err == nil {
			candidates = append(candidates, strings.TrimSpace(string(out)))
		}
	}
	if initdb, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(initdb); err == nil {
			initdb = real
		}
		candidates = append(candidates, filepath.Dir(initdb))
	}
	candidates = append(candidates, debianBinDirs()...)
	return append(candidates, "/usr/local/pgsql/bin")
}

// noBinariesError formats ErrNoBinaries as one line.
func noBinariesError(detail string) error {
	return &binariesError{detail: detail}
}

type binariesError struct{ detail string }

func (e *binariesError) Error() string {
	return ErrNoBinaries.Error() + " " + e.detail + ": " + InstallHint
}
func (e *binariesError) Unwrap() error { return ErrNoBinaries }

// hasServer reports whether dir holds the programs StartCluster runs.
func hasServer(dir string) bool {
	if dir == "" {
		return false
	}
	for _, name := range []string{"initdb", "postgres"} {
		if !isExecutable(filepath.Join(dir, name)) {
			return false
		}
	}
	return true
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// debianBinDirs lists /usr/lib/postgresql/<version>/bin, newest first.
func debianBinDirs() []string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		return v
	}
	sort.SliceStable(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	return dirs
}
