package pgtest

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

	"github.com/jackc/pgx/v5"

	"github.com/schemagate/schemagate/internal/pgdb"
)

// Deployed is a server of a test's own standing in for a production
// one that schemagate may only read: passwords required, every
// statement logged (log_statement = all), an application database appdb
// owned by role app, holding a table accounts with rows, a role readonly
// the table is granted to, dblink installed, and a session of the
// application that stays connected.
type Deployed struct {
	Cluster *pgdb.Cluster
	Super   string // the superuser's URL to appdb, password included
	App     string // the application role's URL to appdb, password included

	live    *pgx.Conn
	livePID uint32
}

// Passwords of the Deployed server's roles: no output may show them.
const (
	DeployedSuperPassword = "Sup3r-Pw-Never-Printed"
	DeployedAppPassword   = "App-Pw-Never-Printed"
)

// StartDeployed starts a Deployed server, stopped when the test ends.
func StartDeployed(t testing.TB) *Deployed {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgdb.StartCluster(ctx, pgdb.ClusterOptions{
		Password: DeployedSuperPassword,
		Settings: map[string]string{"log_statement": "all", "log_line_prefix": "%m [%p] %u@%d: "},
	})
	if err != nil {
		Unavailable(t, err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	d := &Deployed{Cluster: c, Super: c.URL("appdb")}
	u, _ := url.Parse(c.URL("appdb"))
	u.User = url.UserPassword("app", DeployedAppPassword)
	d.App = u.String()
	run(t, c.URL("postgres"),
		"CREATE ROLE app LOGIN PASSWORD '"+DeployedAppPassword+"'",
		"CREATE ROLE readonly NOLOGIN",
		"CREATE DATABASE appdb OWNER app")
	run(t, d.Super, "CREATE EXTENSION dblink")
	run(t, d.App,
		"CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, balance integer NOT NULL)",
		"INSERT INTO accounts VALUES (1, 'ada@example.com', 100), (2, 'bob@example.com', 250)",
		"GRANT SELECT ON accounts TO readonly")
	if d.live, err = pgdb.Connect(ctx, d.App); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.live.Close(context.Background()) })
	if err := d.live.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&d.livePID); err != nil {
		t.Fatal(err)
	}
	return d
}

func run(t testing.TB, conn string, sql ...string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgdb.Connect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, s := range sql {
		if _, err := c.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// LiveSessionSurvived fails the test when the application's session was
// ended or replaced.
func (d *Deployed) LiveSessionSurvived(t testing.TB) {
	t.Helper()
	var pid uint32
	if err := d.live.QueryRow(context.Background(), "SELECT pg_backend_pid()").Scan(&pid); err != nil || pid != d.livePID {
		t.Errorf("the live session did not survive: pid %d (was %d), %v", pid, d.livePID, err)
	}
}

// DBLinkConn is a dblink connection string to appdb as the superuser,
// password included: what a migration holding the credentials would use.
func (d *Deployed) DBLinkConn() string {
	return fmt.Sprintf("host=%s port=%d dbname=appdb user=postgres password=%s", d.Cluster.SocketDir, d.Cluster.Port, DeployedSuperPassword)
}

// Dumpall is pg_dumpall of the whole server: roles, databases, their
// settings, comments and privileges, and every row.
func (d *Deployed) Dumpall(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(d.Cluster.BinDir, "pg_dumpall"), "--host", d.Cluster.SocketDir,
		"--port", fmt.Sprint(d.Cluster.Port), "--username", d.Cluster.User)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+DeployedSuperPassword)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("pg_dumpall: %v: %s", err, errOut.String())
	}
	// \restrict and \unrestrict carry a key pg_dumpall draws anew each run.
	return restrictLine.ReplaceAllString(out.String(), "")
}

var restrictLine = regexp.MustCompile(`(?m)^\\(un)?restrict .*$`)

// LogSince is what the server logged after offset bytes, and the new
// offset.
func (d *Deployed) LogSince(t testing.TB, offset int) (string, int) {
	t.Helper()
	b, err := os.ReadFile(d.Cluster.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b[offset:]), len(b)
}

// loggedStatement matches a statement line of log_statement = all, in
// the simple or the extended protocol.
var loggedStatement = regexp.MustCompile(`(?m)(?:statement|execute [^:]*): (.*)$`)

// readStatement: what a reader may send (pg_dump prepares its catalog
// queries and executes them).
var readStatement = regexp.MustCompile(`(?i)^\s*(SELECT|SET |SHOW|BEGIN|COMMIT|ROLLBACK|LOCK TABLE .* IN ACCESS SHARE MODE|COPY .* TO stdout|PREPARE \w+(\([^)]*\))? AS$|EXECUTE \w+(\(.*\))?$|DEALLOCATE)`)

// OnlyReads fails the test unless logged (from LogSince) holds
// statements, every one of them a read, at least readOnly of them
// opening READ ONLY transactions, and none containing a needle.
func OnlyReads(t testing.TB, logged string, readOnly int, needles ...string) {
	t.Helper()
	for _, n := range needles {
		if strings.Contains(logged, n) {
			t.Errorf("the server's log shows %q:\n%s", n, logged)
		}
	}
	statements := loggedStatement.FindAllStringSubmatch(logged, -1)
	if len(statements) == 0 {
		t.Errorf("nothing was logged: was the server read at all?\n%s", logged)
	}
	n := 0
	for _, m := range statements {
		if !readStatement.MatchString(m[1]) {
			t.Errorf("the server ran a statement that is not a read: %s", m[1])
		}
		if strings.Contains(strings.ToLower(m[1]), "read only") {
			n++
		}
	}
	if n < readOnly {
		t.Errorf("want %d READ ONLY transactions, found %d:\n%s", readOnly, n, logged)
	}
}
