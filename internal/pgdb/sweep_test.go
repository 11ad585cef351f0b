package pgdb_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// A run killed with SIGKILL leaves its cluster directory behind; the
// next cluster started in the same place removes it, with no server
// process left, and keeps what is not stale: a live run's cluster, a
// directory whose owner still runs, one without an owner file.
func TestKilledRunsClusterIsRemovedByTheNextRun(t *testing.T) {
	if _, err := pgdb.FindBinaries(); err != nil {
		pgtest.Unavailable(t, err)
	}
	parent := serverReachableTempDir(t)

	// A run that dies without a word.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envStartCluster+"="+parent)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		_ = cmd.Process.Kill()
		t.Fatalf("the child started no cluster: %v", cmd.Wait())
	}
	stale := sc.Text()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(stale); err != nil {
		t.Fatalf("the killed run's cluster directory %s is not there to sweep: %v", stale, err)
	}

	// Directories that are not stale.
	liveOwner := fakeClusterDir(t, parent, "schemagate-pg-live", "1") // init runs
	noOwner := fakeClusterDir(t, parent, "schemagate-pg-unmarked", "")
	// A stale one without a server: its owner exited.
	exited := exec.Command("true")
	if err := exited.Run(); err != nil {
		t.Fatal(err)
	}
	deadOwner := fakeClusterDir(t, parent, "schemagate-pg-dead", strconv.Itoa(exited.Process.Pid))

	next := startCluster(t, pgdb.ClusterOptions{Parent: parent})

	for _, gone := range []string{stale, deadOwner} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", gone, err)
		}
	}
	if left := processesMentioning(t, stale); len(left) > 0 {
		t.Errorf("processes of the killed run's cluster still run: %v", left)
	}
	for _, kept := range []string{liveOwner, noOwner, next.Dir} {
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("%s was removed: %v", kept, err)
		}
	}
	// The sweep spares the cluster of the process asking.
	if removed := pgdb.SweepStale(parent); len(removed) != 0 {
		t.Errorf("a second sweep removed %v", removed)
	}
}

// fakeClusterDir makes a directory shaped like a cluster's, with an
// owner file naming pid (none when empty).
func fakeClusterDir(t *testing.T, parent, name, pid string) string {
	t.Helper()
	dir := filepath.Join(parent, name)
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if pid != "" {
		if err := os.WriteFile(filepath.Join(dir, "schemagate.pid"), []byte(pid+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
