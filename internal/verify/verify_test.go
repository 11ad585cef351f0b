package verify_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
	"github.com/schemagate/schemagate/internal/testutil"
	"github.com/schemagate/schemagate/internal/verify"
	"github.com/schemagate/schemagate/rules"
)

// verifyTrees commits previous and next (path -> text) as a scenario
// and verifies the working tree against the tag "previous".
func verifyTrees(t *testing.T, previous, next map[string]string) *verify.Result {
	t.Helper()
	return verifyTreesOn(t, "", previous, next)
}

// verifyTreesOn is verifyTrees with the previous schema read from the
// database databaseURL names (none: from the previous release).
func verifyTreesOn(t *testing.T, databaseURL string, previous, next map[string]string) *verify.Result {
	t.Helper()
	scenario := t.TempDir()
	for side, files := range map[string]map[string]string{"previous": previous, "new": next} {
		for p, text := range files {
			full := filepath.Join(scenario, side, p)
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	sb := sandbox(t)
	repo := testutil.CommitScenario(t, scenario)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := verify.RunOn(ctx, sb, verify.Input{Check: scenarioInput(t, repo), DatabaseURL: databaseURL})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// findingLines lists "rule file:line" for each finding.
func findingLines(res *verify.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s %s:%d", f.Rule, f.File, f.Span.Start.Line))
	}
	sort.Strings(out)
	return out
}

func disagreementLines(res *verify.Result) []string {
	var out []string
	for _, d := range res.Disagreements {
		out = append(out, fmt.Sprintf("%s %s:%d", d.Kind, d.File, d.Line))
	}
	return out
}

const eventsTable = "CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL, user_id bigint REFERENCES users (id));\n"

// What static analysis cannot see: a trigger that rejects the running
// release's INSERTs. The INSERT has a foreign key whose rows an empty
// schema lacks; verify runs it with foreign keys off, before and after.
func TestTriggerBreaksInsertsCheckMisses(t *testing.T) {
	prev := map[string]string{
		"db/migrations/001_create.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n" + eventsTable,
		"src/events.ts":                "export const record = (db, kind, user) => db.query(`INSERT INTO events (kind, user_id) VALUES ($1, $2)`, [kind, user]);\n",
	}
	next := map[string]string{
		"db/migrations/001_create.sql": prev["db/migrations/001_create.sql"],
		"db/migrations/002_source.sql": `ALTER TABLE events ADD COLUMN source text;
CREATE FUNCTION require_source() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.source IS NULL THEN RAISE EXCEPTION 'events.source is required'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER events_source BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION require_source();
`,
		"src/events.ts": prev["src/events.ts"],
	}
	res := verifyTrees(t, prev, next)
	want := []string{
		"verify-insert-broken db/migrations/002_source.sql:1",
		"verify-lock db/migrations/002_source.sql:1",
		"verify-lock db/migrations/002_source.sql:7",
	}
	if diff := cmp.Diff(want, findingLines(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, f := range res.Findings {
		if f.Rule == rules.VerifyInsertBroken.Name && !strings.Contains(f.Message, "events.source is required") {
			t.Errorf("message lacks PostgreSQL's error: %s", f.Message)
		}
		if f.Rule == rules.VerifyInsertBroken.Name && f.Hint != "changed by db/migrations/002_source.sql:1, db/migrations/002_source.sql:7: ship this migration after the release that stops using what it changes" {
			t.Errorf("hint: %s", f.Hint)
		}
		// Reported at the statement that breaks it, the query is the
		// evidence, in the previous release.
		if f.Rule == rules.VerifyInsertBroken.Name && (len(f.Evidence) == 0 || f.Evidence[0].File != "src/events.ts" || f.Evidence[0].Line != 1 || f.Evidence[0].Release != res.Previous) {
			t.Errorf("evidence: %+v, want the INSERT at src/events.ts:1 of %s first", f.Evidence, res.Previous)
		}
	}
	if diff := cmp.Diff([]string{"verify-only src/events.ts:1"}, disagreementLines(res)); diff != "" {
		t.Errorf("disagreements (-want +got):\n%s", diff)
	}
	var locks []string
	for _, s := range res.Statements {
		for _, l := range s.Locks {
			locks = append(locks, fmt.Sprintf("%d %s %s", s.Line, l.Mode, l.Relation))
		}
	}
	if diff := cmp.Diff([]string{"1 ACCESS EXCLUSIVE events", "7 SHARE ROW EXCLUSIVE events"}, locks); diff != "" {
		t.Errorf("locks (-want +got):\n%s", diff)
	}
}

// check calls dropping a column a query reads an error; when the same
// migration adds it back, the server shows the query still works, and
// verify says where they disagree.
func TestCheckOnlyDisagreement(t *testing.T) {
	create := "CREATE TABLE users (id bigint PRIMARY KEY, legacy text);\n"
	query := "SELECT id, legacy FROM users;\n"
	res := verifyTrees(t, map[string]string{
		"db/migrations/001_create.sql": create,
		"queries/users.sql":            query,
	}, map[string]string{
		"db/migrations/001_create.sql":  create,
		"db/migrations/002_retype.sql":  "ALTER TABLE users DROP COLUMN legacy;\nALTER TABLE users ADD COLUMN legacy text;\n",
		"queries/users.sql":             query,
		"queries/unrelated_in_new.sql":  "SELECT id FROM users;\n",
		"db/migrations/003_comment.sql": "COMMENT ON TABLE users IS 'people';\n",
	})
	if diff := cmp.Diff([]string{"check-only db/migrations/002_retype.sql:1"}, disagreementLines(res)); diff != "" {
		t.Errorf("disagreements (-want +got):\n%s\n%+v", diff, res.Disagreements)
	}
	for _, q := range res.Queries {
		if q.Broken {
			t.Errorf("query broke: %+v", q)
		}
	}
}

// A new CHECK constraint and NOT NULL column break the INSERT of an ORM
// model (GORM maps name and age); a SELECT that still works stays quiet.
func TestModelInsertAndConstraint(t *testing.T) {
	create := "CREATE TABLE users (id bigserial PRIMARY KEY, name text, age integer);\n"
	model := "package models\n\ntype User struct {\n\tID   uint   `gorm:\"primaryKey\"`\n\tName string `gorm:\"column:name\"`\n\tAge  int\n}\n"
	res := verifyTrees(t, map[string]string{
		"migrations/000001_create.up.sql": create,
		"models/user.go":                  model,
	}, map[string]string{
		"migrations/000001_create.up.sql": create,
		"migrations/000002_check.up.sql":  "ALTER TABLE users ADD CONSTRAINT users_name_long CHECK (length(name) > 3);\n",
		"models/user.go":                  model,
	})
	var got []string
	for _, q := range res.Queries {
		got = append(got, fmt.Sprintf("%s %s before=%s after=%s exec=%s/%s", q.Kind, q.SQL, q.Before, q.After, q.ExecBefore, q.ExecAfter))
	}
	want := []string{
		`model-select SELECT "id", "name", "age" FROM "users" before=ok after=ok exec=/`,
		`model-insert INSERT INTO "users" ("name", "age") VALUES ($1, $2) before=ok after=ok exec=ok/new row for relation "users" violates check constraint "users_name_long"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"verify-insert-broken migrations/000002_check.up.sql:1", "verify-lock migrations/000002_check.up.sql:1"}, findingLines(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// The previous schema from a pg_dump file with psql meta-commands; a
// statement of it that fails is reported at its line, not skipped.
func TestPreviousSchemaFromDump(t *testing.T) {
	dump := `--
-- PostgreSQL database dump
--
\restrict abc123
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.users (
    id bigint NOT NULL,
    email text
);
CREATE INDEX users_email ON public.users USING gist (email);
\unrestrict abc123
`
	res := verifyTrees(t, map[string]string{
		"db/structure.sql":  dump,
		"queries/users.sql": "SELECT email FROM users;\n",
	}, map[string]string{
		"db/structure.sql":            dump,
		"db/migrations/001_drop.sql":  "ALTER TABLE users DROP COLUMN email;\n",
		"queries/users_by_id.sql":     "SELECT id FROM users;\n",
		"db/migrations/000_empty.sql": "SELECT 1;\n",
	})
	if diff := cmp.Diff([]string{
		"verify-lock db/migrations/001_drop.sql:1",
		"verify-query-broken db/migrations/001_drop.sql:1",
		"verify-statement-failed db/structure.sql:11",
	}, findingLines(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, f := range res.Findings {
		if f.Rule == rules.VerifyStatementFailed.Name {
			if f.Severity != rules.Warning || !strings.Contains(f.Message, "building the previous schema") || !strings.Contains(f.Message, "gist") {
				t.Errorf("%s %s", f.Severity, f.Message)
			}
			if res.Files[f.File] == nil {
				t.Errorf("no text of %s for the excerpt", f.File)
			}
		}
	}
}

// Transaction modes: a goose migration runs in one transaction and a
// failure undoes all of it; explicit BEGIN/COMMIT in a plain file makes
// its own transaction, and the locks of the second statement are its
// own, not the first one's.
func TestApplyTransactionModes(t *testing.T) {
	db := pgtest.Database(t)
	mustExec(t, db, "CREATE TABLE users (id bigint PRIMARY KEY, name text); CREATE TABLE orders (id bigint PRIMARY KEY)")
	ctx := context.Background()

	plain := migrations.FromText("db/migrations/002_tx.sql", []byte("BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCREATE INDEX orders_id2 ON orders (id);\nCOMMIT;\n"), migration.FormatSQL)
	goose := migrations.FromText("db/migrations/003_goose.sql", []byte("-- +goose Up\nALTER TABLE users ADD COLUMN b int;\nALTER TABLE users ADD COLUMN a int;\n"), migration.FormatGoose)
	applied, err := verify.Apply(ctx, db, []*migration.Migration{plain, goose}, verify.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range applied.Statements {
		var locks []string
		for _, l := range s.Locks {
			locks = append(locks, l.Mode.String()+" "+l.Relation)
		}
		got = append(got, fmt.Sprintf("%s:%d tx=%v %s err=%s", s.File, s.Line, s.InTransaction, strings.Join(locks, ","), s.Error))
	}
	want := []string{
		"db/migrations/002_tx.sql:1 tx=false  err=",
		"db/migrations/002_tx.sql:2 tx=true ACCESS EXCLUSIVE users err=",
		"db/migrations/002_tx.sql:3 tx=true SHARE orders err=",
		"db/migrations/002_tx.sql:4 tx=true  err=",
		"db/migrations/003_goose.sql:2 tx=true ACCESS EXCLUSIVE users err=",
		`db/migrations/003_goose.sql:3 tx=true  err=column "a" of relation "users" already exists`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	if applied.Failure == nil || applied.Failure.Span.Start.Line != 3 {
		t.Fatalf("failure %+v", applied.Failure)
	}
	var columns string
	conn := connect(t, db)
	if err := conn.QueryRow(ctx, "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attnum > 0").Scan(&columns); err != nil {
		t.Fatal(err)
	}
	if columns != "id,name,a" {
		t.Errorf("columns %s: the failed goose migration was not rolled back as a whole", columns)
	}
}

// A result column that changes type without breaking the query is
// noted, with the types' names.
func TestResultTypeChange(t *testing.T) {
	create := "CREATE TABLE users (id integer PRIMARY KEY, name varchar(20));\n"
	query := "SELECT id, name FROM users WHERE id = $1;\n"
	res := verifyTrees(t, map[string]string{"db/migrations/001_create.sql": create, "queries/users.sql": query},
		map[string]string{"db/migrations/001_create.sql": create, "db/migrations/002_widen.sql": "ALTER TABLE users ALTER COLUMN name TYPE text;\n", "queries/users.sql": query})
	if len(res.Queries) != 1 || res.Queries[0].Broken {
		t.Fatalf("queries %+v", res.Queries)
	}
	if diff := cmp.Diff([]string{"name: character varying -> text"}, res.Queries[0].Changed); diff != "" {
		t.Errorf("changed (-want +got):\n%s", diff)
	}
}
