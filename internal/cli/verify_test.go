package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

	"github.com/schemagate/schemagate/internal/lintcache"
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
	// lint's findings cache: one of the test binary's own, not the user's.
	cache, err := os.MkdirTemp("", "schemagate-cli-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv(lintcache.DirEnv, cache)
	pgtest.Main(m, func() error { return os.RemoveAll(cache) })
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

// privateTempDir points TMPDIR at a directory of the test's own, which
// the server's user can enter when the tests run as root, so that the
// sandboxes verify starts there can be counted.
func privateTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		for _, d := range []string{filepath.Dir(dir), dir} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Setenv("TMPDIR", dir)
	return dir
}

// sandboxesLeft lists what verify left in dir: cluster directories, and
// processes that still name one.
func sandboxesLeft(t *testing.T, dir string) []string {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(dir, "schemagate-pg-*"))
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return left
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), dir+"/schemagate-pg-") {
			left = append(left, "process "+e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return left
}

// deployedDatabase is a database of the test server that holds what
// the previous release's migrations (files under the scenario's
// previous tree) created, as the deployed database would.
func deployedDatabase(t *testing.T, migrations ...string) string {
	t.Helper()
	db := pgtest.Database(t)
	for _, m := range migrations {
		text, err := os.ReadFile(filepath.Join(repoRoot(t), m))
		if err != nil {
			t.Fatal(err)
		}
		execSQL(t, db, string(text))
	}
	return db
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
	tmp := privateTempDir(t)
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
		"verify-lock db/migrations/2_change_types.up.sql:1",
		"verify-query-broken db/migrations/2_change_types.up.sql:1",
		"verify-rewrite db/migrations/2_change_types.up.sql:1",
		"verify-lock db/migrations/3_widen_sku.up.sql:1",
	}
	if diff := cmp.Diff(wantRules, rulesSeen); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if left := sandboxesLeft(t, tmp); len(left) > 0 {
		t.Errorf("the sandbox was left behind: %v", left)
	}
}

// A pending migration that fails: the error finding points at the
// position PostgreSQL reports, the text report shows the statement
// table, the deployed database it read is as it was, and the sandbox is
// gone afterwards.
func TestVerifyFailingMigrationLeavesNothing(t *testing.T) {
	create := "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
	repo := writeRepo(t, map[string]string{
		"db/migrations/001_create.sql": create,
		"queries/users.sql":            "SELECT id, email FROM users WHERE id = $1;\n",
	}, map[string]string{
		"db/migrations/001_create.sql": create,
		"db/migrations/002_index.sql":  "CREATE INDEX users_email ON users (email);\nUPDATE users\n   SET email = lower(emial)\n WHERE id > 0;\n",
		"db/migrations/003_more.sql":   "ALTER TABLE users ADD COLUMN age integer;\n",
		"queries/users.sql":            "SELECT id, email FROM users WHERE id = $1;\n",
	})
	deployed := pgtest.Database(t)
	execSQL(t, deployed, create)
	tmp := privateTempDir(t)
	code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--database-url", deployed, "--color", "never")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1; stderr %s\n%s", code, stderr, out)
	}
	for _, want := range []string{
		`db/migrations/002_index.sql:3:22: error[verify-statement-failed] PostgreSQL rejected this statement: column "emial" does not exist; the tool stops here, and the 1 migration(s) after it were not verified`,
		"Not applied after the failure: db/migrations/003_more.sql",
		"db/migrations/002_index.sql:1  ",
		"SHARE users",
		"previous schema: read from PostgreSQL",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if left := sandboxesLeft(t, tmp); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	var indexes int
	ctx := context.Background()
	c, err := pgdb.Connect(ctx, deployed)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_indexes WHERE indexname = 'users_email'").Scan(&indexes); err != nil || indexes != 0 {
		t.Errorf("the deployed database has the migration's index (%d, %v)", indexes, err)
	}
}

// SIGINT while a migration runs, and --timeout: verify stops, removes
// the sandbox and says so in one line.
func TestVerifyInterruptedRemovesSandbox(t *testing.T) {
	if _, err := pgdb.FindBinaries(); err != nil {
		pgtest.Unavailable(t, err)
	}
	repo := writeRepo(t, map[string]string{
		"db/migrations/001_create.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
	}, map[string]string{
		"db/migrations/001_create.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
		"db/migrations/002_slow.sql":   "SELECT pg_sleep(120);\n",
	})
	t.Setenv(EnvDatabaseURL, "")
	t.Run("SIGINT", func(t *testing.T) {
		tmp := privateTempDir(t)
		cmd := exec.Command(os.Args[0], "verify", "--previous", "previous", "--no-cache", "--verbose")
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), envRunMain+"=1")
		var out bytes.Buffer
		cmd.Stdout = &out
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Once it says it applies the migrations, pg_sleep runs.
		var lines []string
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if strings.Contains(sc.Text(), "applying 1 pending migration(s)") {
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != ExitError {
			t.Errorf("exit %v, want 2; stderr %s", err, strings.Join(lines, "\n"))
		}
		if got := lines[len(lines)-1]; got != "schemagate: verify was interrupted; the sandbox was removed" {
			t.Errorf("last line %q of\n%s", got, strings.Join(lines, "\n"))
		}
		if left := sandboxesLeft(t, tmp); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		tmp := privateTempDir(t)
		code, _, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--timeout", "20s")
		if code != ExitError || strings.TrimSpace(stderr) != "schemagate: verify did not finish within --timeout 20s; the sandbox was removed" {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		if left := sandboxesLeft(t, tmp); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	})
}

// Connection problems are one line, exit 2, and never show a password.
func TestVerifyConnectionErrors(t *testing.T) {
	admin := pgtest.AdminURL(t)
	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	missing := withPassword(t, pgdb.WithDatabase(admin, "schemagate_no_such_db"), "postgres", "N0-Such-Db-Secret")
	cases := []struct {
		name, url, want string
	}{
		{"unreachable", "postgres://app:Unreach4ble-Secret@127.0.0.1:1/app?connect_timeout=5", "connecting to postgres://app:xxxxx@127.0.0.1:1/app?connect_timeout=5: "},
		{"no such database", missing, `database "schemagate_no_such_db" does not exist`},
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
			for _, secret := range []string{"Unreach4ble-Secret", "N0-Such-Db-Secret", "Env-Secret-Pw"} {
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
// printed. The deployed database holds the previous release's schema:
// verify reads it, with pg_dump too, and finds the query the pending
// drop breaks.
func TestVerifyConnectionStrings(t *testing.T) {
	admin := pgtest.AdminURL(t)
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	deployed := deployedDatabase(t, "testdata/check/go-sqlc-unsafe-drop/previous/db/migrations/001_create_users.sql")
	du, err := url.Parse(deployed)
	if err != nil {
		t.Fatal(err)
	}
	dbname := strings.TrimPrefix(du.Path, "/")
	t.Run("PG variables", func(t *testing.T) {
		if os.Getenv(pgtest.EnvURL) != "" {
			t.Skip("the PG* variables are set from the embedded cluster's socket")
		}
		t.Setenv("PGHOST", u.Query().Get("host"))
		t.Setenv("PGPORT", u.Query().Get("port"))
		t.Setenv("PGUSER", u.User.Username())
		code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--database-url", "dbname="+dbname+" sslmode=disable")
		if code != ExitFindings || !strings.Contains(out, "verify-query-broken") {
			t.Errorf("exit %d; stderr %s\n%s", code, stderr, out)
		}
	})
	t.Run("password", func(t *testing.T) {
		const password = "W0rking-Url-Secret"
		withPw := withPassword(t, deployed, u.User.Username(), password)
		code, out, stderr := run(t, repo, "", "verify", "--previous", "previous", "--no-cache", "--database-url", withPw, "--format", "json", "--verbose")
		if code != ExitFindings {
			t.Errorf("exit %d; stderr %s", code, stderr)
		}
		if strings.Contains(out+stderr, password) {
			t.Errorf("the password is printed:\n%s\n%s", out, stderr)
		}
		if !strings.Contains(out, ":xxxxx@") {
			t.Errorf("the database is not named with the password replaced:\n%s", out)
		}
	})
}
