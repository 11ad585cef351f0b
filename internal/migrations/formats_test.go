package migrations

import (
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"testing"

	"github.com/google/go-cmp/cmp"
	pg "github.com/pganalyze/pg_query_go/v5"
)

func TestGooseProblems(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		up       []string // region texts
		tx       bool
		problems []string
	}{
		{"statements before Up",
			"CREATE TABLE early (id int);\n-- +goose Up\nSELECT 1;\n",
			[]string{"SELECT 1;"}, true,
			[]string{"1:1: SQL before '-- +goose Up': goose refuses this file"}},
		{"duplicate Up",
			"-- +goose Up\nSELECT 1;\n-- +goose Up\nSELECT 2;\n",
			[]string{"SELECT 1;\n-- +goose Up\nSELECT 2;"}, true,
			[]string{"3:1: duplicate '-- +goose Up' annotation: goose refuses this file"}},
		{"Down before Up",
			"-- +goose Down\nDROP TABLE a;\n-- +goose Up\nCREATE TABLE a (id int);\n",
			[]string{"CREATE TABLE a (id int);"}, true,
			[]string{"1:1: '-- +goose Down' before '-- +goose Up': goose refuses this file"}},
		{"StatementEnd without StatementBegin",
			"-- +goose Up\nSELECT 1;\n-- +goose StatementEnd\n",
			[]string{"SELECT 1;\n-- +goose StatementEnd"}, true,
			[]string{"3:1: '-- +goose StatementEnd' without '-- +goose StatementBegin'"}},
		{"StatementBegin never ended",
			"-- +goose Up\n-- +goose StatementBegin\nDO $$ BEGIN PERFORM 1; END $$;\n",
			[]string{"-- +goose StatementBegin\nDO $$ BEGIN PERFORM 1; END $$;"}, true,
			[]string{"2:1: '-- +goose StatementBegin' without '-- +goose StatementEnd': goose refuses this file"}},
		{"unknown and indented annotations, lower case accepted",
			"-- +goose up\n  -- +goose no transaction\n-- +goose Upp\nSELECT 1;\n",
			[]string{"-- +goose no transaction\n-- +goose Upp\nSELECT 1;"}, false,
			[]string{
				"2:1: goose annotations must start at the beginning of the line",
				"3:1: unknown goose annotation '-- +goose Upp'",
			}},
		{"last statement without semicolon",
			"-- +goose Up\nALTER TABLE a ADD COLUMN b int\n\n-- +goose Down\nALTER TABLE a DROP COLUMN b;\n",
			[]string{"ALTER TABLE a ADD COLUMN b int"}, true,
			[]string{"2:1: statement does not end with ';' at the end of a line, so goose does not run it"}},
		{"semicolon followed by a comment still ends the statement",
			"-- +goose Up\nALTER TABLE a ADD COLUMN b int; -- nullable for now\nSELECT 1; SELECT 2;\n",
			[]string{"ALTER TABLE a ADD COLUMN b int; -- nullable for now\nSELECT 1; SELECT 2;"}, true, nil},
		{"semicolon inside a multi-line string",
			"-- +goose Up\nCOMMENT ON TABLE a IS 'first line;\nsecond line';\n",
			[]string{"COMMENT ON TABLE a IS 'first line;\nsecond line';"}, true,
			[]string{"2:1: " + splitAdvice}},
		{"empty statements and a SQL-standard function body",
			"-- +goose Up\nSELECT 1;;\n-- +goose StatementBegin\nCREATE FUNCTION one() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;\n-- +goose StatementEnd\n",
			[]string{"SELECT 1;;\n-- +goose StatementBegin\nCREATE FUNCTION one() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;\n-- +goose StatementEnd"}, true, nil},
		{"a SQL-standard function body without StatementBegin",
			"-- +goose Up\nCREATE FUNCTION one() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;\n",
			[]string{"CREATE FUNCTION one() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;"}, true,
			[]string{"4:1: " + splitAdvice}},
		{"envsub annotations are known",
			"-- +goose Up\n-- +goose ENVSUB ON\nCREATE ROLE app;\n-- +goose ENVSUB OFF\n",
			[]string{"-- +goose ENVSUB ON\nCREATE ROLE app;\n-- +goose ENVSUB OFF"}, true, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := FromText("00001_x.sql", []byte(tc.text), migration.FormatGoose)
			got := summarize(m)
			if diff := cmp.Diff(tc.up, got.Regions); diff != "" {
				t.Errorf("regions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.problems, got.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if m.Transactional != tc.tx {
				t.Errorf("transactional = %v", m.Transactional)
			}
		})
	}
}

func TestDbmateProblems(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		up       []string
		tx       bool
		problems []string
	}{
		{"no up block", "CREATE TABLE a (id int);\n", nil, true,
			[]string{"1:1: no '-- migrate:up' line: dbmate refuses this file"}},
		{"down before up", "-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a (id int);\n",
			[]string{"CREATE TABLE a (id int);"}, true,
			[]string{"1:1: '-- migrate:down' before '-- migrate:up': dbmate refuses this file"}},
		{"bad transaction option", "-- migrate:up transaction:no\nSELECT 1;\n-- migrate:down\n",
			[]string{"SELECT 1;"}, true,
			[]string{"1:1: transaction:no is not true or false: dbmate runs the block in a transaction"}},
		{"no space after dashes, several options", "--migrate:up foo:bar transaction:false\nVACUUM a;\n--migrate:down\n",
			[]string{"VACUUM a;"}, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := FromText("20240101000000_x.sql", []byte(tc.text), migration.FormatDbmate)
			got := summarize(m)
			if diff := cmp.Diff(tc.up, got.Regions); diff != "" {
				t.Errorf("regions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.problems, got.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if m.Transactional != tc.tx {
				t.Errorf("transactional = %v", m.Transactional)
			}
		})
	}
}

func TestSqitchPlan(t *testing.T) {
	plan := `%syntax-version=1.0.0
%project=shop
# comment line

+schema 2024-01-01T00:00:00Z Ann <ann@example.com> # legacy + operator
-dropped 2024-01-01T00:00:00Z Ann <ann@example.com> # legacy revert entry
orders[schema] 2024-01-02T00:00:00Z Ann <ann@example.com> # deps glued to the name
@v1 2024-01-03T00:00:00Z Ann <ann@example.com> # tag
@v1.1 2024-01-03T00:00:00Z Ann <ann@example.com> # second tag
orders [orders@v1] 2024-01-04T00:00:00Z Ann <ann@example.com> # reworked
orders [orders@v1.1] 2024-01-05T00:00:00Z Ann <ann@example.com> # reworked again, no tag between
`
	type change struct {
		Name, Rework string
		Line         int
		Probs        []string
	}
	var got []change
	for _, c := range parseSqitchPlan([]byte(plan)) {
		got = append(got, change{c.name, c.rework, c.line.start, c.probs})
	}
	lines := splitLines([]byte(plan))
	lineStart := func(n int) int { return lines[n-1].start }
	want := []change{
		{Name: "schema", Line: lineStart(5)},
		{Name: "orders", Rework: "v1", Line: lineStart(7)},
		{Name: "orders", Line: lineStart(10)},
		{Name: "orders", Line: lineStart(11), Probs: []string{`change "orders" appears twice with no tag between: sqitch rejects the plan`}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestCannotRunInTransaction(t *testing.T) {
	cases := []struct {
		sql  string
		want bool
	}{
		{"CREATE INDEX CONCURRENTLY i ON t (a)", true},
		{"CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)", true},
		{"CREATE INDEX i ON t (a)", false},
		{"DROP INDEX CONCURRENTLY i", true},
		{"DROP INDEX i", false},
		{"REINDEX INDEX CONCURRENTLY i", true},
		{"REINDEX (CONCURRENTLY) TABLE t", true},
		{"REINDEX TABLE t", false},
		{"REINDEX SCHEMA public", true},
		{"VACUUM t", true},
		{"VACUUM (ANALYZE) t", true},
		{"ANALYZE t", false},
		{"DISCARD ALL", true},
		{"DISCARD PLANS", false},
		{"CREATE DATABASE d", true},
		{"DROP DATABASE d", true},
		{"ALTER SYSTEM SET work_mem = '64MB'", true},
		{"CREATE SUBSCRIPTION s CONNECTION 'dbname=x' PUBLICATION p", true},
		{"ALTER TYPE mood ADD VALUE 'meh'", false},
		{"ALTER TABLE t ADD COLUMN b int", false},
	}
	for _, tc := range cases {
		tree, err := pg.Parse(tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		if got := cannotRunInTransaction(tree.Stmts[0].Stmt); got != tc.want {
			t.Errorf("cannotRunInTransaction(%s) = %v, want %v", tc.sql, got, tc.want)
		}
	}
}

func TestVersionOrder(t *testing.T) {
	dotted := []struct {
		a, b string
		want int
	}{
		{"1", "1.0", 0},
		{"1.01", "1.1", 0},
		{"1.2", "1.10", -1},
		{"2", "1.9.9", 1},
		{"2024.01.15", "2024.1.9", 1},
	}
	for _, tc := range dotted {
		if got := migration.CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("migration.CompareVersions(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	numbers := []struct {
		a, b string
		want int
	}{
		{"9", "10", -1},
		{"0010", "10", 0},
		{"20240101000000", "99999999999999999999999", -1}, // beyond 64 bits
	}
	for _, tc := range numbers {
		if got := migration.CompareNumbers(tc.a, tc.b); got != tc.want {
			t.Errorf("migration.CompareNumbers(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// Flyway: whether the tool wraps the script, decided by its statements
// or its .conf file.
func TestFlywayTransaction(t *testing.T) {
	cases := []struct {
		name, text, conf string
		tx               bool
		problems         int
	}{
		{"plain DDL", "ALTER TABLE a ADD COLUMN b int;", "", true, 0},
		{"only non-transactional statements", "CREATE INDEX CONCURRENTLY i ON a (b);\nVACUUM a;", "", false, 0},
		{"mixed", "ALTER TABLE a ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY i ON a (b);", "", false, 1},
		{"conf forces a transaction", "CREATE INDEX CONCURRENTLY i ON a (b);", "executeInTransaction = true\n", true, 0},
		{"conf turns it off", "ALTER TABLE a ADD COLUMN b int;", "# why\nencoding=UTF-8\nexecuteInTransaction=false", false, 0},
	}
	for _, tc := range cases {
		m := flywayMigration("V1__x.sql", []byte(tc.text), flywayVersioned, "1", "x", []byte(tc.conf))
		if m.Transactional != tc.tx || len(m.Problems) != tc.problems {
			t.Errorf("%s: transactional %v, problems %v", tc.name, m.Transactional, summarize(m).Problems)
		}
	}
}

func TestFlywayDuplicates(t *testing.T) {
	fsys := mapFSOf(map[string]string{
		"db/V1__a.sql":      "SELECT 1;",
		"db/V1.0__b.sql":    "SELECT 2;",
		"db/R__views.sql":   "SELECT 3;",
		"db/x/R__views.sql": "SELECT 4;",
	})
	set, err := Discover(fsys, "db", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, m := range set.Migrations {
		got = append(got, summarize(m).Problems)
	}
	want := [][]string{
		{"1:1: version 1.0 is also used by db/V1__a.sql: Flyway refuses duplicate versions"},
		{"1:1: version 1 is also used by db/V1.0__b.sql: Flyway refuses duplicate versions"},
		{`1:1: repeatable migration "views" is also db/x/R__views.sql: Flyway refuses duplicate descriptions`},
		{`1:1: repeatable migration "views" is also db/R__views.sql: Flyway refuses duplicate descriptions`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestSqitchEdgeCases(t *testing.T) {
	fsys := mapFSOf(map[string]string{
		"proj/sqitch.plan":       "%project=p\n\nschema 2024-01-01T00:00:00Z A <a@example.com>\nblob 2024-01-02T00:00:00Z A <a@example.com>\nschema 2024-01-03T00:00:00Z A <a@example.com>\n",
		"proj/deploy/schema.sql": "BEGIN;\nCREATE SCHEMA s;\nCOMMIT;\n",
		"proj/deploy/blob.sql":   "\x00\x01",
		"plain/001_a.sql":        "SELECT 1;",
	})
	set, err := Discover(fsys, "proj", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []summary{
		{Path: "proj/deploy/schema.sql", Version: "schema", Name: "schema", Order: 0,
			Regions: []string{"BEGIN;\nCREATE SCHEMA s;\nCOMMIT;"}},
		{Path: "proj/deploy/schema.sql", Version: "schema", Name: "schema", Order: 1,
			Regions:  []string{"BEGIN;\nCREATE SCHEMA s;\nCOMMIT;"},
			Problems: []string{`1:1: change "schema" appears twice with no tag between: sqitch rejects the plan (proj/sqitch.plan line 5)`}},
	}
	if diff := cmp.Diff(want, summarizeAll(set.Migrations)); diff != "" {
		t.Errorf("migrations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]migration.Skipped{{Path: "proj/deploy/blob.sql", Reason: "binary file"}}, set.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}

	// Forcing sqitch where there is no plan says so instead of failing.
	set, err = Discover(fsys, "plain", migration.Options{Format: migration.FormatSqitch})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]migration.Skipped{{Path: "plain", Reason: "no sqitch.plan in this directory or its parent"}}, set.Skipped); diff != "" || len(set.Migrations) != 0 {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}
