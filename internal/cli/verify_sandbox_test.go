package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// Issue 18, through the command line (internal/verify runs every hostile
// statement of the issue the same way): verify --database-url with the
// superuser's URL of a deployed server holding data, roles and a live
// session, and a pending migration that runs a shell command there
// through COPY ... PROGRAM in a DO block, then one with what a database's
// owner may do. The first exits 1 with the statement refused in the
// sandbox, the second 0; the server's pg_dumpall is the same, its log
// shows only reads, the live session survives, no password is printed,
// and no sandbox is left.
func TestVerifyNeverChangesTheDeployedServer(t *testing.T) {
	if _, err := pgdb.FindBinaries(); err != nil {
		pgtest.Unavailable(t, err)
	}
	d := pgtest.StartDeployed(t)
	tmp := privateTempDir(t)
	markerDir := t.TempDir()
	if err := os.Chmod(markerDir, 0o777); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(markerDir, "pwned")

	create := "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, balance integer NOT NULL);\n"
	query := "SELECT id, email, balance FROM accounts WHERE id = $1;\n"
	cases := []struct {
		name, url, sql string
		code           int
		want           string // in the output
		needles        []string
	}{
		{"shell through COPY ... PROGRAM as the superuser", d.Super,
			"DO $$ BEGIN EXECUTE 'CREATE TEMP TABLE pwned (line text)'; EXECUTE 'COPY pwned FROM PROGRAM ''touch " + marker + "; echo x'''; END $$;",
			ExitFindings, "db/migrations/002_hostile.sql:1:1: error[verify-statement-failed] PostgreSQL refused this statement in verify's sandbox, where migrations run as postgres, which owns the database but has no superuser, CREATEROLE or CREATEDB: must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program",
			[]string{"PROGRAM", "pwned"}},
		{"what the database's owner may do as the application", d.App,
			"COMMENT ON DATABASE appdb IS 'changed by a migration';\nREVOKE CONNECT ON DATABASE appdb FROM PUBLIC;",
			ExitClean, "2 statement(s) applied",
			[]string{"changed by a migration", "REVOKE"}},
	}
	baseline := d.Dumpall(t)
	_, offset := d.LogSince(t, 0)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			repo := writeRepo(t, map[string]string{
				"db/migrations/001_create.sql": create, "queries/accounts.sql": query,
			}, map[string]string{
				"db/migrations/001_create.sql": create, "queries/accounts.sql": query,
				"db/migrations/002_hostile.sql": c.sql + "\n",
			})
			code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--color", "never", "--database-url", c.url)
			var logged string
			logged, offset = d.LogSince(t, offset)
			if code != c.code || !strings.Contains(out, c.want) {
				t.Errorf("exit %d, want %d and %q in the output; stderr %s\n%s", code, c.code, c.want, stderr, out)
			}
			pgtest.OnlyReads(t, logged, 2, append(c.needles, "002_hostile")...)
			if diff := cmp.Diff(baseline, d.Dumpall(t)); diff != "" {
				t.Errorf("pg_dumpall of the deployed server changed (-before +after):\n%s", diff)
			}
			_, offset = d.LogSince(t, offset)
			for _, pw := range []string{pgtest.DeployedSuperPassword, pgtest.DeployedAppPassword} {
				if strings.Contains(out+stderr, pw) {
					t.Errorf("the output shows a password:\n%s%s", out, stderr)
				}
			}
		})
	}
	d.LiveSessionSurvived(t)
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("COPY ... PROGRAM ran a shell command: %s exists (%v)", marker, err)
	}
	if left := sandboxesLeft(t, tmp); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
