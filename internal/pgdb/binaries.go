package pgdb

import (
	"context"
	"errors"
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

// InstallHint says how to get server binaries or avoid needing them.
const InstallHint = "install the server (apt-get install postgresql, dnf install postgresql-server, brew install postgresql) or pass --database-url"

// FindBinaries returns the directory holding initdb and postgres: the
// one `pg_config --bindir` names, else the one of initdb on PATH, else
// the newest /usr/lib/postgresql/*/bin (Debian and Ubuntu keep the
// server there, off PATH), else /usr/local/pgsql/bin.
func FindBinaries() (string, error) {
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
	candidates = append(candidates, "/usr/local/pgsql/bin")
	for _, dir := range candidates {
		if hasServer(dir) {
			return dir, nil
		}
	}
	return "", noBinariesError("in pg_config --bindir, PATH or /usr/lib/postgresql/*/bin")
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
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
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
