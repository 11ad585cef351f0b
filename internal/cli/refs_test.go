package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
)

func TestRefsByRevision(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	repo := scenarioRepo(t, "go-raw-rename")
	places := func(rev string) []string {
		code, out, stderr := run(t, repo, "", "refs", "--rev", rev, "--column", "accounts.plan", "--format", "json")
		if code != 0 {
			t.Fatalf("refs --rev %s: exit %d: %s", rev, code, stderr)
		}
		var doc struct {
			Version int
			Release string
			Refs    []refs.Reference
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range doc.Refs {
			got = append(got, r.File+":"+itoa(r.Line)+" "+r.Table+"."+r.Column+" "+string(r.Usage))
		}
		return got
	}
	if diff := cmp.Diff([]string{"internal/store/accounts.go:8 accounts.plan select"}, places("previous")); diff != "" {
		t.Errorf("previous (-want +got):\n%s", diff)
	}
	// The new release renamed the column in its query: nothing uses plan.
	if got := places("HEAD"); len(got) != 0 {
		t.Errorf("HEAD still uses accounts.plan: %v", got)
	}
	// A second run over the same revision comes from the cache.
	_, _, stderr := run(t, repo, "", "refs", "--rev", "previous", "-v")
	if !strings.Contains(stderr, "from the cache") {
		t.Errorf("second run was not cached: %s", stderr)
	}
	_, _, stderr = run(t, repo, "", "refs", "--rev", "previous", "-v", "--no-cache")
	if strings.Contains(stderr, "from the cache") {
		t.Errorf("--no-cache read the cache: %s", stderr)
	}
	code, _, stderr := run(t, repo, "", "refs", "--rev", "no-such-branch")
	if code != ExitError || !strings.Contains(stderr, "git fetch") {
		t.Errorf("missing revision: exit %d, %q", code, stderr)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// refs --column lists the places that name the column (here ActiveRecord
// attribute uses) before the model that loads every column, and the
// record.col uses matched by name only last, with a count.
func TestRefsColumnUsesFirst(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	repo := scenarioRepo(t, "rails-drop-attribute-uses")
	code, out, stderr := run(t, repo, "", "refs", "--rev", "previous", "--column", "imports.raw_csv_str")
	if code != ExitClean {
		t.Fatalf("refs: exit %d: %s", code, stderr)
	}
	var places []string
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, ": imports."); i > 0 && !strings.HasPrefix(line, " ") {
			places = append(places, line[:i])
		}
	}
	want := []string{"app/controllers/imports_controller.rb:3", "app/controllers/imports_controller.rb:7", "app/models/import.rb:3", "app/models/import.rb:1",
		"app/services/import_preview.rb:7", "app/services/import_preview.rb:11", "app/services/import_preview.rb:19",
		"app/views/imports/show.html.erb:2", "app/views/imports/show.html.erb:4"}
	if diff := cmp.Diff(want, places); diff != "" {
		t.Errorf("places (-want +got):\n%s\n%s", diff, out)
	}
	if !strings.Contains(out, "9 references: 3 naming it, 1 through the whole table (model, SELECT *, INSERT), 5 by attribute name on a value whose model is unknown") {
		t.Errorf("no count line in:\n%s", out)
	}
}
