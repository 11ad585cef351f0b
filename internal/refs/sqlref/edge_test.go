package sqlref

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolveEdges(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want []string
	}{
		{
			name: "unqualified column in a subquery resolves to the inner table first",
			sql:  `SELECT id FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 10)`,
			want: []string{
				"select users.id", "select users", "select users.id",
				"select orders.user_id", "select orders", "select orders.total",
			},
		},
		{
			name: "an aliased join hides its sides",
			sql:  `SELECT j.name FROM (users u JOIN teams t ON t.id = u.team_id) AS j`,
			want: []string{
				"select teams.name ~ambiguous", "select users.name ~ambiguous",
				"select users", "select teams", "select teams.id", "select users.team_id",
			},
		},
		{
			name: "CTE column list over a star drops the unknown mapping",
			sql:  `WITH x(a, b) AS (SELECT * FROM pairs) SELECT a FROM x`,
			want: []string{"wildcard pairs.*", "select pairs"},
		},
		{
			name: "VALUES in FROM has no table",
			sql:  `SELECT v.code, c.name FROM (VALUES ('a', 1), ('b', 2)) AS v(code, n) JOIN countries c ON c.code = v.code`,
			want: []string{"select countries.name", "select countries", "select countries.code"},
		},
		{
			name: "window and case expressions",
			sql: `SELECT id, row_number() OVER (PARTITION BY team_id ORDER BY score DESC) AS rank,
			        CASE WHEN score > 10 THEN 'high' ELSE 'low' END AS band
			      FROM players WINDOW w AS (PARTITION BY league_id)`,
			want: []string{
				"select players.id", "select players.team_id", "select players.score",
				"select players.score", "select players", "select players.league_id",
			},
		},
		{
			name: "insert returning star and on conflict do nothing",
			sql:  `INSERT INTO tags (name) VALUES ($1) ON CONFLICT ON CONSTRAINT tags_name_key DO NOTHING RETURNING *`,
			want: []string{"insert tags[name]", "insert tags.name", "wildcard tags.*"},
		},
		{
			name: "copy",
			sql:  `COPY users (id, email) TO STDOUT; COPY events FROM STDIN`,
			want: []string{"select users", "select users.id", "select users.email", "insert events"},
		},
		{
			name: "explain and prepare wrap queries",
			sql:  `EXPLAIN SELECT a FROM t; PREPARE q AS DELETE FROM t WHERE b = $1`,
			want: []string{"select t.a", "select t", "delete t", "select t.b"},
		},
		{
			name: "in list with a row comparison and any",
			sql:  `SELECT 1 FROM memberships m WHERE (m.user_id, m.group_id) IN (SELECT user_id, group_id FROM invites) AND m.role = ANY($1)`,
			want: []string{
				"select memberships", "select memberships.user_id", "select memberships.group_id",
				"select invites.user_id", "select invites.group_id", "select invites", "select memberships.role",
			},
		},
		{
			name: "function in FROM with a column definition list",
			sql:  `SELECT r.id, r.name FROM json_to_recordset($1) AS r(id int, name text) JOIN users u ON u.id = r.id`,
			want: []string{"select users", "select users.id"},
		},
		{
			name: "application function in FROM",
			sql:  `SELECT * FROM search_users($1) s`,
			want: []string{"other search_users()"},
		},
		{
			name: "call",
			sql:  `CALL refresh_stats(42)`,
			want: []string{"other refresh_stats()"},
		},
		{
			name: "lateral function reads earlier items",
			sql:  `SELECT e.value FROM settings s, jsonb_each(s.data) e`,
			want: []string{"select settings", "select settings.data"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.sql)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if diff := cmp.Diff(tc.want, showAll(got)); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
			checkOffsets(t, tc.sql, got)
		})
	}
}
