package pgdb

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clusterPrefix starts the name of every cluster directory; ownerFile,
// in it, holds the pid of the process that started the cluster.
const (
	clusterPrefix = "schemagate-pg-"
	ownerFile     = "schemagate.pid"
)

// SweepStale removes the clusters that killed schemagate processes left
// in parent: directories named schemagate-pg-* whose owner file names a
// process that no longer runs. Their server normally died with its
// parent (Linux's parent-death signal); one that still runs there is
// killed first, when this system can tell it is that directory's
// server. Directories it cannot remove (another user's, a server it
// cannot identify) are left alone. It returns those it removed.
func SweepStale(parent string) []string {
	dirs, _ := filepath.Glob(filepath.Join(parent, clusterPrefix+"*"))
	var removed []string
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // being created, or not ours to judge
		}
		owner, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || owner == os.Getpid() || processAlive(owner) {
			continue
		}
		if !stopStaleServer(filepath.Join(dir, "data")) {
			continue
		}
		if os.RemoveAll(dir) == nil {
			removed = append(removed, dir)
		}
	}
	return removed
}

// stopStaleServer makes sure no server runs on dataDir: none is named in
// postmaster.pid, the one named is gone, or it is that directory's and
// is killed. false: one runs that cannot be told apart from a stranger
// that reused its pid.
func stopStaleServer(dataDir string) bool {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return true
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 || !processAlive(pid) {
		return true
	}
	if !runsIn(pid, dataDir) {
		return false
	}
	killGroup(pid) // the server leads its own process group
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if !processAlive(pid) {
			return true
		}
	}
	return false
}
