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

// table.create(bind, checkfirst=True) is `if not table.exists(bind):
// table.create(bind)`: the call under the guard keys as the one that
// checks first (the translator drops the guard's note).
func TestCheckfirst(t *testing.T) {
	cases := []struct {
		name, before, bcall, after, acall string
		same                              bool
	}{
		{"a guard", "for t in tables:\n    if not t.exists():\n        t.create()", "t.create()", "for t in tables:\n    t.create(conn, checkfirst=True)", "t.create(conn, checkfirst=True)", true},
		{"a guard around a try", "if not t.exists():\n    try:\n        t.create()\n    except Exception:\n        raise", "t.create()", "try:\n    t.create(bind=conn, checkfirst=True)\nexcept Exception:\n    raise", "t.create(bind=conn, checkfirst=True)", true},
		{"checkfirst=False", "t.create(conn, checkfirst=False)", "", "t.create()", "", true},
		{"create_all checks first by default", "meta.create_all(conn)", "", "meta.create_all(conn, checkfirst=True)", "", true},
		{"a drop guarded", "if t.exists():\n    t.drop()", "t.drop()", "t.drop(checkfirst=True)", "", true},
		{"no guard", "t.create()", "", "t.create(checkfirst=True)", "", false},
		{"a guard on another table", "if not u.exists():\n    t.create()", "t.create()", "t.create(checkfirst=True)", "", false},
		{"a guard with an else", "if not t.exists():\n    t.create()\nelse:\n    pass", "t.create()", "t.create(checkfirst=True)", "", false},
		{"a create guarded by existence", "if t.exists():\n    t.create()", "t.create()", "t.create(checkfirst=True)", "", false},
	}
	for _, c := range cases {
		if got := key(t, "m.py", c.before, c.bcall, "") == key(t, "m.py", c.after, c.acall, ""); got != c.same {
			t.Errorf("%s: same key = %v, want %v", c.name, got, c.same)
		}
	}
}

// How many rows a Django query reads or writes at a time changes no row.
func TestPythonBatchSizes(t *testing.T) {
	cases := []struct {
		name, before, after string
		same                bool
	}{
		{"iterator's chunk size", `for u in users().iterator():\n    fix(u)`, `for u in users().iterator(2000):\n    fix(u)`, true},
		{"chunk_size=", `for u in qs.iterator(chunk_size=100):\n    fix(u)`, `for u in qs.iterator():\n    fix(u)`, true},
		{"iterator's chunk size after a comment", "for u in qs.iterator():\n    fix(u)", "for u in qs.iterator(  # a page\n    2000):\n    fix(u)", true},
		{"bulk_update's batch size", `M.objects.bulk_update(objs, ["a"])`, `M.objects.bulk_update(objs, ["a"], batch_size=500)`, true},
		{"another query", `for u in users().iterator():\n    fix(u)`, `for u in admins().iterator(2000):\n    fix(u)`, false},
		{"another field updated", `M.objects.bulk_update(objs, ["a"], batch_size=5)`, `M.objects.bulk_update(objs, ["b"], batch_size=5)`, false},
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
		{"where.missing", `TimeEntryActivity.left_outer_joins(:project).where(projects: {id: nil}).where.not(project_id: nil).delete_all`, `TimeEntryActivity.where.missing(:project).where.not(project_id: nil).delete_all`, true},
		{"where.missing, left_joins and rockets", `Issue.left_joins(:category).where(:categories => {:id => nil}).delete_all`, `Issue.where.missing(:category).delete_all`, true},
		{"where.missing of another association", `Issue.left_outer_joins(:project).where(projects: {id: nil}).delete_all`, `Issue.where.missing(:author).delete_all`, false},
		{"a join without the missing rows", `Issue.left_outer_joins(:project).where(projects: {id: 1}).delete_all`, `Issue.where.missing(:project).delete_all`, false},
		{"a condition on another table", `Issue.left_outer_joins(:project).where(users: {id: nil}).delete_all`, `Issue.where.missing(:project).delete_all`, false},
		{"a batch size", `Issue.find_each { |i| i.touch }`, `Issue.find_each(batch_size: 500) { |i| i.touch }`, true},
		{"in_batches of", `Issue.where(a: 1).in_batches(of: 100).update_all(b: 2)`, `Issue.where(a: 1).in_batches.update_all(b: 2)`, true},
		{"a batch's start", `Issue.find_each(batch_size: 10) { |i| i.touch }`, `Issue.find_each(start: 10) { |i| i.touch }`, false},
		{"another block", `Issue.find_each { |i| i.touch }`, `Issue.find_each(batch_size: 500) { |i| i.destroy }`, false},
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
