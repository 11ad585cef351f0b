package django

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// sent is a statement of Translation.SQL as a test reads it: its text,
// where it points (the first line of the call, or of the SQL in a
// RunSQL) and whether it runs in a transaction block.
type sent struct {
	SQL  string
	At   string
	InTx bool
}

var modelName = regexp.MustCompile(`name="(\w+)"`)

// TestTranslationSQLInitial: the statements Django 5.2 sends for
// 0001_initial are initialSQL's, in its order, the deferred foreign keys
// and indexes last, each attributed to the CreateModel that asked for it.
func TestTranslationSQLInitial(t *testing.T) {
	_, trs := translateFiles(t, New(), map[string]string{"shop/migrations/0001_initial.py": initial})
	tr := trs[0]
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(initialSQL), "\n") {
		want = append(want, strings.TrimSuffix(l, ";"))
	}
	var got []string
	owners := map[string]string{}
	for _, s := range tr.SQL {
		got = append(got, s.Text)
		if !s.InTransaction {
			t.Errorf("%s: outside the transaction of an atomic migration", s.Text)
		}
		if m := modelName.FindStringSubmatch(spanText(tr.Migration.File, s.Span)); m != nil {
			owners[s.Text] = m[1]
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Translation.SQL (-Django 5.2 +translation):\n%s", diff)
	}
	for text, model := range map[string]string{
		want[6]:  "Order", // the deferred foreign key of Order.customer
		want[9]:  "Order", // the M2M table's unique_together
		want[13]: "Order",
		want[4]:  "Customer",
	} {
		if owners[text] != model {
			t.Errorf("%s is attributed to %q, want the CreateModel of %s", text, owners[text], model)
		}
	}
}

// TestTranslationSQL: RunSQL is sent as written (a string of several
// statements in one execute(), which PostgreSQL runs as one implicit
// transaction; list items one by one), with its parameters' values put
// in; RunPython sends nothing.
func TestTranslationSQL(t *testing.T) {
	ops := `        migrations.AddField(
            model_name="order",
            name="gift_note",
            field=models.TextField(default="", blank=True),
            preserve_default=False,
        ),
        migrations.RunSQL("CREATE INDEX CONCURRENTLY order_gift_idx ON shop_order (gift_note); ANALYZE shop_order"),
        migrations.RunSQL(["CREATE INDEX CONCURRENTLY order_total_idx ON shop_order (total)", ("UPDATE shop_order SET status = %s WHERE total > %s", ["big", 100])]),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunSQL("BEGIN; UPDATE shop_order SET status = 'x'; COMMIT;"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="order", name="coupon_code")],
            database_operations=[migrations.RunSQL("ALTER TABLE shop_order DROP COLUMN coupon_code")],
        ),
`
	_, trs := translateFiles(t, New(), map[string]string{
		"shop/migrations/0001_initial.py": initial,
		"shop/migrations/0002_change.py":  second("5.2", "    atomic = False", "def forwards(apps, schema_editor):\n    pass", ops),
	})
	want := []sent{
		// AddField with a default Django drops again.
		{`ALTER TABLE "shop_order" ADD COLUMN "gift_note" text DEFAULT '' NOT NULL`, "migrations.AddField(", false},
		{`ALTER TABLE "shop_order" ALTER COLUMN "gift_note" DROP DEFAULT`, "migrations.AddField(", false},
		{"CREATE INDEX CONCURRENTLY order_gift_idx ON shop_order (gift_note)", "CREATE INDEX CONCURRENTLY order_gift_idx ON shop_order (gift_note)", true},
		{"ANALYZE shop_order", "ANALYZE shop_order", true},
		{"CREATE INDEX CONCURRENTLY order_total_idx ON shop_order (total)", "CREATE INDEX CONCURRENTLY order_total_idx ON shop_order (total)", false},
		{"UPDATE shop_order SET status = 'big' WHERE total > 100", `"UPDATE shop_order SET status = %s WHERE total > %s"`, false},
		{"BEGIN", "BEGIN", true},
		{"UPDATE shop_order SET status = 'x'", "UPDATE shop_order SET status = 'x'", true},
		{"COMMIT", "COMMIT", true},
		{"ALTER TABLE shop_order DROP COLUMN coupon_code", "ALTER TABLE shop_order DROP COLUMN coupon_code", false},
	}
	tr := trs[1]
	var got []sent
	for _, s := range tr.SQL {
		at, _, _ := strings.Cut(spanText(tr.Migration.File, s.Span), "\n")
		got = append(got, sent{s.Text, at, s.InTransaction})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Translation.SQL (-want +got):\n%s", diff)
	}
}

// TestTranslationSQLRuns runs the SQL of the test projects' migrations
// on a fresh PostgreSQL database, as a runner sends it (each statement
// in or outside a transaction block as Translation.SQL says): the server
// accepts all of it. django.contrib's tables, which Django's own
// migrations create first, stand in with their keys.
func TestTranslationSQLRuns(t *testing.T) {
	for _, project := range []string{"shop_project", "library_project"} {
		t.Run(project, func(t *testing.T) {
			ctx := context.Background()
			conn, err := pgdb.Connect(ctx, pgtest.Database(t))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, `CREATE TABLE auth_group (id integer PRIMARY KEY); CREATE TABLE auth_permission (id integer PRIMARY KEY)`); err != nil {
				t.Fatal(err)
			}
			d := New()
			set, err := d.Discover(os.DirFS(filepath.Join("../../../testdata/frameworks/django", project)), ".", migration.Options{})
			if err != nil {
				t.Fatal(err)
			}
			statements := 0
			for _, tr := range d.Translate(set.Migrations, migration.TranslateOptions{}) {
				for _, s := range tr.SQL {
					if err := sendOne(ctx, conn.PgConn(), s); err != nil {
						t.Fatalf("%s:%d: %s: %v", tr.Migration.Path, s.Span.Start.Line, s.Text, err)
					}
					statements++
				}
				if err := sendEnd(ctx, conn.PgConn()); err != nil {
					t.Fatalf("%s: COMMIT: %v", tr.Migration.Path, err)
				}
			}
			if statements < 20 {
				t.Errorf("ran %d statements, want those of every migration", statements)
			}
		})
	}
}

// sendOne runs a statement in or outside a transaction block, as
// Translation.SQL says; transaction control runs as written.
func sendOne(ctx context.Context, conn *pgconn.PgConn, s migration.SQLStatement) error {
	control := s.Text == "BEGIN" || s.Text == "COMMIT"
	switch idle := conn.TxStatus() == 'I'; {
	case control:
	case s.InTransaction && idle:
		if _, err := conn.Exec(ctx, "BEGIN").ReadAll(); err != nil {
			return err
		}
	case !s.InTransaction && !idle:
		if err := sendEnd(ctx, conn); err != nil {
			return err
		}
	}
	_, err := conn.Exec(ctx, s.Text).ReadAll()
	return err
}

func sendEnd(ctx context.Context, conn *pgconn.PgConn) error {
	if conn.TxStatus() == 'I' {
		return nil
	}
	_, err := conn.Exec(ctx, "COMMIT").ReadAll()
	return err
}
