package pgdb_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// statStatementsDatabase is a test database with pg_stat_statements
// installed, or a skip when the server has not loaded it.
func statStatementsDatabase(t *testing.T) string {
	t.Helper()
	db := pgtest.Database(t)
	err := tryExec(db, "CREATE EXTENSION pg_stat_statements")
	if err == nil {
		err = tryExec(db, "SELECT FROM pg_stat_statements LIMIT 1")
	}
	if err != nil {
		if os.Getenv(pgtest.EnvURL) == "" && pgtest.Server(t).StatStatements {
			t.Fatalf("the test cluster preloads pg_stat_statements, yet: %v", err)
		}
		t.Skipf("the test server has no working pg_stat_statements: %v", err)
	}
	mustExec(t, db, "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric, legacy_code text)")
	return db
}

func TestStatStatements(t *testing.T) {
	db := statStatementsDatabase(t)
	ctx := context.Background()
	app, err := pgdb.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	for i := range 3 {
		if _, err := app.Exec(ctx, "INSERT INTO orders (id, customer_id, total) VALUES ($1, $2, $3)", i, 7, "9.50"); err != nil {
			t.Fatal(err)
		}
	}
	// Constants in the text are normalised to $n by pg_stat_statements.
	for _, id := range []string{"1", "2"} {
		if _, err := app.Exec(ctx, "SELECT legacy_code FROM orders WHERE id = "+id, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatal(err)
		}
	}

	// Statements of other databases are not this database's references.
	if err := tryExec(pgtest.Database(t), "SELECT 'schemagate_other_db_marker' FROM pg_class"); err != nil {
		t.Fatal(err)
	}

	got, err := pgdb.StatStatements(ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	var mine []pgdb.Statement
	for _, s := range got {
		if strings.Contains(s.Query, "orders") && !strings.Contains(s.Query, "CREATE") {
			mine = append(mine, s)
		}
	}
	want := []pgdb.Statement{
		{Query: "INSERT INTO orders (id, customer_id, total) VALUES ($1, $2, $3)", Calls: 3},
		{Query: "SELECT legacy_code FROM orders WHERE id = $1", Calls: 2},
	}
	if diff := cmp.Diff(want, mine); diff != "" {
		t.Errorf("statements on orders (-want +got):\n%s", diff)
	}
	for _, s := range got {
		if strings.Contains(s.Query, "schemagate_other_db_marker") {
			t.Errorf("statement of another database listed: %q", s.Query)
		}
	}
}

func TestStatStatementsMissingExtension(t *testing.T) {
	db := pgtest.Database(t)
	ctx := context.Background()
	conn, err := pgdb.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = pgdb.StatStatements(ctx, conn)
	if err == nil {
		t.Fatal("no error without the extension")
	}
	for _, want := range []string{"pg_stat_statements is not installed in database " + conn.Config().Database, "CREATE EXTENSION pg_stat_statements", "shared_preload_libraries"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestStatStatementsHiddenTextsAreAnError(t *testing.T) {
	db := statStatementsDatabase(t)
	role := "schemagate_test_stats_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	const password = "St4ts-Pw"
	mustExec(t, db, "CREATE ROLE "+role+" LOGIN PASSWORD '"+password+"'",
		"SELECT count(*) FROM orders WHERE customer_id = 7")
	t.Cleanup(func() { mustExec(t, pgtest.AdminURL(t), "DROP ROLE "+role) })

	ctx := context.Background()
	conn, err := pgdb.Connect(ctx, withUser(t, db, role, password))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = pgdb.StatStatements(ctx, conn)
	if err == nil {
		t.Fatal("no error though other roles' statements are hidden")
	}
	for _, want := range []string{"from role " + role, "pg_read_all_stats"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestStatStatementsNotPreloaded(t *testing.T) {
	if _, err := pgdb.FindBinaries(); err != nil {
		pgtest.Unavailable(t, err)
	}
	c := startCluster(t, pgdb.ClusterOptions{Settings: map[string]string{"shared_preload_libraries": ""}})
	db := c.URL("postgres")
	if err := tryExec(db, "CREATE EXTENSION pg_stat_statements"); err != nil {
		t.Skipf("pg_stat_statements is not installed here: %v", err)
	}
	ctx := context.Background()
	conn, err := pgdb.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = pgdb.StatStatements(ctx, conn)
	want := "pg_stat_statements is installed in database postgres but the server did not load it: add it to shared_preload_libraries and restart the server"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func tryExec(conn, sql string) error {
	ctx := context.Background()
	c, err := pgdb.Connect(ctx, conn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql)
	return err
}
