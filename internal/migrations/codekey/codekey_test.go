package codekey

import (
	"strings"
	"testing"
)

// key keys the first occurrence of marker in src (the whole file when
// marker is empty) or, with fn set, the module-level function fn.
func key(t *testing.T, name, src, marker, fn string) string {
	t.Helper()
	k := For(name, []byte(src))
	if k == nil {
		t.Fatalf("no keyer for %s", name)
	}
	if fn != "" {
		s, ok := k.Function(fn)
		if !ok {
			t.Fatalf("%s: no function %s", name, fn)
		}
		return s
	}
	start, end := 0, len(src)
	if marker != "" {
		start = strings.Index(src, marker)
		if start < 0 {
			t.Fatalf("%q not in the source", marker)
		}
		end = start + len(marker)
	}
	return k.Key(start, end)
}

func TestPythonFunctions(t *testing.T) {
	const base = `from django.db import migrations


def fill(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(region="").update(region="eu")
`
	cases := []struct {
		name, src string
		same      bool
	}{
		{"comments, quotes, layout and a docstring", `# -*- coding: utf-8 -*-
from __future__ import unicode_literals
from django.db import migrations


def fill(apps, schema_editor):
    """Fill the regions."""
    Order = apps.get_model('shop',
                           'Order')  # the historical model
    (Order.objects
        .filter(region=u'')
        .update(region='eu',))
`, true},
		{"another value written", `from django.db import migrations


def fill(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(region="").update(region="us")
`, false},
		{"a helper it calls is edited", `from django.db import migrations


def region():
    return "us"


def fill(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(region="").update(region=region())
`, false},
	}
	want := key(t, "m.py", base, "", "fill")
	for _, c := range cases {
		got := key(t, "m.py", c.src, "", "fill")
		if (got == want) != c.same {
			t.Errorf("%s: same key = %v, want %v\n%s\n%s", c.name, got == want, c.same, want, got)
		}
	}
}

// RunPython runs its code on migrate; a reverse function added, or the
// code named by keyword, changes nothing there.
func TestRunPython(t *testing.T) {
	src := func(call string) string {
		return "def forwards(apps, schema_editor):\n    q = Q(a=1)\n    q = q | Q(b=2)\n\n\ndef backwards(apps, schema_editor):\n    pass\n\n\nops = [" + call + "]\n"
	}
	base := key(t, "m.py", src("migrations.RunPython(forwards)"), "migrations.RunPython(forwards)", "")
	for _, call := range []string{"migrations.RunPython(forwards, migrations.RunPython.noop)", "migrations.RunPython(code=forwards, reverse_code=backwards)", "migrations.RunPython(forwards, elidable=True)"} {
		if got := key(t, "m.py", src(call), call, ""); got != base {
			t.Errorf("%s: the key differs from RunPython(forwards)'s", call)
		}
	}
	for _, call := range []string{"migrations.RunPython(backwards)", "migrations.RunPython(forwards, atomic=False)"} {
		if got := key(t, "m.py", src(call), call, ""); got == base {
			t.Errorf("%s: the same key as RunPython(forwards)", call)
		}
	}
	aug := strings.Replace(src("migrations.RunPython(forwards)"), "q = q | Q(b=2)", "q |= Q(b=2)", 1)
	if key(t, "m.py", aug, "migrations.RunPython(forwards)", "") != base {
		t.Error("q |= x and q = q | x give different keys")
	}
}

func TestPythonHelpersAreExpanded(t *testing.T) {
	src := func(value string) string {
		return "def region():\n    return " + value + "\n\n\ndef fill(apps, schema_editor):\n    apps.get_model('shop', 'Order').objects.update(region=region())\n"
	}
	if key(t, "m.py", src(`"eu"`), "", "fill") == key(t, "m.py", src(`"us"`), "", "fill") {
		t.Error("an edit of a helper the function calls gives the same key")
	}
	if key(t, "m.py", src(`"eu"`), "", "fill") != key(t, "m.py", src(`'eu'  # same`), "", "fill") {
		t.Error("a cosmetic edit of a helper changes the key")
	}
}

// SQLAlchemy 2.0 ports of Alembic data steps: the same statements.
func TestSQLAlchemyPorts(t *testing.T) {
	cases := []struct {
		name, before, after string
		same                bool
	}{
		{"row._mapping", `x = conn.execute(t.select().where(row['id'] == t.c.id))`, `x = conn.execute(t.select().where(row._mapping['id'] == t.c.id))`, true},
		{"select of a list", `stmt = sa.select([pool.c.id]).where(pool.c.x == 'ovn')`, `stmt = sa.select(pool.c.id).where(pool.c.x == 'ovn')`, true},
		{"sa.text", `conn.execute("UPDATE t SET a = 1")`, `conn.execute(sa.text("UPDATE t SET a = 1"))`, true},
		{"u prefixes", `t = sa.table(u'algorithm', sa.column(u'name', sa.String(255)))`, `t = sa.table('algorithm', sa.column('name', sa.String(255)),)`, true},
		{"implicit execution", `for r in t.select().execute():\n    pass`, `for r in op.get_bind().execute(t.select()):\n    pass`, true},
		{"the connection a table is created on", `messages.create()`, `messages.create(op.get_bind())`, true},
		{"another table created", `messages.create(migrate_engine)`, `notices.create(migrate_engine)`, false},
		{"six.text_type", `op.execute(t.update().values({'id': six.text_type(x.id)}))`, `op.execute(t.update().values({'id': str(x.id)}))`, true},
		{"another column", `stmt = sa.select([pool.c.id])`, `stmt = sa.select(pool.c.name)`, false},
		{"another condition", `conn.execute(t.delete().where(t.c.key == None))`, `conn.execute(t.delete().where(t.c.key != None))`, false},
	}
	for _, c := range cases {
		if got := key(t, "m.py", c.before, "", "") == key(t, "m.py", c.after, "", ""); got != c.same {
			t.Errorf("%s: same key = %v, want %v", c.name, got, c.same)
		}
	}
}

func TestHeaderSpanLeavesTheBodyOut(t *testing.T) {
	a := "for row in session.query(t):\n    values.append(row[0])\n"
	b := "for row in session.query(t):\n    values.append(row[1])\n"
	if key(t, "m.py", a, "for row in session.query(t):", "") != key(t, "m.py", b, "for row in session.query(t):", "") {
		t.Error("the key of a loop's header depends on its body")
	}
}

func TestRuby(t *testing.T) {
	cases := []struct {
		name, before, after string
		same                bool
	}{
		{"quotes, hash syntax, comments", `Setting.create!(name: 'text_formatting', value: Setting.text_formatting)`, `Setting.create!(:name => "text_formatting", # default
  :value => Setting.text_formatting)`, true},
		{"parentheses of a call", `Setting.create! name: "a", value: 1`, `Setting.create!(name: "a", value: 1)`, true},
		{"another value", `Setting.create!(name: 'a', value: 1)`, `Setting.create!(name: 'a', value: 2)`, false},
		{"another condition", `Issue.where(status_id: nil).delete_all`, `Issue.where.not(status_id: nil).delete_all`, false},
	}
	for _, c := range cases {
		if got := key(t, "m.rb", c.before, "", "") == key(t, "m.rb", c.after, "", ""); got != c.same {
			t.Errorf("%s: same key = %v, want %v\n%s\n%s", c.name, got, c.same, key(t, "m.rb", c.before, "", ""), key(t, "m.rb", c.after, "", ""))
		}
	}
}

func TestOtherLanguages(t *testing.T) {
	if k := For("a.sql", []byte("SELECT 1")); k != nil {
		t.Error("a keyer for SQL")
	}
	var k *Keyer
	if k.Key(0, 1) != "" {
		t.Error("a nil keyer keys")
	}
}
