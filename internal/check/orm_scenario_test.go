package check_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/testutil"
)

// Each testdata/check-orm/<library>-<case> is a two-release scenario, as
// in TestScenarios, for the references one ORM or query builder makes:
// a drop or rename of a column the previous release uses through the
// library fails the check (exit 1) with that use as evidence; the staged
// variant (the column ignored or unused a release ahead, the way teams
// stage drops with that library) passes (exit 0), look-alikes included.
func TestORMScenarios(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "check-orm", "*"))
	if err != nil || len(dirs) < 26 {
		t.Fatalf("want at least 26 ORM scenarios, found %d (%v)", len(dirs), err)
	}
	level, err := config.ParseFailOn("error")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			repo := testutil.CommitScenario(t, dir)
			want, messages := readWant(t, filepath.Join(dir, "want.txt"))
			res := runScenario(t, repo, "revision")
			got, gotMessages := summarize(res.Findings)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s\nall findings:\n%s", diff, dump(res.Findings))
			}
			checkMessages(t, messages, gotMessages)
			wantExit := 0
			for _, f := range want {
				if f.Severity == "error" {
					wantExit = 1
				}
			}
			exit := 0
			if lint.FailingFindings(res.Findings, level.Fails) > 0 {
				exit = 1
			}
			if exit != wantExit {
				t.Errorf("check would exit %d, want %d; findings:\n%s", exit, wantExit, dump(res.Findings))
			}
			if len(res.Problems) > 0 {
				t.Errorf("problems: %v", res.Problems)
			}
		})
	}
}
