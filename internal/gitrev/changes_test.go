package gitrev

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sortChanges(c []Change) []Change {
	slices.SortFunc(c, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return c
}

func TestChangedFiles(t *testing.T) {
	s := newScenario(t)
	// v4: a mode change and a file turned into a symlink.
	s.repo.write("a.sql", "SELECT 'a';\n", 0o755)
	s.repo.remove("a0.sql")
	s.repo.symlink("a0.sql", "a.sql")
	v4 := s.repo.commit("v4: modes", map[string]string{"vendor/pgkit": s.submodule})
	// v5: the submodule moves to another commit.
	v5 := s.repo.commit("v5: bump pgkit", map[string]string{"vendor/pgkit": "b94a8fe5ccb19ba61c4c0873d391e987982fbbd3"})

	r, err := Open(s.repo.dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		from, to string
		want     []Change
	}{
		{"v1 to v2", s.v1, s.v2, []Change{
			{Status: Modified, Path: "app/models/user.rb"},
			{Status: Modified, Path: "current.sql"},
			{Status: Added, Path: "db/migrate/003_drop_legacy.sql"},
			{Status: Renamed, Path: "docs/new guide.md", OldPath: "docs/old guide.md", Similarity: 100},
			{Status: Deleted, Path: "remove_me.sql"},
		}},
		{"v2 back to v1", s.v2, s.v1, []Change{
			{Status: Modified, Path: "app/models/user.rb"},
			{Status: Modified, Path: "current.sql"},
			{Status: Deleted, Path: "db/migrate/003_drop_legacy.sql"},
			{Status: Renamed, Path: "docs/old guide.md", OldPath: "docs/new guide.md", Similarity: 100},
			{Status: Added, Path: "remove_me.sql"},
		}},
		{"same tree", s.v2, s.v3, nil},
		{"same commit by name and id", "main~2", s.v3, nil},
		{"mode and type changes", s.v3, v4, []Change{
			{Status: Modified, Path: "a.sql"},
			{Status: Modified, Path: "a0.sql"},
		}},
		{"submodule bump", v4, v5, []Change{
			{Status: Modified, Path: "vendor/pgkit"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.ChangedFiles(tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, sortChanges(got)); diff != "" {
				t.Errorf("ChangedFiles (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseNameStatusRejectsMalformedOutput(t *testing.T) {
	tests := []struct {
		name string
		out  string
	}{
		{"status without path", "M\x00"},
		{"missing terminator", "M\x00a.sql"},
		{"rename without new path", "R100\x00old.sql\x00"},
		{"unmerged", "U\x00a.sql\x00"},
		{"empty status", "\x00a.sql\x00"},
	}
	for _, tt := range tests {
		if got, err := parseNameStatus([]byte(tt.out)); err == nil {
			t.Errorf("%s: parseNameStatus(%q) = %v, want an error", tt.name, tt.out, got)
		}
	}
	got, err := parseNameStatus([]byte("C75\x00a.sql\x00b.sql\x00T\x00c.sql\x00"))
	want := []Change{{Status: Added, Path: "b.sql"}, {Status: Modified, Path: "c.sql"}}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("copy and type change = %v, %v; want %v", got, err, want)
	}
}

func TestStatusString(t *testing.T) {
	got := []string{Added.String(), Modified.String(), Deleted.String(), Renamed.String(), Status('X').String()}
	want := []string{"added", "modified", "deleted", "renamed", `Status('X')`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// ChangedSince sees committed, staged, unstaged and untracked changes
// since a revision, leaves deletions out, reports a rename as an added
// file, and leaves ignored files and files only touched out.
func TestChangedSince(t *testing.T) {
	repo := newTestRepo(t)
	repo.write(".gitignore", "*.log\n", 0o644)
	repo.write("db/001_users.sql", "CREATE TABLE users (id int);\n", 0o644)
	repo.write("db/002_orders.sql", "CREATE TABLE orders (id int);\n", 0o644)
	repo.write("db/003_old.sql", "SELECT 1;\n", 0o644)
	repo.write("db/004_touched.sql", "SELECT 4;\n", 0o644)
	base := repo.commit("base", nil)
	repo.write("db/005_committed.sql", "SELECT 5;\n", 0o644)
	repo.commit("a migration on the branch", nil)
	repo.write("db/006_staged.sql", "SELECT 6;\n", 0o644)
	repo.git("add", "db/006_staged.sql")
	repo.write("db/001_users.sql", "CREATE TABLE users (id bigint);\n", 0o644) // unstaged edit
	repo.write("db/007_untracked.sql", "SELECT 7;\n", 0o644)
	repo.write("debug.log", "ignored\n", 0o644)
	repo.remove("db/003_old.sql")
	repo.rename("db/002_orders.sql", "db/002_orders_renamed.sql")
	repo.write("db/004_touched.sql", "SELECT 4;\n", 0o644) // same content, new mtime

	r, err := Open(filepath.Join(repo.dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.ChangedSince(base)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Status: Modified, Path: "db/001_users.sql"},
		{Status: Added, Path: "db/002_orders_renamed.sql"},
		{Status: Added, Path: "db/005_committed.sql"},
		{Status: Added, Path: "db/006_staged.sql"},
		{Status: Added, Path: "db/007_untracked.sql"},
	}
	if diff := cmp.Diff(want, sortChanges(got)); diff != "" {
		t.Errorf("ChangedSince (-want +got):\n%s", diff)
	}
	if _, err := r.ChangedSince("no-such-branch"); !errors.Is(err, ErrMissingRevision) {
		t.Errorf("ChangedSince(no-such-branch): %v, want ErrMissingRevision", err)
	}
}
