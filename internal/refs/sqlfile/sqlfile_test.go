package sqlfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
)

func line(r refs.Reference) string {
	name := r.Table
	if r.Column != "" {
		name += "." + r.Column
	}
	if r.Usage == refs.Wildcard {
		name += ".*"
	}
	return fmt.Sprintf("%d:%d %s %s | %s", r.Line, r.Col, r.Usage, name, r.Snippet)
}

func TestExtractSqlcFile(t *testing.T) {
	const path = "../../../testdata/refs/sqlc/queries.sql"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ex Extractor
	if !ex.Match("db/queries/users.SQL") || ex.Match("users.go") {
		t.Error("Match")
	}
	got, err := ex.Extract("queries.sql", src)
	if err == nil || !strings.HasPrefix(err.Error(), "queries.sql:21:18: syntax error at or near \"WHERE\"") {
		t.Errorf("error = %v, want the broken UPDATE at 21:18", err)
	}
	var lines []string
	for _, r := range got {
		lines = append(lines, line(r))
		if r.File != "queries.sql" || r.Source != refs.SQLFile || r.SQL == "" {
			t.Errorf("reference not filled in: %+v", r)
		}
	}
	want := []string{
		"4:8 select users.id | GetUser: SELECT id, email, display_name",
		"4:12 select users.email | GetUser: SELECT id, email, display_name",
		"4:19 select users.display_name | GetUser: SELECT id, email, display_name",
		"5:6 select users | GetUser: FROM users",
		"6:7 select users.id | GetUser: WHERE id = $1 LIMIT 1;",
		"9:19 wildcard users.* | ListTeamMembers: SELECT sqlc.embed(u), m.role",
		"9:25 select team_members.role | ListTeamMembers: SELECT sqlc.embed(u), m.role",
		"10:6 select team_members | ListTeamMembers: FROM team_members m",
		"11:6 select users | ListTeamMembers: JOIN users u ON u.id = m.user_id",
		"11:19 select users.id | ListTeamMembers: JOIN users u ON u.id = m.user_id",
		"11:26 select team_members.user_id | ListTeamMembers: JOIN users u ON u.id = m.user_id",
		"12:9 select team_members.team_id | ListTeamMembers: WHERE m.team_id = @team_id",
		"13:12 select users.display_name | ListTeamMembers: ORDER BY u.display_name;",
		"16:13 insert users | CreateUser: INSERT INTO users (email, display_name)",
		"16:20 insert users.email | CreateUser: INSERT INTO users (email, display_name)",
		"16:27 insert users.display_name | CreateUser: INSERT INTO users (email, display_name)",
		"18:11 wildcard users.* | CreateUser: RETURNING *;",
		"24:13 delete sessions | DeleteStaleSessions: DELETE FROM sessions s",
		"25:7 select users | DeleteStaleSessions: USING users u",
		"26:9 select sessions.user_id | DeleteStaleSessions: WHERE s.user_id = u.id AND u.deactivated_at < now() - interval '30 days';",
		"26:21 select users.id | DeleteStaleSessions: WHERE s.user_id = u.id AND u.deactivated_at < now() - interval '30 days';",
		"26:30 select users.deactivated_at | DeleteStaleSessions: WHERE s.user_id = u.id AND u.deactivated_at < now() - interval '30 days';",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	// The statement text is kept, normalised, for verify to prepare.
	for _, r := range got {
		if r.Table == "team_members" && !strings.Contains(r.SQL, "m.team_id = $1") {
			t.Errorf("SQL of ListTeamMembers: %s", r.SQL)
			break
		}
	}
}

func TestExtractPlainFile(t *testing.T) {
	// A query file with psql-style variables and a long line, no sqlc names.
	long := "SELECT " + strings.Repeat("a, ", 70) + "b FROM wide_table"
	src := "-- report\nSELECT count(*) FROM orders WHERE created_at > :since;\n" + long + ";\n"
	got, err := Extractor{}.Extract("reports/daily.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range got[:3] {
		lines = append(lines, line(r))
	}
	want := []string{
		"2:22 select orders | SELECT count(*) FROM orders WHERE created_at > :since;",
		"2:35 select orders.created_at | SELECT count(*) FROM orders WHERE created_at > :since;",
		"3:8 select wide_table.a | " + long[:159] + "…",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
}

func TestExtractNothingParses(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "notes.sql")
	_, err := Extractor{}.Extract(p, []byte("this is not SQL;\nnor is this;"))
	if err == nil || !strings.Contains(err.Error(), p+":1:1: syntax error") || !strings.Contains(err.Error(), "and 1 more") {
		t.Errorf("error = %v", err)
	}
}
