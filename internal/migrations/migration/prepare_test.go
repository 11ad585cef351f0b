package migration_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// A long migration is parsed and converted in chunks, in parallel
// (prepareInChunks); what Prepare gives must be what parsing the whole
// file and converting it in one go gives.
func TestPrepareInChunksIsPrepareWhole(t *testing.T) {
	// Statements whose semicolons are not all top-level, so that chunks
	// must be cut where PostgreSQL cuts.
	tricky := `CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
CREATE FUNCTION g() RETURNS trigger AS $$ BEGIN NEW.a := 1; RETURN NEW; END; $$ LANGUAGE plpgsql;
COMMENT ON TABLE orders IS 'a; b';
CREATE RULE r AS ON INSERT TO orders DO ALSO (NOTIFY a; NOTIFY b);
ALTER TABLE "odd;name" ADD COLUMN c int DEFAULT 1; -- ; in a comment
`
	long := benchgen.LongMigration(3500)
	cases := map[string]string{
		"plain":            long,
		"tricky":           strings.Repeat(tricky+long[:strings.LastIndex(long[:4000], ";\n")+2], 40),
		"transaction":      "BEGIN;\n" + long + "\nCOMMIT;\n" + long,
		"syntax error":     long + "\nALTER TABLE orders ADD COLUM x int;\n" + long,
		"unterminated":     long + "\nSELECT 'open",
		"goose":            "-- +goose Up\n" + long + "\n-- +goose Down\nDROP TABLE orders;\n",
		"no statements":    strings.Repeat("-- only a comment;\n", 8000),
		"one statement":    "CREATE TABLE t (a int);",
		"ends without ';'": long + "\nCREATE INDEX i ON orders (a)",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			if name != "one statement" && len(text) < 2*sqlparse.ChunkSize {
				t.Fatalf("input of %d bytes is too short to be cut into chunks", len(text))
			}
			chunked := migrations.FromText("0001_long.sql", []byte(text), migration.FormatAuto)
			chunked.Prepare(16)

			whole := migrations.FromText("0001_long.sql", []byte(text), migration.FormatAuto)
			whole.Parse()
			wantOps := ops.FromStatements(whole.Statements, ops.Options{Transactional: whole.Transactional, PGVersion: 16, File: whole.File})

			stmt := cmpopts.IgnoreFields(sqlparse.Statement{}, "Node", "Base")
			if diff := cmp.Diff(whole.Statements, chunked.Statements, stmt, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("statements (-whole +chunked):\n%s", diff)
			}
			if diff := cmp.Diff(whole.SyntaxErrors, chunked.SyntaxErrors); diff != "" {
				t.Errorf("syntax errors (-whole +chunked):\n%s", diff)
			}
			// Trees kept for a lazy deparse hold locations relative to
			// the text parsed: compare what they deparse to.
			tree := cmp.Comparer(func(a, b *pg.Node) bool {
				return (a == nil) == (b == nil) && ops.Deparse(a) == ops.Deparse(b)
			})
			if diff := cmp.Diff(wantOps, chunked.Ops, tree, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("operations (-whole +chunked):\n%s", diff)
			}
			if name != "no statements" && len(chunked.Ops) == 0 && len(chunked.SyntaxErrors) == 0 {
				t.Error("no operations and no syntax errors")
			}
			// Statements of a chunk are placed from the chunk's start; a
			// file with errors is parsed whole, then statement by statement.
			bases := map[int]bool{}
			for _, s := range chunked.Statements {
				bases[s.Base] = true
			}
			inChunks := len(bases) > 1 && len(bases) <= len(text)/sqlparse.ChunkSize+1
			if want := len(chunked.SyntaxErrors) == 0 && len(chunked.Statements) > 1; inChunks != want {
				t.Errorf("statements placed from %d offsets: parsed in chunks is %v, want %v", len(bases), inChunks, want)
			}
		})
	}
}
