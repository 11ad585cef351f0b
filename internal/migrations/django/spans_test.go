package django

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

func spanText(f *source.File, s source.Span) string {
	return string(f.Text[s.Start.Offset:s.End.Offset])
}

func shopProject(t *testing.T) map[string]migration.Translation {
	t.Helper()
	d := New()
	set, err := d.Discover(os.DirFS("../../../testdata/frameworks/django/shop_project"), ".", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]migration.Translation{}
	for _, tr := range d.Translate(set.Migrations, migration.TranslateOptions{}) {
		out[tr.Migration.Version] = tr
	}
	return out
}

// TestSpans checks that operations point at the Python call that made
// them, columns at their field, and RunSQL statements into the string.
func TestSpans(t *testing.T) {
	trs := shopProject(t)
	type row struct {
		Kind   ops.Kind
		Stmt   int
		Starts string // the beginning of the text the span covers
		Line   int
		Column string // the beginning of the text of the column span
	}
	head := func(s string, n int) string {
		s = strings.Join(strings.Fields(s), " ")
		if len(s) > n {
			return s[:n]
		}
		return s
	}
	rows := func(version string) []row {
		tr := trs[version]
		f := tr.Migration.File
		var out []row
		for _, op := range tr.Ops {
			r := row{Kind: op.Kind, Stmt: op.Stmt, Starts: head(spanText(f, op.Span), 40), Line: op.Span.Start.Line}
			if op.ColumnDef != nil {
				r.Column = head(spanText(f, op.ColumnDef.Span), 30)
			}
			out = append(out, r)
		}
		return out
	}
	cases := []struct {
		version string
		want    []row
	}{{
		version: "shop.0002_order_coupon_and_stock",
		want: []row{
			{ops.AddColumn, 0, "migrations.AddField( model_name='customer'", 16, "models.BooleanField(default=Tr"},
			{ops.DropDefault, 0, "migrations.AddField( model_name='customer'", 16, ""},
			{ops.AddColumn, 1, "migrations.AddField( model_name='order', ", 21, "models.CharField(blank=True, m"},
			{ops.AddColumn, 2, "migrations.AddField( model_name='order', ", 26, "models.ForeignKey(null=True, o"},
			{ops.AddConstraint, 2, "migrations.AddField( model_name='order', ", 26, ""},
			{ops.Other, 2, "migrations.AddField( model_name='order', ", 26, ""},
			{ops.AddColumn, 3, "migrations.AddField( model_name='product'", 31, "models.PositiveIntegerField(de"},
			{ops.AddConstraint, 3, "migrations.AddField( model_name='product'", 31, ""},
			{ops.DropDefault, 3, "migrations.AddField( model_name='product'", 31, ""},
			{ops.AlterColumnType, 4, "migrations.AlterField( model_name='order'", 36, ""},
			// Deferred to the end of the migration: statements of their
			// own, still pointing at the call that caused them.
			{ops.CreateIndex, 5, "migrations.AddField( model_name='order', ", 26, ""},
		},
	}, {
		version: "shop.0007_drop_coupon_code",
		want: []row{
			{ops.DropColumn, 0, `ALTER TABLE "shop_order" DROP COLUMN "cou`, 19, ""},
			{ops.Update, 2, `UPDATE shop_product SET description = ''`, 25, ""},
			{ops.Update, 3, `"UPDATE shop_order SET status = %s WHERE`, 26, ""},
		},
	}}
	for _, c := range cases {
		t.Run(c.version, func(t *testing.T) {
			for i := range c.want {
				c.want[i].Starts = head(c.want[i].Starts, 40)
				c.want[i].Column = head(c.want[i].Column, 30)
			}
			if diff := cmp.Diff(c.want, rows(c.version)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// CreateModel columns point at their ("name", Field(...)) pair.
	tr := trs["shop.0001_initial"]
	var cols []string
	for _, op := range tr.Ops {
		if op.Kind == ops.CreateTable && op.Table.Name == "shop_customer" {
			for _, c := range op.Columns {
				cols = append(cols, head(spanText(tr.Migration.File, c.Span), 28))
			}
		}
	}
	want := []string{"('id', models.BigAutoField(a", "('email', models.EmailField(", "('name', models.CharField(ma", "('user', models.OneToOneFiel"}
	if diff := cmp.Diff(want, cols); diff != "" {
		t.Errorf("CreateModel column spans (-want +got):\n%s", diff)
	}
	// The data migration note is at the RunPython call.
	notes := trs["shop.0007_drop_coupon_code"].Notes
	if len(notes) != 1 || notes[0].Kind != migration.NoteDataMigration || notes[0].Span.Start.Line != 22 {
		t.Errorf("notes = %+v", notes)
	}
}

func TestTransactions(t *testing.T) {
	type row struct {
		Kind ops.Kind
		InTx bool
		Tx   int
	}
	cases := []struct {
		name  string
		attrs string
		ops   string
		want  []row
	}{{
		name: "atomic migration: one transaction",
		ops: `        migrations.AddField(
            model_name="order",
            name="gift_note",
            field=models.TextField(null=True),
        ),
        migrations.RunSQL("UPDATE shop_order SET gift_note = ''; ANALYZE shop_order"),
`,
		want: []row{{ops.AddColumn, true, 1}, {ops.Update, true, 1}, {ops.Other, true, 1}},
	}, {
		name:  "atomic = False: each statement on its own, but a string of several statements is one transaction",
		attrs: "    atomic = False",
		ops: `        migrations.AddField(
            model_name="order",
            name="gift_note",
            field=models.TextField(null=True),
        ),
        migrations.RunSQL("CREATE INDEX CONCURRENTLY order_gift_idx ON shop_order (gift_note); ANALYZE shop_order"),
        migrations.RunSQL(["CREATE INDEX CONCURRENTLY order_total_idx ON shop_order (total)", "ANALYZE shop_order"]),
`,
		want: []row{{ops.AddColumn, false, 0}, {ops.CreateIndex, true, 1}, {ops.Other, true, 1}, {ops.CreateIndex, false, 0}, {ops.Other, false, 0}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, trs := translateFiles(t, New(), map[string]string{
				"shop/migrations/0001_initial.py": initial,
				"shop/migrations/0002_change.py":  second("5.2", c.attrs, "", c.ops),
			})
			var got []row
			for _, op := range trs[1].Ops {
				got = append(got, row{op.Kind, op.InTransaction, op.Tx})
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name  string
		file  string
		kinds []ops.Kind
		notes []noteWant
	}{{
		name: "a Python syntax error is reported; the other operations are still translated",
		file: second("5.2", "", "", `        migrations.AddField(
            model_name="order",
            name="gift_note",
            field=models.TextField(null=True),
        ),
        migrations.RemoveField(
            model_name="order",
            name="coupon_code"
            oops,
        ),
        migrations.DeleteModel(
            name="Tag",
        ),
`),
		kinds: []ops.Kind{ops.AddColumn, ops.DropTable},
		notes: []noteWant{{migration.NoteSyntaxError, "Python syntax error"}},
	}, {
		name:  "no operations",
		file:  second("5.2", "", "", ""),
		notes: []noteWant{{migration.NoteUnrecognised, "the migration has no operations"}},
	}, {
		name:  "operations built by code",
		file:  strings.Replace(second("5.2", "", "", ""), "    operations = [\n    ]", "    operations = build_operations()", 1),
		notes: []noteWant{{migration.NoteUnrecognised, "operations is not a list of operation calls"}},
	}, {
		name: "a field of a model no migration defines",
		file: second("5.2", "", "", `        migrations.RemoveField(
            model_name="invoice",
            name="legacy_ref",
        ),
`),
		kinds: []ops.Kind{ops.DropColumn},
		notes: []noteWant{{migration.NoteUnrecognised, "model shop.invoice is not created by any earlier migration read: its table is taken to be shop_invoice"}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, trs := translateFiles(t, New(), map[string]string{
				"shop/migrations/0001_initial.py": initial,
				"shop/migrations/0002_change.py":  c.file,
			})
			if len(trs) != 2 {
				t.Fatalf("%d translations", len(trs))
			}
			var kinds []ops.Kind
			for _, op := range trs[1].Ops {
				kinds = append(kinds, op.Kind)
			}
			if diff := cmp.Diff(c.kinds, kinds); diff != "" {
				t.Errorf("kinds (-want +got):\n%s", diff)
			}
			checkNotes(t, trs[1].Notes, c.notes)
			for _, n := range trs[1].Notes {
				if n.Span.Empty() {
					t.Errorf("note without a position: %s", n.Message)
				}
			}
		})
	}
}

func TestSquashedTranslation(t *testing.T) {
	squash := strings.Replace(initial, "    initial = True\n", "    initial = True\n\n    replaces = [(\"shop\", \"0001_initial\")]\n", 1)
	_, trs := translateFiles(t, New(), map[string]string{
		"shop/migrations/0001_initial.py":               initial,
		"shop/migrations/0001_squashed_0001_initial.py": squash,
		"shop/migrations/0002_change.py":                second("5.2", "", "", "        migrations.DeleteModel(\n            name=\"Tag\",\n        ),\n"),
	})
	var got []string
	for _, tr := range trs {
		got = append(got, tr.Migration.Version)
		if strings.Contains(tr.Migration.Version, "squashed") {
			if len(tr.Ops) != 0 {
				t.Errorf("the squash has %d operations", len(tr.Ops))
			}
			checkNotes(t, tr.Notes, []noteWant{{migration.NoteUnrecognised, "squashed migration: the migrations it replaces are all present"}})
		}
	}
	if diff := cmp.Diff([]string{"shop.0001_initial", "shop.0001_squashed_0001_initial", "shop.0002_change"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got, want := len(trs[0].Ops), len(sqlOps(t, initialSQL, true)); got != want {
		t.Errorf("the original has %d operations, want %d", got, want)
	}
	if n := len(trs[2].Ops); n != 1 || trs[2].Ops[0].Kind != ops.DropTable {
		t.Errorf("the next migration: %+v", trs[2].Ops)
	}
}

// TestTranslateOneFile translates a file on its own, as the editor does
// with a buffer: what it cannot know is said, nothing is dropped.
func TestTranslateOneFile(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		kinds []ops.Kind
		notes []noteWant
	}{{
		name:  "no Migration class",
		text:  "from django.db import migrations\n\nOPERATIONS = []\n",
		notes: []noteWant{{migration.NoteUnrecognised, "no `class Migration(migrations.Migration)`"}},
	}, {
		name:  "the first migration of an app",
		text:  initial,
		kinds: []ops.Kind{ops.CreateTable, ops.CreateTable, ops.CreateTable, ops.CreateTable, ops.CreateIndex, ops.CreateIndex, ops.AddConstraint, ops.CreateIndex, ops.CreateIndex, ops.AddConstraint, ops.AddConstraint, ops.AddConstraint, ops.CreateIndex, ops.CreateIndex},
	}, {
		name:  "a later migration without the earlier ones",
		text:  second("5.2", "", "", "        migrations.RemoveField(\n            model_name=\"order\",\n            name=\"coupon_code\",\n        ),\n"),
		kinds: []ops.Kind{ops.DropColumn},
		notes: []noteWant{{migration.NoteUnrecognised, "model shop.order is not created by any earlier migration read"}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := "shop/migrations/0002_change.py"
			m := &migration.Migration{Path: p, File: source.NewFile(p, []byte(c.text)), Format: migration.FormatDjango, Transactional: true}
			trs := New().Translate([]*migration.Migration{m}, migration.TranslateOptions{})
			var kinds []ops.Kind
			for _, op := range trs[0].Ops {
				kinds = append(kinds, op.Kind)
			}
			if diff := cmp.Diff(c.kinds, kinds); diff != "" {
				t.Errorf("kinds (-want +got):\n%s", diff)
			}
			checkNotes(t, trs[0].Notes, c.notes)
		})
	}
}
