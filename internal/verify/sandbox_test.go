package verify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
	"github.com/schemagate/schemagate/rules"
)

// Issue 18: verify pointed at a deployed server holding data, roles and a
// live session, with pending migrations that reach for everything on it
// (its database's comment, CONNECT, role and database settings, other
// sessions, a shell on the host, its rows through dblink, an untrusted
// extension, the server's configuration), as the application's role and
// as the superuser. verify reads the server, read-only, and runs the
// migrations in its sandbox as a role without superuser: pg_dumpall of
// the server is the same after every run, its statement log shows only
// reads and none of the migrations' statements, the live session
// survives, and what needs more than owning the database is an error
// finding saying PostgreSQL refused it in the sandbox.
func TestNeverChangesTheDeployedServer(t *testing.T) {
	d := pgtest.StartDeployed(t)
	sandbox(t)
	// A directory the servers' user may write to: were COPY ... PROGRAM
	// to run, its marker would appear.
	markerDir := t.TempDir()
	if err := os.Chmod(markerDir, 0o777); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(markerDir, "pwned")

	create := "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, balance integer NOT NULL);\n"
	query := "SELECT id, email, balance FROM accounts WHERE id = $1;\n"
	type outcome int
	const (
		ranInSandbox outcome = iota // what a database's owner may do: it runs, in the sandbox only
		refused                     // needs more: PostgreSQL refuses it, an error finding
	)
	cases := []struct {
		name    string
		sql     string
		needles []string // in the server's log only if the migration reached it
		want    map[string]outcome
	}{
		{"what the database's owner may do", "COMMENT ON DATABASE appdb IS 'changed by a migration';\n" +
			"REVOKE CONNECT ON DATABASE appdb FROM PUBLIC;\n" +
			"DO $$ BEGIN EXECUTE 'ALTER DATABASE appdb SET work_mem = ''1MB'''; END $$;",
			[]string{"changed by a migration", "REVOKE", "work_mem"},
			map[string]outcome{"app": ranInSandbox, "superuser": ranInSandbox}},
		{"alter role in DO", "DO $$ BEGIN EXECUTE 'ALTER ROLE app SET search_path = nowhere'; EXECUTE 'ALTER ROLE postgres SET search_path = nowhere'; END $$;",
			[]string{"search_path = nowhere"},
			map[string]outcome{"app": refused, "superuser": refused}},
		{"terminate other sessions", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();",
			[]string{"pg_terminate_backend"},
			map[string]outcome{"app": refused, "superuser": refused}},
		{"copy from program in DO", "DO $$ BEGIN EXECUTE 'CREATE TEMP TABLE pwned (line text)'; EXECUTE 'COPY pwned FROM PROGRAM ''touch " + marker + "; echo x'''; END $$;",
			[]string{"PROGRAM", "pwned"},
			map[string]outcome{"app": refused, "superuser": refused}},
		{"dblink to the deployed server", "SELECT dblink_exec('" + d.DBLinkConn() + "', 'UPDATE accounts SET balance = 0');",
			[]string{"balance = 0"},
			map[string]outcome{"app": refused, "superuser": refused}},
		{"untrusted extension", "CREATE EXTENSION postgres_fdw;",
			[]string{"postgres_fdw"},
			map[string]outcome{"app": refused}},
		{"alter system", "ALTER SYSTEM SET log_statement = 'none';",
			[]string{"ALTER SYSTEM"},
			map[string]outcome{"superuser": refused}},
	}
	urls := map[string]string{"app": d.App, "superuser": d.Super}
	baseline := d.Dumpall(t)
	_, offset := d.LogSince(t, 0)
	for _, c := range cases {
		for _, who := range []string{"app", "superuser"} {
			want, ok := c.want[who]
			if !ok {
				continue
			}
			t.Run(c.name+" as "+who, func(t *testing.T) {
				res := verifyTreesOn(t, urls[who], map[string]string{
					"db/migrations/001_create.sql": create, "queries/accounts.sql": query,
				}, map[string]string{
					"db/migrations/001_create.sql": create, "queries/accounts.sql": query,
					"db/migrations/002_hostile.sql": c.sql + "\n",
				})
				var logged string
				logged, offset = d.LogSince(t, offset)

				var failed []string
				for _, f := range res.Findings {
					if f.Rule == rules.VerifyStatementFailed.Name {
						failed = append(failed, fmt.Sprintf("%s %s:%d %s", f.Severity, f.File, f.Span.Start.Line, f.Message))
					}
				}
				switch want {
				case ranInSandbox:
					if len(failed) > 0 || len(res.Statements) != strings.Count(c.sql, ";\n")+1 {
						t.Errorf("statements %d, failures %v; want it run in the sandbox", len(res.Statements), failed)
					}
				case refused:
					if len(failed) != 1 || !strings.HasPrefix(failed[0], "error db/migrations/002_hostile.sql:1 PostgreSQL refused this statement in verify's sandbox, where migrations run as ") {
						t.Errorf("failures %v; want the statement refused, an error", failed)
					}
				}
				if res.Source == "" || !strings.Contains(res.Source, ":xxxxx@") {
					t.Errorf("source %q: want the deployed server, its password redacted", res.Source)
				}
				// Two READ ONLY transactions: verify's catalog read and pg_dump's.
				pgtest.OnlyReads(t, logged, 2, append(c.needles, "002_hostile")...)
				if diff := cmp.Diff(baseline, d.Dumpall(t)); diff != "" {
					t.Errorf("pg_dumpall of the deployed server changed (-before +after):\n%s", diff)
				}
				_, offset = d.LogSince(t, offset)
			})
		}
	}
	d.LiveSessionSurvived(t)
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("COPY ... PROGRAM ran a shell command: %s exists (%v)", marker, err)
	}
}
