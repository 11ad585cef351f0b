package check_test

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/testutil"
)

// Input.Applied (--pending-from) decides the pending set instead of the
// previous release's files: pending are the migrations it says have not
// run, and its error stops the run.
func TestAppliedDecidesPending(t *testing.T) {
	repo := testutil.CommitScenario(t, filepath.Join("..", "..", "testdata", "check", "gorm-drop-column"))
	cases := []struct {
		name    string
		ran     []bool
		pending []string
		rules   []string
	}{
		{"as the files say", []bool{true, false}, []string{"000002_drop_age.up.sql"}, []string{"drop-column"}},
		{"nothing pending", []bool{true, true}, nil, nil},
		// The table is created by the pending set itself: no running
		// release can use a column the database never had.
		{"the database is behind the previous release", []bool{false, false}, []string{"000001_create_users.up.sql", "000002_drop_age.up.sql"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := scenarioInput(t, repo)
			var seen []string
			in.Applied = func(ms []*migration.Migration) ([]bool, error) {
				for _, m := range ms {
					seen = append(seen, path.Base(m.Path))
				}
				return c.ran, nil
			}
			res, err := runInput(in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"000001_create_users.up.sql", "000002_drop_age.up.sql"}, seen); diff != "" {
				t.Errorf("Applied saw (-want +got):\n%s", diff)
			}
			var pending []string
			for _, m := range res.Pending {
				pending = append(pending, path.Base(m.Path))
			}
			if diff := cmp.Diff(c.pending, pending); diff != "" {
				t.Errorf("pending (-want +got):\n%s", diff)
			}
			var compat []string
			for _, f := range res.Findings {
				if f.Rule == "drop-column" {
					compat = append(compat, f.Rule)
				}
			}
			if diff := cmp.Diff(c.rules, compat); diff != "" {
				t.Errorf("drop-column findings (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("error", func(t *testing.T) {
		in := scenarioInput(t, repo)
		dirty := errors.New("migration 2 is marked dirty in schema_migrations")
		in.Applied = func([]*migration.Migration) ([]bool, error) { return nil, dirty }
		if _, err := runInput(in); !errors.Is(err, dirty) {
			t.Errorf("err = %v", err)
		}
	})
}

// scenarioInput reads a committed scenario: the tag "previous" against
// the working tree.
func scenarioInput(t *testing.T, repoDir string) check.Input {
	t.Helper()
	repo, err := gitrev.Open(repoDir)
	if err != nil {
		t.Fatal(err)
	}
	prevFS, err := repo.FS("previous")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { prevFS.Close() })
	return check.Input{
		Previous: []check.Tree{{Name: "previous", FS: prevFS}},
		New:      check.Tree{Name: "working tree", FS: os.DirFS(repoDir)},
		Index: func(tr check.Tree, _ []string) (*refs.Index, error) {
			idx, _, _, err := build.Index(tr.FS, build.Options{Exclude: []string{"migrations/**"}})
			return idx, err
		},
	}
}

func runInput(in check.Input) (*check.Result, error) { return check.Run(in) }
