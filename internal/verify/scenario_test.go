package verify_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/testutil"
	"github.com/schemagate/schemagate/internal/verify"
	"github.com/schemagate/schemagate/rules"
)

// scenarioInput reads a committed scenario the way check's tests do: the
// tag "previous" against the working tree.
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
			idx, _, _, err := build.Index(tr.FS, build.Options{Exclude: []string{"db/migrations/**", "db/migrate/**", "migrations/**", "prisma/migrations/**", "db/structure.sql"}})
			return idx, err
		},
	}
}

func runScenario(t *testing.T, dir string) *verify.Result {
	t.Helper()
	sb := sandbox(t)
	repo := testutil.CommitScenario(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := verify.RunOn(ctx, sb, verify.Input{Check: scenarioInput(t, repo)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// unconfirmable are check scenarios whose hazard no query of the previous
// release can show on an empty sandbox, with the reason; check's own
// scenario tests hold them.
var unconfirmable = map[string]string{
	"django-narrow-fields":              "a narrowed column rejects only values longer than the new limit, and the previous release's queries carry none",
	"rails-create-table-force-existing": "the table is recreated with every column the model reads: its queries still run, what is lost is the rows",
	"type-change-unknown-old-type":      "the previous release has no schema for the table (that is the case), so the sandbox cannot build it",
}

// Every check scenario reruns through verify: an unsafe one (check has a
// compatibility finding citing the previous release) is confirmed by a
// query of that release that breaks at a place check cites, and a safe
// one shows no broken query and no failing statement.
func TestScenarios(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "check", "*"))
	if err != nil || len(dirs) < 15 {
		t.Fatalf("want the check scenarios, found %d (%v)", len(dirs), err)
	}
	confirmed := 0
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			if why, ok := unconfirmable[name]; ok {
				t.Skip(why)
			}
			res := runScenario(t, dir)
			cited := map[string]bool{}
			for _, f := range res.Static.Findings {
				if f.Category != rules.Compatibility || f.Severity < rules.Warning || f.Rule == rules.AddColumnJSON.Name {
					continue
				}
				for _, e := range f.Evidence {
					if e.Release == res.Previous {
						cited[fmt.Sprintf("%s:%d", e.File, e.Line)] = true
					}
				}
			}
			var broken []string
			confirms := false
			for _, q := range res.Queries {
				if q.Broken {
					place := fmt.Sprintf("%s:%d", q.File, q.Line)
					broken = append(broken, place)
					confirms = confirms || cited[place]
				}
			}
			for _, f := range res.Findings {
				if f.Rule == rules.VerifyStatementFailed.Name {
					t.Errorf("statement failed: %s:%d: %s", f.File, f.Span.Start.Line, f.Message)
				}
			}
			switch {
			case len(cited) > 0 && !confirms:
				t.Errorf("check cites %v, but no query there broke (broken: %v)", cited, broken)
			case len(cited) == 0 && len(broken) > 0:
				t.Errorf("check calls it safe, but queries broke: %v", broken)
			case len(cited) > 0:
				confirmed++
			}
		})
	}
	if confirmed < 10 {
		t.Errorf("only %d unsafe scenarios confirmed", confirmed)
	}
}
