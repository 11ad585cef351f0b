// Package testutil builds the real git repositories that tests of check,
// gate and snapshot run against.
package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Git runs git in dir with a fixed identity and date, so commit ids are
// the same on every run.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// CommitScenario commits a scenario's previous/ tree (tagged "previous")
// and then its new/ tree into a fresh repository, and leaves new/ checked
// out. It returns the repository's directory.
func CommitScenario(t testing.TB, scenario string) string {
	t.Helper()
	repo := t.TempDir()
	Git(t, repo, "init", "-q", "-b", "main")
	CopyTree(t, filepath.Join(scenario, "previous"), repo)
	Git(t, repo, "add", "-A")
	Git(t, repo, "commit", "-q", "-m", "previous release")
	Git(t, repo, "tag", "previous")
	entries, err := os.ReadDir(repo)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != ".git" {
			if err := os.RemoveAll(filepath.Join(repo, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	CopyTree(t, filepath.Join(scenario, "new"), repo)
	Git(t, repo, "add", "-A")
	Git(t, repo, "commit", "-q", "-m", "new release")
	return repo
}

// CopyTree copies the files below from into to.
func CopyTree(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
