package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
	"github.com/schemagate/schemagate/internal/testutil"
)

// envRunMain makes the test binary run schemagate itself, for the tests
// that need a process of its own to signal.
const envRunMain = "SCHEMAGATE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	pgtest.Main(m)
}

// writeRepo commits previous and then next (path -> text) into a fresh
// repository, tagging the first "previous", and leaves next checked out.
func writeRepo(t *testing.T, previous, next map[string]string) string {
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
	return testutil.CommitScenario(t, scenario)
}

// scratchDatabases lists the scratch databases on the test server.
func scratchDatabases(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgdb.Connect(ctx, pgtest.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'schemagate\_scratch\_%' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func execSQL(t *testing.T, conn string, sql ...string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgdb.Connect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, s := range sql {
		if _, err := c.Exec(ctx, s, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// verifyJSONDoc is the part of verify's JSON the tests read.
type verifyJSONDoc struct {
	PGVersion int `json:"pg_version"`
	Findings  []struct {
		Rule    string `json:"rule"`
		File    string `json:"file"`
		Line    int    `json:"line"`
		Column  int    `json:"column"`
		Message string `json:"message"`
	} `json:"findings"`
	Statements []struct {
		File     string `json:"file"`
		Line     int    `json:"line"`
		Observed string `json:"observed"`
		Locks    []struct {
			Relation string `json:"relation"`
			Mode     string `json:"mode"`
		} `json:"locks"`
		Rewrites   []string `json:"rewrites"`
		DurationMS *float64 `json:"duration_ms"`
		Static     []struct {
			Relation     string `json:"relation"`
			AssumedLock  string `json:"assumed_lock"`
			ObservedLock string `json:"observed_lock"`
		} `json:"static"`
	} `json:"statements"`
	Queries []struct {
		Kind   string `json:"kind"`
		File   string `json:"file"`
		Line   int    `json:"line"`
		Before string `json:"before"`
		After  string `json:"after"`
		Broken bool   `json:"broken"`
	} `json:"queries"`
	Disagreements []struct {
		Kind string `json:"kind"`
		File string `json:"file"`
		Line int    `json:"line"`
	} `json:"disagreements"`
}

func parseVerify(t *testing.T, out string) verifyJSONDoc {
	t.Helper()
	var doc verifyJSONDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("verify JSON: %v\n%s", err, out)
	}
	return doc
}

// The embedded default: no --database-url, so verify starts a cluster of
// its own, and the JSON carries the statement table and the queries.
func TestVerifyEmbeddedJSON(t *testing.T) {
	if _, err := pgdb.FindBinaries(); err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Setenv(EnvDatabaseURL, "")
	repo := scenarioRepo(t, "type-change")
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "schemagate-pg-*"))
	code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1; stderr %s\n%s", code, stderr, out)
	}
	doc := parseVerify(t, out)
	if doc.PGVersion < 10 {
		t.Errorf("pg_version %d", doc.PGVersion)
	}
	type stmt struct {
		Where    string
		Locks    string
		Rewrites string
	}
	var got []stmt
	for _, s := range doc.Statements {
		var locks []string
		for _, l := range s.Locks {
			locks = append(locks, l.Mode+" "+l.Relation)
		}
		if s.DurationMS == nil || s.Observed != "in transaction" {
			t.Errorf("%s:%d: duration %v, observed %q", s.File, s.Line, s.DurationMS, s.Observed)
		}
		got = append(got, stmt{s.File + ":" + itoa(s.Line), strings.Join(locks, ", "), strings.Join(s.Rewrites, ", ")})
	}
	want := []stmt{
		{"db/migrations/2_change_types.up.sql:1", "ACCESS EXCLUSIVE products, ACCESS EXCLUSIVE products_pkey", "index products_pkey, table products"},
		{"db/migrations/3_widen_sku.up.sql:1", "ACCESS EXCLUSIVE products", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	if len(doc.Queries) != 1 || !doc.Queries[0].Broken || doc.Queries[0].After != "operator does not exist: text < integer" {
		t.Errorf("queries: %+v", doc.Queries)
	}
	var rulesSeen []string
	for _, f := range doc.Findings {
		rulesSeen = append(rulesSeen, f.Rule+" "+f.File+":"+itoa(f.Line))
	}
	wantRules := []string{
		"verify-query-broken app/products.py:4",
		"verify-lock db/migrations/2_change_types.up.sql:1",
		"verify-rewrite db/migrations/2_change_types.up.sql:1",
		"verify-lock db/migrations/3_widen_sku.up.sql:1",
	}
	if diff := cmp.Diff(wantRules, rulesSeen); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	after, _ := filepath.Glob(filepath.Join(os.TempDir(), "schemagate-pg-*"))
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the embedded cluster's directory was left behind (-before +after):\n%s", diff)
	}
}

// A pending migration that fails: the error finding points at the
// position PostgreSQL reports, the text report shows the statement table,
// and the scratch database is gone afterwards.
func TestVerifyFailingMigrationDropsScratch(t *testing.T) {
	admin := pgtest.AdminURL(t)
	repo := writeRepo(t, map[string]string{
		"db/migrations/001_create.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
		"queries/users.sql":            "SELECT id, email FROM users WHERE id = $1;\n",
	}, map[string]string{
		"db/migrations/001_create.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
		"db/migrations/002_index.sql":  "CREATE INDEX users_email ON users (email);\nUPDATE users\n   SET email = lower(emial)\n WHERE id > 0;\n",
		"db/migrations/003_more.sql":   "ALTER TABLE users ADD COLUMN age integer;\n",
		"queries/users.sql":            "SELECT id, email FROM users WHERE id = $1;\n",
	})
	before := scratchDatabases(t)
	code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--database-url", admin, "--color", "never")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1; stderr %s\n%s", code, stderr, out)
	}
	for _, want := range []string{
		`db/migrations/002_index.sql:3:22: error[verify-statement-failed] PostgreSQL rejected this statement: column "emial" does not exist; the tool stops here, and the 1 migration(s) after it were not verified`,
		"Not applied after the failure: db/migrations/003_more.sql",
		"db/migrations/002_index.sql:1  ",
		"SHARE users",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if diff := cmp.Diff(before, scratchDatabases(t)); diff != "" {
		t.Errorf("scratch databases left behind (-before +after):\n%s", diff)
	}
}

// SIGINT while a migration runs, and --timeout: verify stops, drops the
// scratch database and says so in one line.
func TestVerifyInterruptedDropsScratch(t *testing.T) {
	admin := pgtest.AdminURL(t)
	repo := writeRepo(t, map[string]string{
		"db/migrations/001_create.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
	}, map[string]string{
		"db/migrations/001_create.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
		"db/migrations/002_slow.sql":   "SELECT pg_sleep(120);\n",
	})
	before := scratchDatabases(t)
	t.Run("SIGINT", func(t *testing.T) {
		cmd := exec.Command(os.Args[0], "verify", "--previous", "previous", "--no-cache", "--database-url", admin)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), envRunMain+"=1")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, admin, "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(120)' AND datname LIKE 'schemagate\\_scratch\\_%'")
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != ExitError {
			t.Errorf("exit %v, want 2; stderr %s", err, errOut.String())
		}
		if got := strings.TrimSpace(errOut.String()); got != "schemagate: verify was interrupted; the scratch database was dropped" {
			t.Errorf("stderr %q", got)
		}
		if diff := cmp.Diff(before, scratchDatabases(t)); diff != "" {
			t.Errorf("scratch databases left behind (-before +after):\n%s", diff)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		code, _, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--database-url", admin, "--timeout", "3s")
		if code != ExitError || strings.TrimSpace(stderr) != "schemagate: verify did not finish within --timeout 3s; the scratch database was dropped" {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		if diff := cmp.Diff(before, scratchDatabases(t)); diff != "" {
			t.Errorf("scratch databases left behind (-before +after):\n%s", diff)
		}
	})
}

// waitFor polls query (a count) until it is positive.
func waitFor(t *testing.T, conn, query string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgdb.Connect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := c.QueryRow(ctx, query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", query)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Connection problems are one line, exit 2, and never show a password.
func TestVerifyConnectionErrors(t *testing.T) {
	admin := pgtest.AdminURL(t)
	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	role := "schemagate_cli_nocreatedb"
	const password = "N0-Create-Secret"
	execSQL(t, admin, "CREATE ROLE "+role+" LOGIN NOCREATEDB PASSWORD '"+password+"'")
	t.Cleanup(func() { execSQL(t, admin, "DROP ROLE "+role) })
	noCreateDB := withPassword(t, admin, role, password)
	cases := []struct {
		name, url, want string
	}{
		{"unreachable", "postgres://app:Unreach4ble-Secret@127.0.0.1:1/app?connect_timeout=5", "connecting to postgres://app:xxxxx@127.0.0.1:1/app?connect_timeout=5: "},
		{"role without CREATEDB", noCreateDB, `role "` + role + `" may not create databases (it lacks CREATEDB)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("PGPASSWORD", "Env-Secret-Pw")
			code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--database-url", c.url)
			if code != ExitError {
				t.Errorf("exit %d, want 2", code)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q, want one line with %q", stderr, c.want)
			}
			for _, secret := range []string{"Unreach4ble-Secret", password, "Env-Secret-Pw"} {
				if strings.Contains(stderr+out, secret) {
					t.Errorf("output shows a password: %q", stderr)
				}
			}
		})
	}
}

func withPassword(t *testing.T, conn, user, password string) string {
	t.Helper()
	u, err := url.Parse(conn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

// --pending-from: the history table decides what is pending; a dirty
// entry stops check with a message that names it.
func TestPendingFrom(t *testing.T) {
	repo := scenarioRepo(t, "gorm-drop-column") // golang-migrate files
	db := pgtest.Database(t)
	execSQL(t, db, `CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)`)
	cases := []struct {
		name    string
		version string
		dirty   bool
		code    int
		want    string // in stdout (exit 0, 1) or stderr (exit 2)
	}{
		{"first applied", "1", false, ExitFindings, "drop-column"},
		{"both applied", "2", false, ExitClean, "0 pending migration(s)"},
		{"dirty", "2", true, ExitError, "migration 2 is marked dirty in schema_migrations"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			execSQL(t, db, "DELETE FROM schema_migrations", "INSERT INTO schema_migrations VALUES ("+c.version+", "+map[bool]string{true: "true", false: "false"}[c.dirty]+")")
			code, out, stderr := run(t, repo, "", "check", "--previous", "previous", "--no-cache", "--pending-from", db)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s\n%s", code, c.code, stderr, out)
			}
			where := out
			if code == ExitError {
				where = stderr
				if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
					t.Errorf("error is not one line: %q", stderr)
				}
			}
			if !strings.Contains(where, c.want) {
				t.Errorf("output lacks %q:\n%s%s", c.want, out, stderr)
			}
		})
	}
	t.Run("plain SQL has no history", func(t *testing.T) {
		plain := writeRepo(t, map[string]string{"db/migrations/001_create.sql": "CREATE TABLE t (id int);\n"},
			map[string]string{"db/migrations/001_create.sql": "CREATE TABLE t (id int);\n", "db/migrations/002_more.sql": "ALTER TABLE t ADD COLUMN c int;\n"})
		code, _, stderr := run(t, plain, "", "check", "--previous", "previous", "--no-cache", "--pending-from", db)
		if code != ExitError || !strings.Contains(stderr, "plain SQL files have no history table") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}

// statStatementsDB is a database whose pg_stat_statements has seen the
// running release's queries, or a skip when the server lacks it.
func statStatementsDB(t *testing.T) string {
	t.Helper()
	db := pgtest.Database(t)
	ctx := context.Background()
	c, err := pgdb.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE EXTENSION pg_stat_statements"); err != nil {
		if os.Getenv(pgtest.EnvURL) == "" && pgtest.Server(t).StatStatements {
			t.Fatalf("the test cluster preloads pg_stat_statements, yet: %v", err)
		}
		t.Skipf("no pg_stat_statements: %v", err)
	}
	return db
}

// Runtime references: refs lists them with their call counts, check sees
// a column only the running service's dynamic SQL reads, and a database
// without the extension gets a clear message.
func TestRuntimeReferences(t *testing.T) {
	db := statStatementsDB(t)
	execSQL(t, db, "CREATE TABLE accounts (id bigint PRIMARY KEY, plan text, legacy_flag boolean)")
	for range 3 {
		execSQL(t, db, "SELECT legacy_flag FROM accounts WHERE id = 7")
	}
	repo := writeRepo(t, map[string]string{
		"db/migrations/001_create.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY, plan text, legacy_flag boolean);\n",
		"queries/accounts.sql":         "SELECT id, plan FROM accounts;\n",
	}, map[string]string{
		"db/migrations/001_create.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY, plan text, legacy_flag boolean);\n",
		"db/migrations/002_drop.sql":   "ALTER TABLE accounts DROP COLUMN legacy_flag;\n",
		"queries/accounts.sql":         "SELECT id, plan FROM accounts;\n",
	})

	t.Run("refs", func(t *testing.T) {
		code, out, stderr := run(t, repo, "", "refs", "--no-cache", "--format", "json", "--column", "accounts.legacy_flag", "--from-pg-stat-statements", db)
		if code != ExitClean {
			t.Fatalf("exit %d; stderr %s", code, stderr)
		}
		var doc struct {
			Refs []struct {
				Source  string `json:"source"`
				File    string `json:"file"`
				Calls   int64  `json:"calls"`
				Snippet string `json:"snippet"`
			} `json:"refs"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Refs) != 1 || doc.Refs[0].Source != "runtime" || doc.Refs[0].File != "pg_stat_statements" || doc.Refs[0].Calls != 3 ||
			doc.Refs[0].Snippet != "SELECT legacy_flag FROM accounts WHERE id = $1" {
			t.Errorf("refs: %+v", doc.Refs)
		}
	})
	t.Run("check", func(t *testing.T) {
		code, out, _ := run(t, repo, "", "check", "--previous", "previous", "--no-cache", "--color", "never")
		if code != ExitClean {
			t.Errorf("without runtime references: exit %d\n%s", code, out)
		}
		code, out, stderr := run(t, repo, "", "check", "--previous", "previous", "--no-cache", "--color", "never", "--runtime-references", db)
		if code != ExitFindings || !strings.Contains(out, "drop-column") || !strings.Contains(out, "pg_stat_statements:") {
			t.Errorf("with runtime references: exit %d; stderr %s\n%s", code, stderr, out)
		}
	})
	t.Run("missing extension", func(t *testing.T) {
		plain := pgtest.Database(t)
		code, _, stderr := run(t, repo, "", "refs", "--no-cache", "--from-pg-stat-statements", plain)
		if code != ExitError || !strings.Contains(stderr, "pg_stat_statements is not installed in database") || !strings.Contains(stderr, "CREATE EXTENSION pg_stat_statements") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}

// A key=value DSN that leaves host, port and user to the PG* variables
// works as with libpq, and a password in a URL that works is still never
// printed.
func TestVerifyConnectionStrings(t *testing.T) {
	admin := pgtest.AdminURL(t)
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	t.Run("PG variables", func(t *testing.T) {
		if os.Getenv(pgtest.EnvURL) != "" {
			t.Skip("the PG* variables are set from the embedded cluster's socket")
		}
		t.Setenv("PGHOST", u.Query().Get("host"))
		t.Setenv("PGPORT", u.Query().Get("port"))
		t.Setenv("PGUSER", u.User.Username())
		code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--database-url", "dbname=postgres sslmode=disable")
		if code != ExitFindings || !strings.Contains(out, "verify-query-broken") {
			t.Errorf("exit %d; stderr %s\n%s", code, stderr, out)
		}
	})
	t.Run("password", func(t *testing.T) {
		const password = "W0rking-Url-Secret"
		withPw := withPassword(t, admin, u.User.Username(), password)
		code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--database-url", withPw, "--format", "json", "--verbose")
		if code != ExitFindings {
			t.Errorf("exit %d; stderr %s", code, stderr)
		}
		if strings.Contains(out+stderr, password) {
			t.Errorf("the password is printed:\n%s\n%s", out, stderr)
		}
		if !strings.Contains(out, ":xxxxx@") {
			t.Errorf("the server is not named with the password replaced:\n%s", out)
		}
	})
}
