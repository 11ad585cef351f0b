package testutil

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Schemagate builds the schemagate command once per test binary, into a
// temporary directory, and returns its path: tests outside
// cmd/schemagate (the editor tests) run the real binary as a user would. The
// directory is left for the operating system's temporary-file cleanup,
// as the binary is shared by every test of the run.
func Schemagate(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "schemagate-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "schemagate")
		out, err := exec.CommandContext(tb.Context(), "go", "build", "-o", binPath, "github.com/schemagate/schemagate/cmd/schemagate").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}
