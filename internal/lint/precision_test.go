package lint_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/rules"
)

// Framework migrations checked whole, as lint runs them: written to a
// directory, discovered, translated and linted in order on one replayed
// catalog. Each case is a false alarm or a miss of real histories: the
// rule must fire exactly where wanted and stay quiet elsewhere.

// want is a finding of the case's rule: the file it is in (by suffix),
// its line, and a regexp its message (or, with hint set, its hint) must
// match.
type want struct {
	File string
	Line int
	Text string
}

type precisionCase struct {
	name  string
	files map[string]string // path under the project -> text
	dir   string            // the directory linted, under the project
	rule  string
	want  []want
	hint  bool // Text matches the hint instead of the message
}

func lintProject(t *testing.T, files map[string]string, dir string) []rules.Finding {
	t.Helper()
	root := t.TempDir()
	for p, text := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	found, err := migrations.Load(os.DirFS(root), migrations.Config{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Migrations) == 0 {
		t.Fatalf("no migrations found below %s", dir)
	}
	return lint.Run(found.Migrations, lint.Options{Catalog: catalog.New()})
}

func runPrecisionCases(t *testing.T, cases []precisionCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			type got struct {
				File string
				Line int
				Text string
			}
			var gots []got
			for _, f := range lintProject(t, c.files, c.dir) {
				if f.Rule == rules.InternalError.Name {
					t.Errorf("%s:%d: %s", f.File, f.Span.Start.Line, f.Message)
				}
				if f.Rule != c.rule {
					continue
				}
				text := f.Message
				if c.hint {
					text = f.Hint
				}
				g := got{File: f.File, Line: f.Span.Start.Line, Text: text}
				for _, w := range c.want {
					if strings.HasSuffix(f.File, w.File) && w.Line == g.Line && regexp.MustCompile(w.Text).MatchString(text) {
						g = got(w)
						break
					}
				}
				gots = append(gots, g)
			}
			var wants []got
			for _, w := range c.want {
				wants = append(wants, got(w))
			}
			less := func(s []got) {
				sort.Slice(s, func(i, j int) bool { return s[i].File+string(rune(s[i].Line)) < s[j].File+string(rune(s[j].Line)) })
			}
			less(gots)
			less(wants)
			if diff := cmp.Diff(wants, gots); diff != "" {
				t.Errorf("%s findings (-want +got):\n%s", c.rule, diff)
			}
		})
	}
}

func rb(class, body string) string {
	return "class " + class + " < ActiveRecord::Migration[7.1]\n" + body + "end\n"
}

func TestRailsPrecision(t *testing.T) {
	createThings := rb("CreateThings", "  def change\n    create_table :things do |t|\n      t.string :name, index: true\n    end\n  end\n")
	cases := []precisionCase{
		{
			name: "remove_index on a table the same migration drops",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_drop_things.rb":   rb("DropThings", "  def up\n    remove_index :things, :name\n    drop_table :things\n  end\nend\n"),
			},
			dir: "db/migrate", rule: "require-concurrent-index-deletion",
		},
		{
			name: "remove_index on a table that stays",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_drop_index.rb":    rb("DropIndex", "  def up\n    remove_index :things, :name\n  end\nend\n"),
			},
			dir: "db/migrate", rule: "require-concurrent-index-deletion",
			want: []want{{"20240102000000_drop_index.rb", 3, "index_things_on_name"}},
		},
		{
			name: "drop_table after drop_table holds no lock anyone waits for",
			files: map[string]string{
				"db/migrate/20240101000000_create.rb": rb("Create", "  def change\n    create_table :permissions\n    create_table :permissions_roles\n  end\n"),
				"db/migrate/20240102000000_drop.rb":   rb("Drop", "  def up\n    drop_table :permissions\n    drop_table :permissions_roles\n  end\nend\n"),
			},
			dir: "db/migrate", rule: "statement-after-access-exclusive",
		},
		{
			// redmine's 20130215073721: one change_column sends ALTER TYPE,
			// SET DEFAULT and SET NOT NULL; the next call waits behind them.
			name: "the statements of one change_column are one step",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_widen.rb":         "class Widen < ActiveRecord::Migration[4.2]\n  def up\n    change_column :things, :name, :text, default: '', null: false\n    add_index :things, :id\n  end\nend\n",
			},
			dir: "db/migrate", rule: "statement-after-access-exclusive",
			want: []want{{"20240102000000_widen.rb", 4, "^CREATE INDEX runs while the ACCESS EXCLUSIVE lock on things taken at line 3"}},
		},
		{
			name: "create_table force: true on a table that is not there",
			files: map[string]string{
				"db/migrate/001_setup.rb": rb("Setup", "  def self.up\n    create_table :attachments, force: true do |t|\n      t.string :filename\n    end\n    create_table :journals, force: true do |t|\n      t.text :notes\n    end\n  end\n"),
			},
			dir: "db/migrate", rule: "drop-table",
		},
		{
			name: "create_table force: true takes no lock the rest waits for",
			files: map[string]string{
				"db/migrate/001_setup.rb": rb("Setup", "  def self.up\n    create_table :attachments, force: true do |t|\n      t.string :filename\n    end\n    create_table :journals, force: true do |t|\n      t.text :notes\n    end\n  end\n"),
			},
			dir: "db/migrate", rule: "statement-after-access-exclusive",
		},
		{
			name: "create_table force: true on a table that is not there takes no lock",
			files: map[string]string{
				"db/migrate/001_setup.rb": rb("Setup", "  def self.up\n    create_table :attachments, force: true do |t|\n      t.string :filename\n    end\n  end\n"),
			},
			dir: "db/migrate", rule: "require-lock-timeout",
		},
		{
			name: "create_table force: true locks a table that is there",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_recreate.rb":      rb("Recreate", "  def up\n    create_table :things, force: true do |t|\n      t.text :label\n    end\n  end\nend\n"),
			},
			dir: "db/migrate", rule: "require-lock-timeout",
			want: []want{{"20240102000000_recreate.rb", 3, "DROP TABLE takes an ACCESS EXCLUSIVE lock on things"}},
		},
		{
			name: "create_table force: true drops a table that is there",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_recreate.rb":      rb("Recreate", "  def up\n    create_table :things, force: true do |t|\n      t.text :label\n    end\n  end\nend\n"),
			},
			dir: "db/migrate", rule: "drop-table",
			want: []want{{"20240102000000_recreate.rb", 3, "things"}},
		},
		{
			name: "guarded statements outside a transaction are robust",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_index.rb": rb("Index", `  disable_ddl_transaction!

  def up
    add_index :things, :id, algorithm: :concurrently unless index_exists?(:things, :id)
    remove_index :things, :name, algorithm: :concurrently if index_name_exists?(:things, "index_things_on_name")
    unless column_exists?(:things, :code)
      add_column :things, :code, :string
    end
    add_column :things, :label, :string
  end
end
`),
			},
			dir: "db/migrate", rule: "prefer-robust-statements",
			want: []want{{"20240102000000_index.rb", 10, "^ADD COLUMN without IF NOT EXISTS"}},
		},
		{
			name: "the robustness hint is Rails'",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_index.rb":         rb("Index", "  disable_ddl_transaction!\n\n  def up\n    add_index :things, :id, algorithm: :concurrently\n  end\nend\n"),
			},
			dir: "db/migrate", rule: "prefer-robust-statements", hint: true,
			want: []want{{"20240102000000_index.rb", 5, `^pass if_not_exists: true to add_index \(Rails 6\.1\+\), or guard it: add_index unless index_exists\?`}},
		},
		{
			name: "a column dropped twice",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_drop_name.rb":     rb("DropName", "  def change\n    remove_column :things, :name, :string\n  end\n"),
				"db/migrate/20240103000000_drop_again.rb":    rb("DropAgain", "  def change\n    remove_column :things, :name, :string\n  end\n"),
				"db/migrate/20240104000000_guarded.rb":       rb("Guarded", "  def up\n    remove_column :things, :name if column_exists?(:things, :name)\n  end\nend\n"),
			},
			dir: "db/migrate", rule: "fails-against-schema",
			want: []want{{"20240103000000_drop_again.rb", 3, `column "name" of relation "things" does not exist; 20240102000000_drop_name\.rb \(line 3\) dropped it`}},
		},
		{
			name: "a column added twice, an index added twice",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_add_code.rb":      rb("AddCode", "  def change\n    add_column :things, :code, :string\n    add_index :things, :code\n  end\n"),
				"db/migrate/20240103000000_add_again.rb":     rb("AddAgain", "  def change\n    add_column :things, :code, :string\n    add_index :things, :code\n  end\n"),
			},
			dir: "db/migrate", rule: "fails-against-schema",
			want: []want{
				{"20240103000000_add_again.rb", 3, `column "code" of relation "things" already exists; 20240102000000_add_code\.rb \(line 3\) added it`},
				{"20240103000000_add_again.rb", 4, `relation "index_things_on_code" already exists; 20240102000000_add_code\.rb \(line 4\) created it`},
			},
		},
		{
			name: "tables the migrations never created are not judged",
			files: map[string]string{
				"db/migrate/20240102000000_drop_name.rb":  rb("DropName", "  def change\n    remove_column :legacy, :name, :string\n  end\n"),
				"db/migrate/20240103000000_drop_again.rb": rb("DropAgain", "  def change\n    remove_column :legacy, :name, :string\n  end\n"),
			},
			dir: "db/migrate", rule: "fails-against-schema",
		},
		{
			name: "not after code the translator cannot read",
			files: map[string]string{
				"db/migrate/20240101000000_create_things.rb": createThings,
				"db/migrate/20240102000000_helper.rb":        rb("Helper", "  def up\n    SchemaHelper.add_columns(:things)\n  end\nend\n"),
				"db/migrate/20240103000000_use.rb":           rb("Use", "  def up\n    remove_column :things, :code\n  end\nend\n"),
			},
			dir: "db/migrate", rule: "fails-against-schema",
		},
	}
	runPrecisionCases(t, cases)
}

func djangoMigration(version, deps, body string, atomic bool) string {
	head := "# Generated by Django " + version + " on 2024-01-01 00:00\n\nimport django.contrib.postgres.operations\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
	if !atomic {
		head += "    atomic = False\n"
	}
	return head + "\n    dependencies = [" + deps + "]\n\n    operations = [\n" + body + "    ]\n"
}

func TestDjangoPrecision(t *testing.T) {
	initial := djangoMigration("5.0", "", `        migrations.CreateModel(
            name="Book",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
            ],
        ),
`, true)
	app := func(more map[string]string) map[string]string {
		files := map[string]string{
			"shop/__init__.py":                "",
			"shop/migrations/__init__.py":     "",
			"shop/migrations/0001_initial.py": initial,
			"shop/models.py":                  "",
			"config/settings.py":              "INSTALLED_APPS = ['shop']\n",
			"manage.py":                       "",
		}
		for k, v := range more {
			files[k] = v
		}
		return files
	}
	cases := []precisionCase{
		{
			name: "AddIndexConcurrently cannot say IF NOT EXISTS: the hint is Django's way",
			files: app(map[string]string{"shop/migrations/0002_index.py": djangoMigration("5.0", `("shop", "0001_initial")`, `        django.contrib.postgres.operations.AddIndexConcurrently(
            model_name="book",
            index=models.Index(fields=["title"], name="book_title_idx"),
        ),
`, false)}),
			dir: ".", rule: "prefer-robust-statements", hint: true,
			want: []want{{"0002_index.py", 13, `^Django's AddIndexConcurrently cannot say IF NOT EXISTS: write the SQL with IF NOT EXISTS in migrations\.SeparateDatabaseAndState`}},
		},
		{
			name: "RunSQL can say it",
			files: app(map[string]string{"shop/migrations/0002_index.py": djangoMigration("5.0", `("shop", "0001_initial")`, `        migrations.RunSQL("CREATE INDEX CONCURRENTLY book_title_idx ON shop_book (title)"),
`, false)}),
			dir: ".", rule: "prefer-robust-statements", hint: true,
			want: []want{{"0002_index.py", 13, `^add IF NOT EXISTS to the SQL$`}},
		},
		{
			name: "db_default={} is a constant: no rewrite",
			files: app(map[string]string{"shop/migrations/0002_prefs.py": djangoMigration("5.0", `("shop", "0001_initial")`, `        migrations.AddField(
            model_name="book",
            name="prefs",
            field=models.JSONField(db_default={}),
        ),
`, true)}),
			dir: ".", rule: "add-column-volatile-default",
		},
		{
			name: "a db_default schemagate cannot compile is shown as written",
			files: app(map[string]string{"shop/migrations/0002_prefs.py": djangoMigration("5.0", `("shop", "0001_initial")`, `        migrations.AddField(
            model_name="book",
            name="code",
            field=models.CharField(max_length=20, db_default=MakeCode()),
        ),
`, true)}),
			dir: ".", rule: "add-column-volatile-default",
			want: []want{{"0002_prefs.py", 12, `the default MakeCode\(\) is volatile`}},
		},
		{
			name: "AddField of a ForeignKey is ADD COLUMN ... REFERENCES: every row is validated",
			files: app(map[string]string{"shop/migrations/0002_author.py": djangoMigration("5.0", `("shop", "0001_initial")`, `        migrations.CreateModel(
            name="Author",
            fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))],
        ),
        migrations.AddField(
            model_name="book",
            name="author",
            field=models.ForeignKey(null=True, on_delete=models.deletion.CASCADE, to="shop.author"),
        ),
`, true)}),
			dir: ".", rule: "constraint-missing-not-valid", hint: true,
			want: []want{{"0002_author.py", 16, `^add the field with db_constraint=False`}},
		},
		{
			name: "a column RunSQL drops after RemoveField dropped it",
			files: app(map[string]string{
				"shop/migrations/0002_remove.py": djangoMigration("5.0", `("shop", "0001_initial")`, "        migrations.RemoveField(model_name=\"book\", name=\"title\"),\n", true),
				"shop/migrations/0003_again.py":  djangoMigration("5.0", `("shop", "0002_remove")`, "        migrations.RunSQL(\"ALTER TABLE shop_book DROP COLUMN title\"),\n", true),
			}),
			dir: ".", rule: "fails-against-schema",
			want: []want{{"0003_again.py", 12, `column "title" of relation "shop_book" does not exist; 0002_remove\.py \(line 12\) dropped it`}},
		},
	}
	runPrecisionCases(t, cases)
}

func alembicRevision(rev, down, body string) string {
	return "\"\"\"r\n\nRevision ID: " + rev + "\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = '" + rev + "'\ndown_revision = " + down + "\n\n\ndef upgrade():\n" + body + "\n\ndef downgrade():\n    pass\n"
}

func TestAlembicPrecision(t *testing.T) {
	files := map[string]string{
		"alembic.ini":                       "[alembic]\nscript_location = %(here)s/migrations\n",
		"migrations/env.py":                 "",
		"migrations/versions/a1_users.py":   alembicRevision("a1", "None", "    op.create_table('users', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('email', sa.Text()), sa.Column('name', sa.Text()))\n"),
		"migrations/versions/b2_indexes.py": alembicRevision("b2", "'a1'", "    with op.get_context().autocommit_block():\n        insp = sa.inspect(op.get_bind())\n        if 'ix_users_email' not in [i['name'] for i in insp.get_indexes('users')]:\n            op.create_index('ix_users_email', 'users', ['email'], postgresql_concurrently=True)\n        op.create_index('ix_users_name', 'users', ['name'], postgresql_concurrently=True)\n"),
	}
	// OpenStack's histories: a MySQL-only block, oslo_db's String, an
	// application type, a server default Python computes.
	openstack := map[string]string{
		"alembic.ini":                   files["alembic.ini"],
		"migrations/env.py":             "",
		"migrations/versions/a1_bay.py": alembicRevision("a1", "None", "    op.create_table('bay', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('cert_uuid', sa.String(36)), sa.Column('spec', sa.Text()), sa.Column('created', sa.Float()))\n"),
		"migrations/versions/b2_widen.py": "from oslo_db.sqlalchemy.types import String\nfrom mistral.db.sqlalchemy import types as st\nfrom octavia.common import constants\n" + alembicRevision("b2", "'a1'", `    bind = op.get_bind()
    if bind and bind.engine.name == "mysql":
        op.alter_column('bay', 'created', type_=sa.DateTime())
    op.alter_column('bay', 'cert_uuid', type_=String(512, mysql_ndb_type=TEXT))
    op.alter_column('bay', 'spec', type_=st.JsonMediumDictType())
    op.add_column('bay', sa.Column('status', sa.String(16), nullable=False, server_default=constants.ONLINE))
    op.alter_column('bay', 'id', type_=sa.BigInteger())
`),
	}
	runPrecisionCases(t, []precisionCase{{
		name:  "a guarded create_index is robust; the hint is Alembic's",
		files: files, dir: ".", rule: "prefer-robust-statements", hint: true,
		want: []want{{"b2_indexes.py", 17, `^pass if_not_exists=True to op\.create_index \(Alembic 1\.12\+\)`}},
	}, {
		name:  "type changes that rewrite nothing, or only on MySQL",
		files: openstack, dir: ".", rule: "change-column-type",
		want: []want{{"b2_widen.py", 22, `^changing bay\.id from integer to bigint rewrites`}},
	}, {
		name:  "a server default Python computes is a constant",
		files: openstack, dir: ".", rule: "add-column-volatile-default",
	}})
}
