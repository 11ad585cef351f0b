package pgdb_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// ReadSource and DumpSchema read what verify copies into its sandbox;
// the session cannot write, even where a transaction does not say READ
// ONLY.
func TestReadSourceAndDumpSchema(t *testing.T) {
	db := pgtest.Database(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgdb.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range []string{
		"DO $$ BEGIN CREATE ROLE schemagate_test_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
		"CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL)",
		"GRANT SELECT ON items TO schemagate_test_reader",
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	src, err := pgdb.ReadSource(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	major, _, err := pgdb.ServerVersion(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	var user, name string
	if err := conn.QueryRow(ctx, "SELECT current_user, current_database()").Scan(&user, &name); err != nil {
		t.Fatal(err)
	}
	if src.Version != major || src.User != user || src.Database != name || !slices.Contains(src.Roles, "schemagate_test_reader") {
		t.Errorf("source %+v; want version %d, user %s, database %s, the test's role", src, major, user, name)
	}
	bin, v, err := pgdb.FindBinariesFor(src.Version)
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	if v < src.Version {
		t.Errorf("FindBinariesFor(%d) = %s, version %d", src.Version, bin, v)
	}
	if err := src.DumpSchema(ctx, db, bin); err != nil {
		t.Fatal(err)
	}
	schema := string(src.Schema)
	if !strings.Contains(schema, "CREATE TABLE public.items") {
		t.Errorf("the dump lacks the table:\n%s", schema)
	}
	for _, unwanted := range []string{"OWNER TO", "GRANT ", "schemagate_test_reader"} {
		if strings.Contains(schema, unwanted) {
			t.Errorf("the dump has %q: owners and privileges are left out", unwanted)
		}
	}

	ro, err := pgdb.ConnectReadOnly(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close(ctx)
	if _, err := ro.Exec(ctx, "INSERT INTO items VALUES (1, 'x')"); err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Errorf("a write on a read-only session: %v", err)
	}
}

func TestFindBinariesForANewerServer(t *testing.T) {
	if _, err := pgdb.FindBinaries(); err != nil {
		pgtest.Unavailable(t, err)
	}
	_, _, err := pgdb.FindBinariesFor(99)
	if err == nil || !strings.Contains(err.Error(), "pg_dump cannot read a newer server") || !strings.Contains(err.Error(), "install PostgreSQL 99") {
		t.Errorf("FindBinariesFor(99): %v", err)
	}
}
