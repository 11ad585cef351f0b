package sqlref

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizePlaceholders(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"jdbc", `SELECT * FROM users WHERE id = ? AND org_id = ?`, `SELECT * FROM users WHERE id = $1 AND org_id = $2`},
		{"jpa positional", `SELECT u FROM users u WHERE id = ?1 OR parent_id = ?1`, `SELECT u FROM users u WHERE id = $1 OR parent_id = $1`},
		{"jdbc escaped jsonb operator", `SELECT * FROM t WHERE data ?? 'k' AND id = ?`, `SELECT * FROM t WHERE data ? 'k' AND id = $1`},
		{"jsonb operators stay", `SELECT * FROM t WHERE data ?| array['a'] AND data ? 'b'`, `SELECT * FROM t WHERE data ?| array['a'] AND data ? 'b'`},
		{"named colon, repeated", `UPDATE users SET name = :name WHERE id = :id OR alias = :name`, `UPDATE users SET name = $1 WHERE id = $2 OR alias = $1`},
		{"casts and slices are not placeholders", `SELECT a::text, b[1:2], c[lo:hi] FROM t WHERE d = :d`, `SELECT a::text, b[1:2], c[lo:hi] FROM t WHERE d = $1`},
		{"go fmt", `SELECT * FROM t WHERE a = %s AND b = %d AND c = %v`, `SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3`},
		{"python pyformat", `INSERT INTO t (a, b) VALUES (%(a)s, %(b)s) ON CONFLICT (a) DO UPDATE SET b = %(b)s`, `INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET b = $2`},
		{"python escaped percent", `SELECT * FROM t WHERE a %% 2 = 0 AND name LIKE %s`, `SELECT * FROM t WHERE a % 2 = 0 AND name LIKE $1`},
		{"modulo stays", `SELECT a % b FROM t`, `SELECT a % b FROM t`},
		{"rails interpolation", `SELECT * FROM users WHERE id = #{user.id} AND org = #{org_ids.map { |i| i }.join(',')}`, `SELECT * FROM users WHERE id = $1 AND org = $2`},
		{"js template", "SELECT * FROM users WHERE id = ${id} AND email = ${ args.email }", `SELECT * FROM users WHERE id = $1 AND email = $2`},
		{"format braces", `SELECT * FROM t WHERE a = {} AND b = {name} AND c = {name}`, `SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $2`},
		{"at names", `SELECT * FROM t WHERE a = @a AND b @> @b AND c <@ d`, `SELECT * FROM t WHERE a = $1 AND b @> $2 AND c <@ d`},
		{"sqlc args", `SELECT * FROM t WHERE a = sqlc.arg(a) AND b = sqlc.narg('b') AND c = ANY(sqlc.slice(cs)) AND d = @a`, `SELECT * FROM t WHERE a = $1 AND b = $2 AND c = ANY($3) AND d = $1`},
		{"existing $n numbers continue", `SELECT * FROM t WHERE a = $2 AND b = ?`, `SELECT * FROM t WHERE a = $2 AND b = $3`},
		{"strings, identifiers and comments untouched", `SELECT ':x', "a?b", E'\'?', $$ :y ? $$, $fn$ ? $fn$ FROM t -- :z ?
/* ? :w */ WHERE a = ?`, `SELECT ':x', "a?b", E'\'?', $$ :y ? $$, $fn$ ? $fn$ FROM t -- :z ?
/* ? :w */ WHERE a = $1`},
		{"no placeholders", `SELECT 1`, `SELECT 1`},
		// Comments and dollar quotes end where PostgreSQL's scanner ends them.
		{"comment ends at a carriage return", "SELECT a FROM t -- c\rWHERE id = ?", "SELECT a FROM t -- c\rWHERE id = $1"},
		{"dollar quote after a parameter", `SELECT $1$$ ? $$ FROM t WHERE a = ?`, `SELECT $1$$ ? $$ FROM t WHERE a = $2`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, m := NormalizePlaceholders(tc.in)
			if got != tc.want {
				t.Errorf("NormalizePlaceholders:\n got %s\nwant %s", got, tc.want)
			}
			// Every replacement maps back onto its original text.
			for _, r := range m {
				if got := m.Original(r.Norm); got != r.Orig {
					t.Errorf("Original(%d) = %d, want %d", r.Norm, got, r.Orig)
				}
				if tc.in[r.Orig:r.OrigEnd] != r.Text {
					t.Errorf("replacement text %q, original has %q", r.Text, tc.in[r.Orig:r.OrigEnd])
				}
			}
		})
	}
}

func TestMappingOriginal(t *testing.T) {
	in := `SELECT a FROM t WHERE b = #{very_long_expression} AND c = :c AND d = 1`
	norm, m := NormalizePlaceholders(in)
	for _, word := range []string{"SELECT", "AND c", "AND d", "1"} {
		n := strings.LastIndex(norm, word)
		o := strings.LastIndex(in, word)
		if got := m.Original(n); got != o {
			t.Errorf("Original(offset of %q) = %d, want %d", word, got, o)
		}
	}
	// Inside a replacement: its start.
	n := strings.Index(norm, "$1") + 1
	if got, want := m.Original(n), strings.Index(in, "#{"); got != want {
		t.Errorf("Original inside $1 = %d, want %d", got, want)
	}
}

func TestResolvePlaceholderStyles(t *testing.T) {
	// Each style resolves, and offsets after the placeholders point into
	// the original text.
	tests := []struct{ name, sql string }{
		{"jdbc", `SELECT name FROM users WHERE id = ? AND org_id = ?`},
		{"rails", `SELECT name FROM users WHERE id = #{params[:id].to_i} AND org_id = #{org.id}`},
		{"python", `SELECT name FROM users WHERE id = %(user_id)s AND org_id = %s`},
		{"go", `SELECT name FROM users WHERE id = %d AND org_id = %v`},
		{"named", `SELECT name FROM users WHERE id = :id AND org_id = :org_id`},
		{"js", "SELECT name FROM users WHERE id = ${req.params.id} AND org_id = ${org}"},
		{"dapper", `SELECT name FROM users WHERE id = @Id AND org_id = @OrgId`},
		{"format", `SELECT name FROM users WHERE id = {} AND org_id = {org_id}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.sql)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			want := []string{"select users.name", "select users", "select users.id", "select users.org_id"}
			if diff := cmp.Diff(want, showAll(got)); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
			checkOffsets(t, tc.sql, got)
			if last := got[len(got)-1]; last.Offset != strings.Index(tc.sql, "org_id") {
				t.Errorf("org_id at %d, want %d", last.Offset, strings.Index(tc.sql, "org_id"))
			}
			if !strings.Contains(got[0].SQL, "$1") || !strings.Contains(got[0].SQL, "$2") {
				t.Errorf("SQL not normalised: %s", got[0].SQL)
			}
		})
	}
}

func TestResolveMultipleStatements(t *testing.T) {
	sql := "SELECT é.id FROM \"é\" é;\n-- next\nUPDATE users SET seen_at = now() WHERE id = ?;\nSELECT 1"
	got, err := Resolve(sql)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Show, At, SQL string
	}
	var rows []row
	for _, r := range got {
		rows = append(rows, row{show(r), sql[r.Offset:min(len(sql), r.Offset+7)], r.SQL})
	}
	first := `SELECT é.id FROM "é" é`
	second := `UPDATE users SET seen_at = now() WHERE id = $1`
	want := []row{
		{"select é.id", "id FROM", first},
		{"select é", `"é" é`, first},
		{"update users", "users S", second},
		{"update users.seen_at", "seen_at", second},
		{"select users.id", "id = ?;", second},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
}

func TestResolveSyntaxError(t *testing.T) {
	sql := "SELECT id FROM users WHERE id = #{id} AND AND name = 'x'"
	_, err := Resolve(sql)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("Resolve error = %v, want a *SyntaxError", err)
	}
	if want := strings.Index(sql, "AND name"); se.Offset != want {
		t.Errorf("error offset %d, want %d (%s)", se.Offset, want, se)
	}
	if !strings.Contains(se.Error(), `syntax error at or near "AND"`) {
		t.Errorf("error message: %s", se)
	}
}

func TestMaybeSQL(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"SELECT id, name FROM users WHERE id = $1", true},
		{"  \n  select * from users", true},
		{"SELECT count(*) FROM orders", true},
		{"SELECT my_function($1)", true},
		{"SELECT 1", true},
		{"(SELECT a FROM x) UNION (SELECT a FROM y)", true},
		{"-- name: GetUser :one\nSELECT * FROM users WHERE id = $1", true},
		{"INSERT INTO users (email) VALUES (?)", true},
		{"insert into audit values (%s, %s)", true},
		{"UPDATE users SET name = :name WHERE id = :id", true},
		{"update public.users u set name = $1", true},
		{"UPDATE #{table} SET x = 1", true},
		{"DELETE FROM sessions WHERE expires_at < now()", true},
		{"WITH x AS (SELECT 1) SELECT * FROM x", true},
		{"WITH RECURSIVE t(n) AS (VALUES (1)) SELECT n FROM t", true},
		{"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", true},
		{"Select From", false},
		{"Select a file to upload", false},
		{"Select a user from the list", false},
		{"Update your profile", false},
		{"Update settings", false},
		{"Delete from favorites", false},
		{"delete", false},
		{"Insert coin", false},
		{"With love, the team", false},
		{"selection", false},
		{"SELECTED", false},
		{"sElEcT id FROM t", false},
		{"Select id From users", true},
		{"", false},
		{"the SELECT statement", false},
	}
	for _, tc := range tests {
		if got := MaybeSQL(tc.s); got != tc.want {
			t.Errorf("MaybeSQL(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
