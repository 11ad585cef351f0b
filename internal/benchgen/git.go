package benchgen

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// GitRepo writes Repo(dir, spec) and commits it as the previous release
// (tag "previous"), then adds a pending migration that drops a column the
// code uses and commits that as the new release (HEAD). ctx bounds the git
// commands.
func GitRepo(ctx context.Context, dir string, spec RepoSpec) error {
	if err := Repo(dir, spec); err != nil {
		return err
	}
	git := gitIn(ctx, dir)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "previous"}, {"tag", "previous"}} {
		if err := git(args...); err != nil {
			return err
		}
	}
	pending := "-- +goose Up\nALTER TABLE t1 DROP COLUMN status;\nCREATE INDEX t2_name ON t2 (name);\n"
	p := filepath.Join(dir, "db/migrations", fmt.Sprintf("%05d_pending.sql", spec.Migrations+1))
	if err := os.WriteFile(p, []byte(pending), 0o644); err != nil {
		return err
	}
	for _, args := range [][]string{{"add", "-A"}, {"commit", "-q", "-m", "new"}} {
		if err := git(args...); err != nil {
			return err
		}
	}
	return nil
}

// gitIn returns a function running git in dir, as a fixed author with no
// user configuration.
func gitIn(ctx context.Context, dir string) func(args ...string) error {
	return func(args ...string) error {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=b", "GIT_AUTHOR_EMAIL=b@example.com", "GIT_COMMITTER_NAME=b",
			"GIT_COMMITTER_EMAIL=b@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %v: %w: %s", args, err, out)
		}
		return nil
	}
}
