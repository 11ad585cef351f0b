package check_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/testutil"
)

// Runs that share a session give the findings of runs that do not: the
// kept schema is copied, never changed by a run's pending migrations.
func TestSessionGivesTheSameFindings(t *testing.T) {
	repoDir := testutil.CommitScenario(t, filepath.Join("..", "..", "testdata", "check", "node-add-not-null"))
	repo, err := gitrev.Open(repoDir)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := repo.FS("previous")
	if err != nil {
		t.Fatal(err)
	}
	defer prev.Close()
	next, err := repo.FS("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	input := func(s *check.Session) check.Input {
		return check.Input{
			Previous: []check.Tree{{Name: "previous", FS: prev}},
			New:      check.Tree{Name: "HEAD", FS: next},
			Session:  s,
			Index: func(tr check.Tree, _ []string) (*refs.Index, error) {
				idx, _, _, err := build.Index(tr.FS, build.Options{Exclude: []string{"migrations/**"}})
				return idx, err
			},
		}
	}
	plain, err := check.Run(input(nil))
	if err != nil {
		t.Fatal(err)
	}
	s := check.NewSession()
	for i := 0; i < 3; i++ {
		res, err := check.Run(input(s))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(plain.Findings, res.Findings, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("run %d with a session (-without +with):\n%s", i, diff)
		}
	}
}
