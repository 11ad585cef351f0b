// Package pgtest gives tests a real PostgreSQL: one embedded cluster per
// test binary, started on first use through pgdb.StartCluster (the same
// code path as verify), or the server SCHEMAGATE_TEST_DATABASE_URL names;
// and a fresh database per test, dropped when the test ends.
//
// A package that uses it calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// Without server binaries, tests fail with the install hint when CI is
// set and are skipped otherwise.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/pgdb"
)

// EnvURL names an existing server to test against instead of the
// embedded cluster. Its role needs CREATEDB.
const EnvURL = "SCHEMAGATE_TEST_DATABASE_URL"

var (
	mainCalled bool
	once       sync.Once
	cluster    *pgdb.Cluster
	startErr   error
)

// Main runs the tests and stops the cluster, if one was started. Each of
// cleanup then runs too (a package's own shared servers); an error fails
// the run.
func Main(m *testing.M, cleanup ...func() error) {
	mainCalled = true
	code := m.Run()
	for _, c := range cleanup {
		if err := c(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
			if code == 0 {
				code = 1
			}
		}
	}
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stopping the test cluster:", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// Server returns the embedded cluster, starting it on first use. A test
// that needs the cluster itself (its socket, its files) uses this; it is
// skipped when EnvURL points at another server.
func Server(t testing.TB) *pgdb.Cluster {
	t.Helper()
	if os.Getenv(EnvURL) != "" {
		t.Skipf("needs the embedded cluster, and %s names another server", EnvURL)
	}
	if !mainCalled {
		t.Fatal("pgtest: call pgtest.Main(m) from TestMain, so the cluster is stopped after the tests")
	}
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cluster, startErr = pgdb.StartCluster(ctx, pgdb.ClusterOptions{})
	})
	if startErr != nil {
		Unavailable(t, startErr)
	}
	return cluster
}

// Unavailable ends a test that cannot get a server: a failure when CI is
// set or the binaries exist but did not work, a skip when they are
// simply not installed on a developer's machine.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, pgdb.ErrNoBinaries) && os.Getenv("CI") == "" {
		t.Skip(err)
	}
	t.Fatal(err)
}

// AdminURL is a superuser (or CREATEDB) connection string for the test
// server: EnvURL when set, else the embedded cluster's postgres database.
func AdminURL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return Server(t).URL("postgres")
}

// Database creates an empty database for the test, through
// pgdb.NewScratch, and drops it when the test ends. It returns its
// connection string.
func Database(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := pgdb.NewScratch(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Drop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return s.URL
}
