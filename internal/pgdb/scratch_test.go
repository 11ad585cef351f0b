package pgdb_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// databaseExists asks the admin connection whether db exists.
func databaseExists(t *testing.T, admin string, db string) bool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgdb.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", db).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	return exists
}

func mustExec(t *testing.T, conn string, sql ...string) {
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

func TestScratchCreatedAndDropped(t *testing.T) {
	admin := pgtest.AdminURL(t)
	ctx := context.Background()
	s, err := pgdb.NewScratch(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Name, pgdb.ScratchPrefix) {
		t.Errorf("name %q lacks prefix %q", s.Name, pgdb.ScratchPrefix)
	}
	conn, err := s.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	if db != s.Name {
		t.Errorf("scratch URL connects to %q, want %q", db, s.Name)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE t (id int)"); err != nil {
		t.Fatal(err)
	}
	// conn stays open: Drop must end it.
	if err := s.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if databaseExists(t, admin, s.Name) {
		t.Errorf("%s still exists after Drop", s.Name)
	}
	if err := conn.Ping(ctx); err == nil {
		t.Error("a session on the dropped database still works")
	}
	if err := s.Drop(ctx); err != nil {
		t.Errorf("second Drop: %v", err)
	}
}

func TestScratchDroppedAfterContextCancelledMidWork(t *testing.T) {
	admin := pgtest.AdminURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := pgdb.NewScratch(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := conn.Exec(ctx, "SELECT pg_sleep(60)")
		done <- err
	}()
	// Cancel once the query runs on the server, as a SIGINT would.
	waitFor(t, admin, "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = '"+s.Name+"' AND query LIKE 'SELECT pg_sleep%'")
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the long query was not interrupted")
	}
	if err := s.Drop(ctx); err != nil {
		t.Fatalf("Drop with the cancelled context: %v", err)
	}
	if databaseExists(t, admin, s.Name) {
		t.Errorf("%s still exists after Drop", s.Name)
	}
}

// waitFor polls a boolean query until it is true.
func waitFor(t *testing.T, conn, query string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgdb.Connect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ok bool
		if err := c.QueryRow(ctx, query).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", query)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// withUser points conn at another role (URL or DSN).
func withUser(t *testing.T, conn, user, password string) string {
	t.Helper()
	if !strings.HasPrefix(conn, "postgres") {
		return conn + " user=" + user + " password=" + password
	}
	u, err := url.Parse(conn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

func TestScratchNeedsCreateDB(t *testing.T) {
	admin := pgtest.AdminURL(t)
	role := "schemagate_test_nocreatedb_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	const password = "N0-Createdb-Pw"
	mustExec(t, admin, "CREATE ROLE "+role+" LOGIN NOCREATEDB PASSWORD '"+password+"'")
	t.Cleanup(func() { mustExec(t, admin, "DROP ROLE "+role) })

	before := scratchDatabases(t, admin)
	_, err := pgdb.NewScratch(context.Background(), withUser(t, admin, role, password))
	if !errors.Is(err, pgdb.ErrNoCreateDB) {
		t.Fatalf("err = %v, want ErrNoCreateDB", err)
	}
	msg := err.Error()
	for _, want := range []string{`role "` + role + `"`, "ALTER ROLE " + role + " CREATEDB", "a scratch database is created"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, password) {
		t.Errorf("error shows the password: %q", msg)
	}
	if diff := cmp.Diff(before, scratchDatabases(t, admin)); diff != "" {
		t.Errorf("scratch databases changed (-before +after):\n%s", diff)
	}
}

func scratchDatabases(t *testing.T, admin string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgdb.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'schemagate\\_scratch\\_%' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestDatabaseHelperDropsAtCleanup(t *testing.T) {
	admin := pgtest.AdminURL(t)
	var name string
	t.Run("inner", func(t *testing.T) {
		conn, err := pgdb.Connect(context.Background(), pgtest.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if err := conn.QueryRow(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !databaseExists(t, admin, name) {
			t.Fatalf("%s does not exist during the test", name)
		}
	})
	if name == "" || databaseExists(t, admin, name) {
		t.Errorf("database %q still exists after its test ended", name)
	}
}

func TestScratchDropAfterItsAdminConnectionDied(t *testing.T) {
	admin := pgtest.AdminURL(t)
	ctx := context.Background()
	s, err := pgdb.NewScratch(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	// End the scratch's own admin session behind its back, as a server's
	// idle timeout or a failover would.
	conn, err := pgdb.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var ended int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE query = 'CREATE DATABASE ' || $1::text || ' TEMPLATE template0'`, s.Name).Scan(&ended)
	if err != nil || ended != 1 {
		t.Fatalf("terminating the admin session: ended %d, %v", ended, err)
	}
	if err := s.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if databaseExists(t, admin, s.Name) {
		t.Errorf("%s still exists after Drop", s.Name)
	}
}
