package gitrev

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func realPath(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestOpen(t *testing.T) {
	s := newScenario(t)
	top := realPath(t, s.repo.dir)
	bare := t.TempDir()
	runGit(t, bare, 0, nil, "clone", "-q", "--bare", s.repo.dir, bare)

	tests := []struct {
		name    string
		dir     string
		wantDir string
	}{
		{"top level", s.repo.dir, top},
		{"subdirectory", filepath.Join(s.repo.dir, "db", "migrate"), top},
		{"inside .git", filepath.Join(s.repo.dir, ".git"), filepath.Join(top, ".git")},
		{"bare repository", bare, realPath(t, bare)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			if r.Dir != tt.wantDir {
				t.Errorf("Dir = %q, want %q", r.Dir, tt.wantDir)
			}
			// Every form must reach the same history.
			got, err := r.Resolve("main")
			if err != nil {
				t.Fatal(err)
			}
			if got != s.v3 {
				t.Errorf("Resolve(main) = %s, want %s", got, s.v3)
			}
		})
	}
}

func TestOpenNotARepository(t *testing.T) {
	parent := t.TempDir()
	// Keep git from finding a repository above the temp directory.
	t.Setenv("GIT_CEILING_DIRECTORIES", parent)
	dir := filepath.Join(parent, "plain")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(parent, "file.sql")
	if err := os.WriteFile(file, []byte("SELECT 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		dir         string
		notRepo     bool
		wantInError string
	}{
		{"plain directory", dir, true, dir + ": not a git repository"},
		{"missing directory", filepath.Join(parent, "nope"), false, "no such file or directory"},
		{"a file", file, false, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.dir)
			if err == nil {
				t.Fatal("Open succeeded, want an error")
			}
			if errors.Is(err, ErrNotRepository) != tt.notRepo {
				t.Errorf("errors.Is(%v, ErrNotRepository) = %v, want %v", err, !tt.notRepo, tt.notRepo)
			}
			if !strings.Contains(err.Error(), tt.wantInError) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line containing %q", err, tt.wantInError)
			}
		})
	}
}

func TestResolveAndTreeID(t *testing.T) {
	s := newScenario(t)
	r, err := Open(s.repo.dir)
	if err != nil {
		t.Fatal(err)
	}
	s.repo.git("tag", "-a", "-m", "release 1", "release-1", s.v1)
	s.repo.git("branch", "release/2", s.v2)

	tests := []struct {
		rev  string
		want string
	}{
		{"main", s.v3},
		{"HEAD", s.v3},
		{"HEAD~1", s.v2},
		{"main^^", s.v1},
		{"release-1", s.v1}, // an annotated tag peels to its commit
		{"release/2", s.v2},
		{s.v1[:10], s.v1},
		{s.v2, s.v2},
	}
	for _, tt := range tests {
		got, err := r.Resolve(tt.rev)
		if err != nil {
			t.Errorf("Resolve(%q): %v", tt.rev, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Resolve(%q) = %s, want %s", tt.rev, got, tt.want)
		}
	}

	head, err := r.Head()
	if err != nil || head != s.v3 {
		t.Errorf("Head() = %s, %v; want %s", head, err, s.v3)
	}

	// The tree is the content key: v3 only changed the message.
	trees := map[string]string{}
	for _, rev := range []string{s.v1, s.v2, s.v3, "release-1", "main"} {
		id, err := r.TreeID(rev)
		if err != nil {
			t.Fatalf("TreeID(%q): %v", rev, err)
		}
		trees[rev] = id
		if want := s.repo.git("rev-parse", rev+"^{tree}"); id != want {
			t.Errorf("TreeID(%q) = %s, want %s", rev, id, want)
		}
	}
	if trees[s.v2] != trees[s.v3] || trees[s.v3] != trees["main"] {
		t.Errorf("v2, v3 and main have the same files but trees %s, %s, %s", trees[s.v2], trees[s.v3], trees["main"])
	}
	if trees[s.v1] == trees[s.v2] || trees[s.v1] != trees["release-1"] {
		t.Errorf("trees: v1 %s, v2 %s, release-1 %s", trees[s.v1], trees[s.v2], trees["release-1"])
	}

	// A second repository built the same way has the same ids: the ids
	// are a pure function of content, which is what makes them cache keys.
	again := newScenario(t)
	if diff := cmp.Diff([]string{s.v1, s.v2, s.v3}, []string{again.v1, again.v2, again.v3}); diff != "" {
		t.Errorf("commit ids differ between identical repositories (-first +second):\n%s", diff)
	}
	r2, err := Open(again.repo.dir)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := r2.TreeID("main"); err != nil || id != trees["main"] {
		t.Errorf("TreeID(main) in the second repository = %s, %v; want %s", id, err, trees["main"])
	}
}

func TestResolveErrors(t *testing.T) {
	s := newScenario(t)
	r, err := Open(s.repo.dir)
	if err != nil {
		t.Fatal(err)
	}
	tree := s.repo.git("rev-parse", "main^{tree}")
	const absent = "0123456789abcdef0123456789abcdef01234567"

	tests := []struct {
		rev         string
		missing     bool
		wantInError string
	}{
		{absent, true, `fetch it with "git fetch origin ` + absent + `"`},
		{"release/2023-12", true, `"git fetch origin release/2023-12"`},
		{"origin/release/2024-02", true, `"git fetch origin release/2024-02"`},
		{"refs/remotes/origin/hotfix", true, `"git fetch origin hotfix"`},
		{"v1 beta", true, `"git fetch origin 'v1 beta'"`},
		{"HEAD~10", true, `revision "HEAD~10" not found`},
		{tree, false, "is a tree, not a commit"},
		{"main:app/models/user.rb", false, "is a blob, not a commit"},
		{"--all", false, "must not start with '-'"},
		{"", false, "empty revision"},
	}
	for _, tt := range tests {
		t.Run(tt.rev, func(t *testing.T) {
			for _, call := range []struct {
				name string
				fn   func(string) (string, error)
			}{{"Resolve", r.Resolve}, {"TreeID", r.TreeID}} {
				if call.name == "TreeID" && tt.rev == tree {
					continue // a tree is its own tree
				}
				got, err := call.fn(tt.rev)
				if err == nil {
					t.Fatalf("%s(%q) = %s, want an error", call.name, tt.rev, got)
				}
				if errors.Is(err, ErrMissingRevision) != tt.missing {
					t.Errorf("%s: errors.Is(%v, ErrMissingRevision) = %v, want %v", call.name, err, !tt.missing, tt.missing)
				}
				if !strings.Contains(err.Error(), tt.wantInError) || strings.Contains(err.Error(), "\n") {
					t.Errorf("%s: error %q: want one line containing %q", call.name, err, tt.wantInError)
				}
			}
		})
	}
	if got, err := r.TreeID(tree); err != nil || got != tree {
		t.Errorf("TreeID(a tree id) = %s, %v; want the id itself", got, err)
	}
	if _, err := r.FS(absent); !errors.Is(err, ErrMissingRevision) {
		t.Errorf("FS(absent): %v, want ErrMissingRevision", err)
	}
	if _, err := r.ChangedFiles(s.v1, absent); !errors.Is(err, ErrMissingRevision) {
		t.Errorf("ChangedFiles(v1, absent): %v, want ErrMissingRevision", err)
	}
}

func TestShallowClone(t *testing.T) {
	s := newScenario(t)
	clone := t.TempDir()
	runGit(t, clone, 0, nil, "clone", "-q", "--depth", "1", "file://"+s.repo.dir, clone)
	r, err := Open(clone)
	if err != nil {
		t.Fatal(err)
	}
	shallow, err := r.IsShallow()
	if err != nil || !shallow {
		t.Fatalf("IsShallow() = %v, %v; want true", shallow, err)
	}
	if head, err := r.Head(); err != nil || head != s.v3 {
		t.Fatalf("Head() = %s, %v; want %s", head, err, s.v3)
	}

	_, err = r.Resolve(s.v1)
	if !errors.Is(err, ErrMissingRevision) {
		t.Fatalf("Resolve(v1) in a shallow clone: %v, want ErrMissingRevision", err)
	}
	for _, want := range []string{"shallow clone", `"git fetch --deepen=100 origin"`, `"git fetch --unshallow origin"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	var me *MissingRevisionError
	if !errors.As(err, &me) || !me.Shallow || me.Remote != "origin" {
		t.Errorf("error %#v: want a *MissingRevisionError, shallow, remote origin", err)
	}
	// A branch the clone never fetched: the advice also names the ref.
	_, err = r.Resolve("origin/release/2024-02")
	if !errors.Is(err, ErrMissingRevision) || !strings.Contains(err.Error(), `"git fetch origin release/2024-02"`) {
		t.Errorf("Resolve(origin/release/2024-02): %v, want advice to fetch release/2024-02", err)
	}
	if _, err := r.MergeBase("HEAD", s.v1); !errors.Is(err, ErrMissingRevision) {
		t.Errorf("MergeBase(HEAD, v1): %v, want ErrMissingRevision", err)
	}

	// Following the advice makes the revision readable.
	runGit(t, clone, 0, nil, "fetch", "-q", "--deepen=100", "origin")
	f, err := r.FS(s.v1)
	if err != nil {
		t.Fatalf("FS(v1) after deepening: %v", err)
	}
	defer f.Close()
	if diff := cmp.Diff(s.want1, readAll(t, f)); diff != "" {
		t.Errorf("v1 after deepening (-want +got):\n%s", diff)
	}
	if shallow, err := r.IsShallow(); err != nil || shallow {
		t.Errorf("IsShallow() after fetching all history = %v, %v; want false", shallow, err)
	}
}

func TestMergeBase(t *testing.T) {
	s := newScenario(t)
	r, err := Open(s.repo.dir)
	if err != nil {
		t.Fatal(err)
	}
	// A feature branch forked at v1.
	s.repo.git("checkout", "-q", "-b", "feature", s.v1)
	s.repo.write("db/migrate/010_feature.sql", "CREATE INDEX CONCURRENTLY users_email ON users (email);\n", 0o644)
	feature := s.repo.commit("feature", nil)
	// An unrelated history: a root commit of its own.
	tree := s.repo.git("rev-parse", "HEAD^{tree}")
	orphan := s.repo.git("commit-tree", "-m", "imported", tree)

	got, err := r.MergeBase("main", "feature")
	if err != nil || got != s.v1 {
		t.Errorf("MergeBase(main, feature) = %s, %v; want v1 %s", got, err, s.v1)
	}
	got, err = r.MergeBase(feature, s.v2)
	if err != nil || got != s.v1 {
		t.Errorf("MergeBase(feature, v2) = %s, %v; want v1 %s", got, err, s.v1)
	}
	if got, err := r.MergeBase("main", s.v2); err != nil || got != s.v2 {
		t.Errorf("MergeBase(main, v2) = %s, %v; want v2 %s", got, err, s.v2)
	}
	_, err = r.MergeBase("main", orphan)
	if !errors.Is(err, ErrNoMergeBase) || !strings.Contains(err.Error(), "share no history") {
		t.Errorf("MergeBase(main, orphan): %v, want ErrNoMergeBase saying they share no history", err)
	}
}

func TestHeadOfEmptyRepository(t *testing.T) {
	repo := newTestRepo(t)
	r, err := Open(repo.dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Head(); err == nil || !strings.Contains(err.Error(), "HEAD has no commit yet") {
		t.Errorf("Head() of an empty repository: %v, want a no-commit error", err)
	}
	if shallow, err := r.IsShallow(); err != nil || shallow {
		t.Errorf("IsShallow() = %v, %v; want false", shallow, err)
	}
}

func TestShellQuote(t *testing.T) {
	tests := map[string]string{
		"main":             "main",
		"release/2024-01":  "release/2024-01",
		"HEAD~3":           "HEAD~3",
		"v1 beta":          "'v1 beta'",
		"it's":             `'it'\''s'`,
		"refs/tags/$(rm)":  "'refs/tags/$(rm)'",
		"feature/ünïcode":  "'feature/ünïcode'",
		"main@{yesterday}": "'main@{yesterday}'",
	}
	for in, want := range tests {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
