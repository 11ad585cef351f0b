package check_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/testutil"
	"github.com/schemagate/schemagate/rules"
)

// A bulk reformat of released migrations is one note, not a finding per
// file: the scenario's want.txt says there is no finding, this says the
// note is there.
func TestEquivalentEditsAreOneNote(t *testing.T) {
	for _, name := range []string{"sql-migration-reformatted", "django-migration-reformatted", "django-runpython-reformatted", "alembic-sqlalchemy2-port", "rails-data-step-reformatted",
		"django-runpython-chunk-size", "django-conditional-fields", "alembic-lambda-columns", "alembic-checkfirst", "rails-where-missing"} {
		repo := testutil.CommitScenario(t, filepath.Join("..", "..", "testdata", "check", name))
		res := runScenario(t, repo, "revision")
		var notes []string
		for _, n := range res.Notes {
			if strings.Contains(n, "released migration(s) edited without changing what they do") {
				notes = append(notes, n)
			}
		}
		if len(notes) != 1 || !strings.HasPrefix(notes[0], "1 released migration(s)") {
			t.Errorf("%s: want one note about one equivalent edit, got %q (all notes: %q)", name, notes, res.Notes)
		}
	}
}

// create_table force: on a table the deployed schema lacks is a plain
// create: no finding at all, operational ones included (the scenario
// test only compares compatibility findings).
func TestCreateTableForceOnNewTableIsQuiet(t *testing.T) {
	repo := testutil.CommitScenario(t, filepath.Join("..", "..", "testdata", "check", "rails-create-table-force"))
	res := runScenario(t, repo, "revision")
	var got []string
	for _, f := range res.Findings {
		if f.Severity >= rules.Warning {
			got = append(got, f.Rule+": "+f.Message)
		}
	}
	if len(got) > 0 {
		t.Errorf("want no error or warning, got:\n%s", strings.Join(got, "\n"))
	}
}
