package pgdb_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// startCluster starts a cluster of the test's own, stopped at the end.
func startCluster(t testing.TB, opt pgdb.ClusterOptions) *pgdb.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgdb.StartCluster(ctx, opt)
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	return c
}

func TestStartClusterServesOnlyItsSocketAndStopLeavesNothing(t *testing.T) {
	c := startCluster(t, pgdb.ClusterOptions{})
	ctx := context.Background()

	conn, err := pgdb.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, name := range []string{"listen_addresses", "fsync", "full_page_writes", "synchronous_commit", "unix_socket_directories", "port", "shared_preload_libraries"} {
		var v string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		settings[name] = v
	}
	major, full, err := pgdb.ServerVersion(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	want := map[string]string{
		"listen_addresses":         "",
		"fsync":                    "off",
		"full_page_writes":         "off",
		"synchronous_commit":       "off",
		"unix_socket_directories":  c.SocketDir,
		"port":                     strconv.Itoa(c.Port),
		"shared_preload_libraries": "",
	}
	if c.StatStatements {
		want["shared_preload_libraries"] = "pg_stat_statements"
	}
	if diff := cmp.Diff(want, settings); diff != "" {
		t.Errorf("server settings (-want +got):\n%s", diff)
	}
	if major != c.Version || !strings.HasPrefix(full, strconv.Itoa(major)+".") {
		t.Errorf("ServerVersion = %d, %q; cluster version %d", major, full, c.Version)
	}
	if _, err := os.Stat(filepath.Join(c.SocketDir, ".s.PGSQL."+strconv.Itoa(c.Port))); err != nil {
		t.Errorf("socket: %v", err)
	}

	pid := c.PID()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cluster dir %s still there after Stop: %v", c.Dir, err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("server process %d still there after Stop: kill 0 says %v", pid, err)
	}
	if left := processesMentioning(t, c.Dir); len(left) > 0 {
		t.Errorf("processes still running for %s: %v", c.Dir, left)
	}
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// processesMentioning lists the command lines of running processes that
// name dir (the postmaster's -D and -k arguments do).
func processesMentioning(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc to look for leftover processes")
	}
	var found []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), dir) {
			found = append(found, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return found
}

func TestStartClusterWithoutBinaries(t *testing.T) {
	empty := t.TempDir()
	_, err := pgdb.StartCluster(context.Background(), pgdb.ClusterOptions{BinDir: empty})
	if !errors.Is(err, pgdb.ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	msg := err.Error()
	for _, want := range []string{empty, "apt-get install postgresql", "throwaway server"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
}

func TestStartClusterFailureShowsServerLogAndCleansUp(t *testing.T) {
	bin, err := pgdb.FindBinaries()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	parent := serverReachableTempDir(t)
	_, err = pgdb.StartCluster(context.Background(), pgdb.ClusterOptions{
		BinDir:   bin,
		Parent:   parent,
		Settings: map[string]string{"shared_buffers": "lots"},
	})
	if err == nil {
		t.Fatal("StartCluster with shared_buffers=lots succeeded")
	}
	msg := err.Error()
	for _, want := range []string{"exited during startup", "shared_buffers"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	left, _ := os.ReadDir(parent)
	if len(left) != 0 {
		t.Errorf("failed start left %d entries in %s", len(left), parent)
	}
}

func TestStartClusterCancelledLeavesNothing(t *testing.T) {
	bin, err := pgdb.FindBinaries()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	parent := serverReachableTempDir(t)
	for _, after := range []time.Duration{50 * time.Millisecond, 300 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), after)
		c, err := pgdb.StartCluster(ctx, pgdb.ClusterOptions{BinDir: bin, Parent: parent})
		cancel()
		if err == nil {
			// This machine started a cluster faster than the deadline.
			if err := c.Stop(); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !strings.Contains(err.Error(), "context deadline exceeded") {
			t.Errorf("cancelled after %v: error %q does not say why", after, err)
		}
		if left, _ := os.ReadDir(parent); len(left) != 0 {
			t.Errorf("cancelled after %v: %d entries left in %s", after, len(left), parent)
		}
		if left := processesMentioning(t, parent); len(left) > 0 {
			t.Errorf("cancelled after %v: processes left: %v", after, left)
		}
	}
}

// serverReachableTempDir is a t.TempDir that the server's user can enter
// when the tests run as root.
func serverReachableTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		// t.TempDir makes 0700 dirs.
		for _, d := range []string{filepath.Dir(dir), dir} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func TestFindBinaries(t *testing.T) {
	dir, err := pgdb.FindBinaries()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	for _, name := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("FindBinaries = %s, which has no %s: %v", dir, name, err)
		}
	}
}

func TestClusterURL(t *testing.T) {
	c := &pgdb.Cluster{SocketDir: "/tmp/schemagate-pg-123", Port: 5432, User: "postgres"}
	if got, want := c.URL("app"), "postgres://postgres@/app?host=/tmp/schemagate-pg-123&port=5432"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	c.Password = "p@ss word"
	if got, want := c.URL("app"), "postgres://postgres:p%40ss%20word@/app?host=/tmp/schemagate-pg-123&port=5432"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}

func BenchmarkStartCluster(b *testing.B) {
	for b.Loop() {
		c, err := pgdb.StartCluster(context.Background(), pgdb.ClusterOptions{})
		if err != nil {
			pgtest.Unavailable(b, err)
		}
		if err := c.Stop(); err != nil {
			b.Fatal(err)
		}
	}
}
