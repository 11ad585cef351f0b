package benchgen

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DjangoSpec sizes a generated Django project.
type DjangoSpec struct {
	Apps int
	// Migrations are the previous release's migrations, over every app;
	// Pending are the ones the new release adds.
	Migrations int
	Pending    int
	// CodeLines are lines of application code (views) per app, besides
	// models.py.
	CodeLines int
}

// DefaultDjango is the Django project of issue 16: 30 apps, 1,400
// migrations in the previous release and 20 more in the new one.
var DefaultDjango = DjangoSpec{Apps: 30, Migrations: 1400, Pending: 20, CodeLines: 400}

// The release tags DjangoGitRepo writes.
const (
	DjangoPrevious = "v1"
	DjangoNew      = "v2"
)

var djangoApps = []string{
	"accounts", "billing", "catalog", "checkout", "content", "crm", "events", "files", "forums", "geo",
	"inventory", "invoices", "jobs", "ledger", "mailing", "gallery", "messaging", "notifications", "orders", "payments",
	"profiles", "promotions", "reports", "reviews", "search", "shipping", "subscriptions", "support", "tags", "teams",
}

// djField is one field of a model, declared in migrations and models.py
// alike (the same expression, so makemigrations sees no change).
type djField struct {
	name    string
	kind    string // char, int, bool, text, time, fk
	size    int    // a char field's max_length
	null    bool
	target  string // fk: "app.model"
	indexed bool
}

func (f *djField) decl() string {
	null := ""
	if f.null {
		null = "null=True, "
	}
	switch f.kind {
	case "char":
		return fmt.Sprintf("models.CharField(%smax_length=%d)", strings.TrimSuffix(null, " "), f.size)
	case "int":
		if f.null {
			return "models.IntegerField(null=True)"
		}
		return "models.IntegerField(default=0)"
	case "bool":
		return "models.BooleanField(default=False)"
	case "text":
		return "models.TextField(blank=True, default='')"
	case "time":
		return "models.DateTimeField(null=True)"
	}
	return fmt.Sprintf("models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='%s')", f.target)
}

type djIndex struct{ name, field string }

type djModel struct {
	name    string
	fields  []*djField
	indexes []djIndex
}

type djApp struct {
	label  string
	models []*djModel
	migs   []string // migration names, in order
}

// djangoGen replays the generated history: the project state, so each
// migration is one Django accepts, and a counter for unique names.
type djangoGen struct {
	r    *rand.Rand
	apps []*djApp
	n    int
}

// DjangoProject writes the previous release of a Django project into
// dir (manage.py, settings, models.py and migrations/ per app, views) and
// returns a function that writes the new release over it.
func DjangoProject(dir string, spec DjangoSpec) (next func() error, err error) {
	if spec.Apps < 1 || spec.Apps > len(djangoApps) {
		return nil, fmt.Errorf("benchgen: Apps must be 1 to %d", len(djangoApps))
	}
	if spec.Migrations < spec.Apps {
		return nil, fmt.Errorf("benchgen: at least one migration per app")
	}
	g := &djangoGen{r: rand.New(rand.NewSource(16))}
	w := writer(dir)
	var names []string
	for _, a := range djangoApps[:spec.Apps] {
		g.apps = append(g.apps, &djApp{label: a})
		names = append(names, "    '"+a+"',\n")
	}
	if err := w("manage.py", djangoManage); err != nil {
		return nil, err
	}
	if err := w("project/__init__.py", ""); err != nil {
		return nil, err
	}
	if err := w("project/settings.py", fmt.Sprintf(djangoSettings, strings.Join(names, ""))); err != nil {
		return nil, err
	}
	for _, a := range g.apps {
		if err := w(a.label+"/__init__.py", ""); err != nil {
			return nil, err
		}
		if err := w(a.label+"/migrations/__init__.py", ""); err != nil {
			return nil, err
		}
	}
	release := func(from, to int) error {
		for i := from; i < to; i++ {
			if err := g.migration(w, i); err != nil {
				return err
			}
		}
		for _, a := range g.apps {
			if err := w(a.label+"/models.py", a.modelsPy()); err != nil {
				return err
			}
			if err := w(a.label+"/views.py", a.viewsPy(spec.CodeLines)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := release(0, spec.Migrations); err != nil {
		return nil, err
	}
	return func() error { return release(spec.Migrations, spec.Migrations+spec.Pending) }, nil
}

// DjangoGitRepo writes DjangoProject(dir, spec) as a git repository: the
// previous release committed and tagged DjangoPrevious, the new one
// DjangoNew (HEAD). ctx bounds the git commands.
func DjangoGitRepo(ctx context.Context, dir string, spec DjangoSpec) error {
	next, err := DjangoProject(dir, spec)
	if err != nil {
		return err
	}
	git := gitIn(ctx, dir)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "release 1"}, {"tag", DjangoPrevious}} {
		if err := git(args...); err != nil {
			return err
		}
	}
	if err := next(); err != nil {
		return err
	}
	for _, args := range [][]string{{"add", "-A"}, {"commit", "-q", "-m", "release 2"}, {"tag", DjangoNew}} {
		if err := git(args...); err != nil {
			return err
		}
	}
	return nil
}

func writer(dir string) func(rel, text string) error {
	return func(rel, text string) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(text), 0o644)
	}
}

// migration writes the i-th migration of the project: each app's first
// is its initial one, the rest go to apps at random with the operation
// mix of a real project.
func (g *djangoGen) migration(w func(rel, text string) error, i int) error {
	var a *djApp
	if i < len(g.apps) {
		a = g.apps[i]
	} else {
		a = g.apps[g.r.Intn(len(g.apps))]
	}
	deps := map[string]string{}
	if n := len(a.migs); n > 0 {
		deps[a.label] = a.migs[n-1]
	}
	var ops []string
	var helpers []string
	if len(a.migs) == 0 {
		for range 2 {
			ops = append(ops, g.createModel(a, deps))
		}
	} else {
		for range 1 + g.r.Intn(3) {
			op, helper := g.operation(a, deps)
			ops = append(ops, op)
			if helper != "" {
				helpers = append(helpers, helper)
			}
		}
	}
	name := fmt.Sprintf("%04d_auto_%d", len(a.migs)+1, i)
	if len(a.migs) == 0 {
		name = "0001_initial"
	}
	a.migs = append(a.migs, name)

	var b strings.Builder
	fmt.Fprintf(&b, "# Generated by Django 4.2.11 on 2024-%02d-%02d 12:00\n\n", 1+i/120%12, 1+i%28)
	b.WriteString("from django.db import migrations, models\nimport django.db.models.deletion\n\n\n")
	for _, h := range helpers {
		b.WriteString(h + "\n\n")
	}
	b.WriteString("class Migration(migrations.Migration):\n\n")
	if name == "0001_initial" {
		b.WriteString("    initial = True\n\n")
	}
	b.WriteString("    dependencies = [\n")
	keys := make([]string, 0, len(deps))
	for k := range deps {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "        ('%s', '%s'),\n", k, deps[k])
	}
	b.WriteString("    ]\n\n    operations = [\n")
	for _, op := range ops {
		b.WriteString(op)
	}
	b.WriteString("    ]\n")
	return w(a.label+"/migrations/"+name+".py", b.String())
}

func (g *djangoGen) next() int { g.n++; return g.n }

// newField makes a field a model does not have yet; a foreign key to a
// model of this app or an earlier one adds the dependency.
func (g *djangoGen) newField(a *djApp, deps map[string]string, fk bool) *djField {
	n := g.next()
	kinds := []string{"char", "char", "int", "int", "bool", "text", "time"}
	f := &djField{kind: kinds[g.r.Intn(len(kinds))], null: g.r.Intn(2) == 0}
	if fk {
		other := a
		if j := slices.Index(g.apps, a); j > 0 && g.r.Intn(2) == 0 {
			other = g.apps[g.r.Intn(j)]
		}
		if len(other.models) > 0 {
			m := other.models[g.r.Intn(len(other.models))]
			f.kind, f.null, f.target = "fk", true, other.label+"."+m.name
			if other != a {
				deps[other.label] = other.migs[len(other.migs)-1]
			}
		}
	}
	switch f.kind {
	case "char":
		f.size = 50 * (1 + g.r.Intn(4))
		f.name = fmt.Sprintf("label_%d", n)
	case "fk":
		f.name = fmt.Sprintf("ref_%d", n)
	default:
		f.name = fmt.Sprintf("%s_%d", f.kind, n)
	}
	return f
}

func (g *djangoGen) createModel(a *djApp, deps map[string]string) string {
	m := &djModel{name: fmt.Sprintf("item%d", g.next())}
	var b strings.Builder
	fmt.Fprintf(&b, "        migrations.CreateModel(\n            name='%s',\n            fields=[\n", capital(m.name))
	b.WriteString("                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),\n")
	for j := range 3 + g.r.Intn(4) {
		f := g.newField(a, deps, j == 3)
		m.fields = append(m.fields, f)
		fmt.Fprintf(&b, "                ('%s', %s),\n", f.name, f.decl())
	}
	b.WriteString("            ],\n        ),\n")
	a.models = append(a.models, m)
	return b.String()
}

// operation writes one operation on a model of a, and the function a
// RunPython calls, if any.
func (g *djangoGen) operation(a *djApp, deps map[string]string) (op, helper string) {
	m := a.models[g.r.Intn(len(a.models))]
	model := m.name
	// plain are fields that can be altered, renamed or dropped freely.
	var plain []*djField
	for _, f := range m.fields {
		if f.kind != "fk" && !f.indexed {
			plain = append(plain, f)
		}
	}
	table := a.label + "_" + m.name
	switch k := g.r.Intn(100); {
	case k < 10 && len(a.models) < 12:
		return g.createModel(a, deps), ""
	case k < 40 || len(plain) < 2:
		f := g.newField(a, deps, k%7 == 0)
		m.fields = append(m.fields, f)
		return fmt.Sprintf("        migrations.AddField(\n            model_name='%s',\n            name='%s',\n            field=%s,\n        ),\n", model, f.name, f.decl()), ""
	case k < 55:
		f := plain[g.r.Intn(len(plain))]
		switch f.kind {
		case "char":
			f.size += 50
		case "int", "time":
			f.null = !f.null
		default:
			return g.runSQL(table, f)
		}
		return fmt.Sprintf("        migrations.AlterField(\n            model_name='%s',\n            name='%s',\n            field=%s,\n        ),\n", model, f.name, f.decl()), ""
	case k < 63:
		f := plain[g.r.Intn(len(plain))]
		m.fields = slices.DeleteFunc(m.fields, func(x *djField) bool { return x == f })
		return fmt.Sprintf("        migrations.RemoveField(\n            model_name='%s',\n            name='%s',\n        ),\n", model, f.name), ""
	case k < 70:
		f := plain[g.r.Intn(len(plain))]
		old := f.name
		f.name = fmt.Sprintf("%s_v%d", strings.SplitN(old, "_v", 2)[0], g.next())
		return fmt.Sprintf("        migrations.RenameField(\n            model_name='%s',\n            old_name='%s',\n            new_name='%s',\n        ),\n", model, old, f.name), ""
	case k < 80:
		f := plain[g.r.Intn(len(plain))]
		f.indexed = true
		ix := djIndex{name: fmt.Sprintf("%s_ix%d", a.label[:3], g.next()), field: f.name}
		m.indexes = append(m.indexes, ix)
		return fmt.Sprintf("        migrations.AddIndex(\n            model_name='%s',\n            index=models.Index(fields=['%s'], name='%s'),\n        ),\n", model, ix.field, ix.name), ""
	case k < 88:
		return g.runSQL(table, plain[g.r.Intn(len(plain))])
	case k < 95:
		fn := fmt.Sprintf("backfill_%d", g.next())
		f := plain[g.r.Intn(len(plain))]
		helper = fmt.Sprintf("def %s(apps, schema_editor):\n    Model = apps.get_model('%s', '%s')\n    for row in Model.objects.filter(%s__isnull=True).iterator():\n        row.save(update_fields=['%s'])\n",
			fn, a.label, capital(model), f.name, f.name)
		return fmt.Sprintf("        migrations.RunPython(%s, migrations.RunPython.noop),\n", fn), helper
	}
	// The column made in SQL, the field told to the state: how projects
	// add a column Django would otherwise add with a rewrite.
	f := &djField{name: fmt.Sprintf("flag_%d", g.next()), kind: "int", null: true}
	m.fields = append(m.fields, f)
	return fmt.Sprintf(`        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql='ALTER TABLE "%s" ADD COLUMN "%s" integer NULL',
                    reverse_sql='ALTER TABLE "%s" DROP COLUMN "%s"',
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name='%s',
                    name='%s',
                    field=%s,
                ),
            ],
        ),
`, table, f.name, table, f.name, model, f.name, f.decl()), ""
}

func (g *djangoGen) runSQL(table string, f *djField) (string, string) {
	col := f.name
	return fmt.Sprintf("        migrations.RunSQL(\n            sql=\"UPDATE \\\"%s\\\" SET \\\"%s\\\" = \\\"%s\\\" WHERE \\\"id\\\" < 0; ANALYZE \\\"%s\\\";\",\n            reverse_sql=migrations.RunSQL.noop,\n        ),\n",
		table, col, col, table), ""
}

// modelsPy declares the app's models as the state after its migrations.
func (a *djApp) modelsPy() string {
	var b strings.Builder
	b.WriteString("from django.db import models\nimport django.db.models.deletion\n")
	for _, m := range a.models {
		fmt.Fprintf(&b, "\n\nclass %s(models.Model):\n", capital(m.name))
		for _, f := range m.fields {
			fmt.Fprintf(&b, "    %s = %s\n", f.name, f.decl())
		}
		if len(m.indexes) > 0 {
			b.WriteString("\n    class Meta:\n        indexes = [\n")
			for _, ix := range m.indexes {
				fmt.Fprintf(&b, "            models.Index(fields=['%s'], name='%s'),\n", ix.field, ix.name)
			}
			b.WriteString("        ]\n")
		}
	}
	return b.String()
}

// viewsPy is application code that reads the models' fields, through the
// ORM and in raw SQL, about lines lines long.
func (a *djApp) viewsPy(lines int) string {
	var b strings.Builder
	b.WriteString("from django.db import connection\n\nfrom . import models\n")
	for n := 0; strings.Count(b.String(), "\n") < lines; n++ {
		m := a.models[n%len(a.models)]
		f := m.fields[n%len(m.fields)]
		fmt.Fprintf(&b, "\n\ndef view_%d(request, pk):\n", n)
		fmt.Fprintf(&b, "    rows = models.%s.objects.filter(%s__isnull=False).values('id', '%s')\n", capital(m.name), f.name, f.name)
		fmt.Fprintf(&b, "    with connection.cursor() as cur:\n        cur.execute('SELECT \"%s\" FROM \"%s_%s\" WHERE id = %%s', [pk])\n", f.name, a.label, m.name)
		b.WriteString("        first = cur.fetchone()\n    total = 0\n    for row in rows:\n        total += 1\n    return first, total\n")
	}
	return b.String()
}

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

const djangoManage = `#!/usr/bin/env python
import os
import sys

if __name__ == '__main__':
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'project.settings')
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
`

const djangoSettings = `import os

SECRET_KEY = 'benchmark-only'
DEBUG = False
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
INSTALLED_APPS = [
%s]
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.sqlite3',
        'NAME': os.environ.get('BENCH_DB', ':memory:'),
    },
}
USE_TZ = True
`
