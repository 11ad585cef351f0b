package verify_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/rules"
)

// A pending migration that fails to apply still leaves the queries that
// the migrations before it broke reported at the statement that broke
// them, with the query as evidence; the failure is reported at the
// failing statement, and the statements its transaction undid are no
// one's culprit.
func TestFailedMigrationKeepsBrokenQueries(t *testing.T) {
	create := "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, nickname text, name text);\n"
	query := "SELECT id, nickname FROM users WHERE id = $1;\n"
	res := verifyTrees(t,
		map[string]string{"db/migrations/001_create.sql": create, "queries/users.sql": query},
		map[string]string{
			"db/migrations/001_create.sql": create,
			"db/migrations/002_drop.sql":   "-- +goose Up\nALTER TABLE users DROP COLUMN nickname;\n",
			"db/migrations/003_fail.sql":   "-- +goose Up\nALTER TABLE users ADD COLUMN b int;\nALTER TABLE missing ADD COLUMN c int;\n",
			"queries/users.sql":            query,
		})
	var got []string
	for _, f := range res.Findings {
		if f.Rule != rules.VerifyQueryBroken.Name && f.Rule != rules.VerifyStatementFailed.Name {
			continue
		}
		var ev []string
		for _, e := range f.Evidence {
			ev = append(ev, fmt.Sprintf("%s:%d", e.File, e.Line))
		}
		got = append(got, fmt.Sprintf("%s %s:%d evidence=%v", f.Rule, f.File, f.Span.Start.Line, ev))
		want := map[string]struct{ message, hint string }{
			rules.VerifyQueryBroken.Name: {
				`^this query of previous prepares on the previous schema and fails after the pending migrations: column "nickname" does not exist`,
				`^changed by db/migrations/002_drop\.sql:2: ship this migration after the release that stops using what it changes$`,
			},
			rules.VerifyStatementFailed.Name: {`relation "missing" does not exist`, ``},
		}[f.Rule]
		if !regexp.MustCompile(want.message).MatchString(f.Message) {
			t.Errorf("%s message %q does not match %q", f.Rule, f.Message, want.message)
		}
		if !regexp.MustCompile(want.hint).MatchString(f.Hint) {
			t.Errorf("%s hint %q does not match %q", f.Rule, f.Hint, want.hint)
		}
	}
	want := []string{
		"verify-query-broken db/migrations/002_drop.sql:2 evidence=[queries/users.sql:1]",
		"verify-statement-failed db/migrations/003_fail.sql:3 evidence=[]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	var undone []string
	for _, s := range res.Statements {
		if s.RolledBack {
			undone = append(undone, fmt.Sprintf("%s:%d", s.File, s.Line))
		}
	}
	if diff := cmp.Diff([]string{"db/migrations/003_fail.sql:2", "db/migrations/003_fail.sql:3"}, undone); diff != "" {
		t.Errorf("rolled back statements (-want +got):\n%s", diff)
	}
}
