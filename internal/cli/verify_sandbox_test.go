package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// deployedServer is a server of the test's own standing in for a
// production one: passwords required, every statement logged, an
// application database with rows, an application role, a role its
// tables are granted to, dblink installed, and a session of the
// application that stays connected.
type deployedServer struct {
	cluster *pgdb.Cluster
	super   string // superuser URL to appdb
	app     string // application role URL to appdb
	live    *liveSession
}

const (
	deployedSuperPassword = "Sup3r-Pw-Never-Printed"
	deployedAppPassword   = "App-Pw-Never-Printed"
)

type liveSession struct {
	pid  uint32
	conn interface {
		Close(context.Context) error
	}
	check func() (uint32, error)
}

func startDeployedServer(t *testing.T) *deployedServer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgdb.StartCluster(ctx, pgdb.ClusterOptions{
		Password: deployedSuperPassword,
		Settings: map[string]string{"log_statement": "all", "log_line_prefix": "%m [%p] %u@%d: "},
	})
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	d := &deployedServer{cluster: c, super: c.URL("appdb")}
	u, _ := url.Parse(c.URL("appdb"))
	u.User = url.UserPassword("app", deployedAppPassword)
	d.app = u.String()
	execSQL(t, c.URL("postgres"),
		"CREATE ROLE app LOGIN PASSWORD '"+deployedAppPassword+"'",
		"CREATE ROLE readonly NOLOGIN",
		"CREATE DATABASE appdb OWNER app")
	execSQL(t, d.super, "CREATE EXTENSION dblink")
	execSQL(t, d.app,
		"CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, balance integer NOT NULL)",
		"INSERT INTO accounts VALUES (1, 'ada@example.com', 100), (2, 'bob@example.com', 250)",
		"GRANT SELECT ON accounts TO readonly")
	live, err := pgdb.Connect(ctx, d.app)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Close(context.Background()) })
	check := func() (uint32, error) {
		var pid uint32
		err := live.QueryRow(context.Background(), "SELECT pg_backend_pid()").Scan(&pid)
		return pid, err
	}
	pid, err := check()
	if err != nil {
		t.Fatal(err)
	}
	d.live = &liveSession{pid: pid, conn: live, check: check}
	return d
}

// dumpall is pg_dumpall of the whole server: roles, databases, their
// settings, comments and privileges, and every row.
func (d *deployedServer) dumpall(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(d.cluster.BinDir, "pg_dumpall"), "--host", d.cluster.SocketDir,
		"--port", fmt.Sprint(d.cluster.Port), "--username", d.cluster.User)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+deployedSuperPassword)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("pg_dumpall: %v: %s", err, errOut.String())
	}
	// \restrict and \unrestrict carry a key pg_dumpall draws anew each run.
	return regexp.MustCompile(`(?m)^\\(un)?restrict .*$`).ReplaceAllString(out.String(), "")
}

// logSince is what the server logged after offset bytes, and the new
// offset.
func (d *deployedServer) logSince(t *testing.T, offset int) (string, int) {
	t.Helper()
	b, err := os.ReadFile(d.cluster.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b[offset:]), len(b)
}

// loggedStatement matches a statement line of log_statement = all, in
// the simple or the extended protocol.
var loggedStatement = regexp.MustCompile(`(?m)(?:statement|execute [^:]*): (.*)$`)

// readStatement: what a read-only reader may send (pg_dump prepares
// its catalog queries and executes them).
var readStatement = regexp.MustCompile(`(?i)^\s*(SELECT|SET |SHOW|BEGIN|COMMIT|ROLLBACK|LOCK TABLE .* IN ACCESS SHARE MODE|COPY .* TO stdout|PREPARE \w+(\([^)]*\))? AS$|EXECUTE \w+(\(.*\))?$|DEALLOCATE)`)

// Issue 18: verify pointed at a deployed server holding data, roles and a
// live session, with pending migrations that reach for everything on it
// (its database's comment, CONNECT, role and database settings, other
// sessions, a shell on the host, the rows through dblink). verify reads
// the server, read-only, and runs the migrations in its sandbox, as a
// role without superuser: the server's pg_dumpall is the same after,
// its statement log shows only reads and none of the migrations'
// statements, the live session survives, and what needs more than owning
// the database is a finding saying PostgreSQL refused it.
func TestVerifyNeverChangesTheDeployedServer(t *testing.T) {
	if _, err := pgdb.FindBinaries(); err != nil {
		pgtest.Unavailable(t, err)
	}
	d := startDeployedServer(t)
	tmp := privateTempDir(t)
	// A directory the server's user may write to: were COPY ... PROGRAM
	// to run, its marker would appear.
	markerDir := t.TempDir()
	if err := os.Chmod(markerDir, 0o777); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(markerDir, "pwned")
	dblinkConn := fmt.Sprintf("host=%s port=%d dbname=appdb user=postgres password=%s", d.cluster.SocketDir, d.cluster.Port, deployedSuperPassword)

	create := "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, balance integer NOT NULL);\n"
	query := "SELECT id, email, balance FROM accounts WHERE id = $1;\n"
	type outcome int
	const (
		ranInSandbox outcome = iota // what a database's owner may do: it runs, in the sandbox only
		refused                     // needs more: PostgreSQL refuses it, a finding
	)
	cases := []struct {
		name   string
		sql    string
		needle string // in the server log only if the migration reached it
		want   map[string]outcome
	}{
		{"what the database's owner may do", "COMMENT ON DATABASE appdb IS 'changed by a migration';\n" +
			"REVOKE CONNECT ON DATABASE appdb FROM PUBLIC;\n" +
			"DO $$ BEGIN EXECUTE 'ALTER DATABASE appdb SET work_mem = ''1MB'''; END $$;", "changed by a migration",
			map[string]outcome{"app": ranInSandbox, "superuser": ranInSandbox}},
		{"alter role in DO", "DO $$ BEGIN EXECUTE 'ALTER ROLE app SET search_path = nowhere'; EXECUTE 'ALTER ROLE postgres SET search_path = nowhere'; END $$;", "search_path = nowhere",
			map[string]outcome{"app": refused, "superuser": refused}},
		{"terminate other sessions", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();", "pg_terminate_backend",
			map[string]outcome{"app": refused, "superuser": refused}},
		{"copy from program in DO", "DO $$ BEGIN EXECUTE 'CREATE TEMP TABLE pwned (line text)'; EXECUTE 'COPY pwned FROM PROGRAM ''touch " + marker + "; echo x'''; END $$;", "PROGRAM",
			map[string]outcome{"app": refused, "superuser": refused}},
		{"dblink to the deployed server", "SELECT dblink_exec('" + dblinkConn + "', 'UPDATE accounts SET balance = 0');", "balance = 0",
			map[string]outcome{"app": refused, "superuser": refused}},
		{"untrusted extension", "CREATE EXTENSION postgres_fdw;", "postgres_fdw",
			map[string]outcome{"app": refused}},
		{"alter system", "ALTER SYSTEM SET log_statement = 'none';", "ALTER SYSTEM",
			map[string]outcome{"superuser": refused}},
	}
	urls := map[string]string{"app": d.app, "superuser": d.super}
	baseline := d.dumpall(t)
	_, offset := d.logSince(t, 0)
	for _, c := range cases {
		for _, who := range []string{"app", "superuser"} {
			want, ok := c.want[who]
			if !ok {
				continue
			}
			t.Run(c.name+" as "+who, func(t *testing.T) {
				repo := writeRepo(t, map[string]string{
					"db/migrations/001_create.sql": create, "queries/accounts.sql": query,
				}, map[string]string{
					"db/migrations/001_create.sql": create, "queries/accounts.sql": query,
					"db/migrations/002_hostile.sql": c.sql + "\n",
				})
				code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--format", "json", "--database-url", urls[who])
				var logged string
				logged, offset = d.logSince(t, offset)

				doc := parseVerify(t, out)
				var failed []string
				for _, f := range doc.Findings {
					if f.Rule == "verify-statement-failed" {
						failed = append(failed, fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Message))
					}
				}
				t.Logf("exit %d; %v", code, failed)
				switch want {
				case ranInSandbox:
					if code != ExitClean || len(failed) > 0 || len(doc.Statements) != strings.Count(c.sql, ";\n")+1 {
						t.Errorf("exit %d, statements %d, failures %v; want it run in the sandbox, exit 0; stderr %s", code, len(doc.Statements), failed, stderr)
					}
				case refused:
					if code != ExitFindings || len(failed) != 1 || !strings.HasPrefix(failed[0], "db/migrations/002_hostile.sql:1 PostgreSQL refused this statement in verify's sandbox") {
						t.Errorf("exit %d, failures %v; want exit 1 and the statement refused; stderr %s\n%s", code, failed, stderr, out)
					}
				}
				if strings.Contains(logged, c.needle) || strings.Contains(logged, "REVOKE") || strings.Contains(logged, "work_mem") || strings.Contains(logged, "002_hostile") {
					t.Errorf("the deployed server's log shows the migration (%q):\n%s", c.needle, logged)
				}
				statements := loggedStatement.FindAllStringSubmatch(logged, -1)
				if len(statements) == 0 {
					t.Errorf("verify logged nothing on the deployed server: did it read it at all?\n%s", logged)
				}
				readOnly := 0
				for _, m := range statements {
					if !readStatement.MatchString(m[1]) {
						t.Errorf("the deployed server ran a statement that is not a read: %s", m[1])
					}
					if strings.Contains(strings.ToLower(m[1]), "read only") {
						readOnly++
					}
				}
				if readOnly < 2 {
					t.Errorf("want both of verify's sessions (its catalog read and pg_dump) in READ ONLY transactions, found %d:\n%s", readOnly, logged)
				}
				if diff := cmp.Diff(baseline, d.dumpall(t)); diff != "" {
					t.Errorf("pg_dumpall of the deployed server changed (-before +after):\n%s", diff)
				}
				_, offset = d.logSince(t, offset)
				for _, pw := range []string{deployedSuperPassword, deployedAppPassword} {
					if strings.Contains(out+stderr, pw) && !strings.Contains(c.sql, pw) {
						t.Errorf("the output shows a password")
					}
				}
			})
		}
	}
	if pid, err := d.live.check(); err != nil || pid != d.live.pid {
		t.Errorf("the live session did not survive: pid %d (was %d), %v", pid, d.live.pid, err)
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("COPY ... PROGRAM ran a shell command: %s exists (%v)", marker, err)
	}
	if left := sandboxesLeft(t, tmp); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
