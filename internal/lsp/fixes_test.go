package lsp_test

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/rules"
)

// fixCase is a project, the migration opened in the editor, and the
// fixes (ignore comments aside) the server must offer for it.
type fixCase struct {
	name  string
	dir   string            // the migration directory, linted whole before and after
	files map[string]string // the project's files
	open  string            // the document opened
	want  []string          // the titles of the fixes offered
}

const railsIndex = `class AddIndexOnUsersEmail < ActiveRecord::Migration[7.1]
  def change
    add_index :users, :email
  end
end
`

const djangoInitial = `from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="User",
            fields=[("id", models.BigAutoField(primary_key=True)), ("email", models.TextField())],
            options={"indexes": [models.Index(fields=["email"], name="user_old_idx")]},
        ),
    ]
`

func alembicFile(rev, down, body string) string {
	return fmt.Sprintf("\"\"\"%s\n\nRevision ID: %s\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = %q\ndown_revision = %s\n\n\ndef upgrade():\n%s\n\ndef downgrade():\n    pass\n", rev, rev, rev, down, body)
}

var fixCorpus = []fixCase{
	{
		name: "goose, one statement: NO TRANSACTION",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/00001_users.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n",
			"db/migrations/00002_index.sql": "-- +goose Up\n-- 🚀 naïve\nCREATE INDEX idx_users_email ON users (email);\n",
		},
		open: "db/migrations/00002_index.sql",
		want: []string{"Add CONCURRENTLY IF NOT EXISTS and run the migration outside a transaction (-- +goose NO TRANSACTION)"},
	},
	{
		name: "goose, several statements: a migration of its own",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/00001_users.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n",
			"db/migrations/00002_index.sql": "-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nick text;\nCREATE INDEX idx_users_email ON users (email);\n\n-- +goose Down\nALTER TABLE users DROP COLUMN nick;\n",
		},
		open: "db/migrations/00002_index.sql",
		want: []string{"Add CONCURRENTLY IF NOT EXISTS in a new migration 00003_index_concurrently.sql, which runs outside a transaction"},
	},
	{
		name: "golang-migrate, several statements: a migration of its own",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/000001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n",
			"db/migrations/000002_index.up.sql": "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nick text;\n  CREATE UNIQUE INDEX idx_users_email ON users (email); -- 🚀\nCOMMENT ON COLUMN users.nick IS 'naïve';\n",
		},
		open: "db/migrations/000002_index.up.sql",
		want: []string{"Add CONCURRENTLY IF NOT EXISTS in a new migration 000003_index_concurrently.up.sql, which runs outside a transaction"},
	},
	{
		name: "golang-migrate, several statements, not the last migration: nothing",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/000001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n",
			"db/migrations/000002_index.up.sql": "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nick text;\nCREATE INDEX idx_users_email ON users (email);\n",
			"db/migrations/000003_more.up.sql":  "COMMENT ON TABLE users IS 'x';\n",
		},
		open: "db/migrations/000002_index.up.sql",
		want: nil,
	},
	{
		name: "golang-migrate, one statement: in place",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/000001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\nCREATE INDEX idx_old ON users (name);\n",
			"db/migrations/000002_index.up.sql": "DROP INDEX idx_old;\n",
		},
		open: "db/migrations/000002_index.up.sql",
		want: []string{"Add CONCURRENTLY IF EXISTS"},
	},
	{
		name: "golang-migrate, CONCURRENTLY among several statements",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/000001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n",
			"db/migrations/000002_index.up.sql": "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY idx_users_email ON users (email);\nALTER TABLE users ADD COLUMN nick text;\n",
		},
		open: "db/migrations/000002_index.up.sql",
		want: []string{"Move the statement into a new migration 000003_index_concurrently.up.sql, which runs outside a transaction"},
	},
	{
		name: "dbmate, one statement: transaction:false",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/20240101000000_users.sql": "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX idx_old ON users (email);\n\n-- migrate:down\nDROP TABLE users;\n",
			"db/migrations/20240102000000_drop.sql":  "-- migrate:up\nDROP INDEX IF EXISTS idx_old;\n\n-- migrate:down\n",
		},
		open: "db/migrations/20240102000000_drop.sql",
		want: []string{"Add CONCURRENTLY and run the migration outside a transaction (-- migrate:up transaction:false)"},
	},
	{
		name: "dbmate, several statements: a migration of its own",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/20240101000000_users.sql": "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n\n-- migrate:down\nDROP TABLE users;\n",
			"db/migrations/20240102000000_idx.sql":   "-- migrate:up\nALTER TABLE users ADD COLUMN nick text;\nCREATE INDEX idx_users_nick ON users (nick);\n\n-- migrate:down\nALTER TABLE users DROP COLUMN nick;\n",
		},
		open: "db/migrations/20240102000000_idx.sql",
		want: []string{"Add CONCURRENTLY IF NOT EXISTS in a new migration 20240102000001_idx_concurrently.sql, which runs outside a transaction", "Insert SET lock_timeout"},
	},
	{
		name: "goose, CONCURRENTLY in the transaction",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/00001_users.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
			"db/migrations/00002_index.sql": "-- +goose Up\nCREATE INDEX CONCURRENTLY idx_users_email ON users (email);\n",
		},
		open: "db/migrations/00002_index.sql",
		want: []string{"Run the migration outside a transaction (-- +goose NO TRANSACTION) and add IF NOT EXISTS"},
	},
	{
		name: "plain SQL in BEGIN ... COMMIT: no CONCURRENTLY",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
			"db/migrations/002_index.sql": "BEGIN;\nCREATE INDEX idx_users_email ON users (email);\nCOMMIT;\n",
		},
		open: "db/migrations/002_index.sql",
		want: nil,
	},
	{
		name: "plain SQL: NOT VALID, lock_timeout, COMMIT, REINDEX",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/001_users.sql":  "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE INDEX idx_users_email ON users (email);\n",
			"db/migrations/002_orders.sql": "-- Ünïcödé 👩‍👩‍👧\nSET lock_timeout = '5s';\nREINDEX INDEX idx_users_email;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\nBEGIN;\nALTER TABLE users ADD COLUMN nickname text;\n",
		},
		open: "db/migrations/002_orders.sql",
		want: []string{"Add COMMIT at the end", "Add CONCURRENTLY", "Add NOT VALID and a separate VALIDATE CONSTRAINT"},
	},
	{
		name: "plain SQL outside a transaction: IF [NOT] EXISTS, lock_timeout, REFRESH CONCURRENTLY",
		dir:  "db/migrations",
		files: map[string]string{
			"db/migrations/001_users.sql":  "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE old_notes (id bigint);\nCREATE INDEX idx_users_old ON users (email);\nCREATE MATERIALIZED VIEW user_emails AS SELECT id, email FROM users;\nCREATE UNIQUE INDEX user_emails_id ON user_emails (id);\n",
			"db/migrations/002_robust.sql": "-- naïve 🚀\nCREATE INDEX CONCURRENTLY idx_users_email ON users (email);\nDROP INDEX CONCURRENTLY idx_users_old;\nCREATE TABLE notes (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN nick text;\nREFRESH MATERIALIZED VIEW user_emails;\n",
		},
		open: "db/migrations/002_robust.sql",
		want: []string{"Add CONCURRENTLY", "Add IF EXISTS", "Add IF NOT EXISTS", "Insert SET lock_timeout"},
	},
	{
		name: "Rails, one call: algorithm: :concurrently and disable_ddl_transaction!",
		dir:  "db/migrate",
		files: map[string]string{
			"db/migrate/20240101000000_add_index_on_users_email.rb": railsIndex,
		},
		open: "db/migrate/20240101000000_add_index_on_users_email.rb",
		want: []string{"Add algorithm: :concurrently, if_not_exists: true and disable_ddl_transaction!"},
	},
	{
		name: "Rails, remove_index with parentheses",
		dir:  "db/migrate",
		files: map[string]string{
			"db/migrate/20240101000000_remove_index.rb": "class RemoveIndex < ActiveRecord::Migration[7.0]\n  def change\n    remove_index(:users, :email)\n  end\nend\n",
		},
		open: "db/migrate/20240101000000_remove_index.rb",
		want: []string{"Add algorithm: :concurrently, if_exists: true and disable_ddl_transaction!"},
	},
	{
		name: "Rails, among calls that cannot run again: nothing",
		dir:  "db/migrate",
		files: map[string]string{
			"db/migrate/20240101000000_nick.rb": "class Nick < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :nick, :string\n    add_index :users, :nick\n  end\nend\n",
		},
		open: "db/migrate/20240101000000_nick.rb",
		want: nil,
	},
	{
		name: "Rails 5.2 has no if_not_exists: nothing",
		dir:  "db/migrate",
		files: map[string]string{
			"db/migrate/20240101000000_add_index_on_users_email.rb": strings.Replace(railsIndex, "[7.1]", "[5.2]", 1),
		},
		open: "db/migrate/20240101000000_add_index_on_users_email.rb",
		want: nil,
	},
	{
		name: "Rails, concurrently in the transaction",
		dir:  "db/migrate",
		files: map[string]string{
			"db/migrate/20240101000000_add_index_on_users_email.rb": strings.Replace(railsIndex, ":email\n", ":email, algorithm: :concurrently, if_not_exists: true\n", 1),
		},
		open: "db/migrate/20240101000000_add_index_on_users_email.rb",
		want: []string{"Add disable_ddl_transaction!"},
	},
	{
		name: "Django: AddIndexConcurrently with atomic = False",
		dir:  "app/migrations",
		files: map[string]string{
			"app/__init__.py":                  "",
			"app/migrations/__init__.py":       "",
			"app/migrations/0001_initial.py":   djangoInitial,
			"app/migrations/0002_add_index.py": "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [(\"app\", \"0001_initial\")]\n\n    operations = [\n        migrations.AddIndex(\n            model_name=\"user\",\n            index=models.Index(fields=[\"email\"], name=\"user_email_idx\"),\n        ),\n    ]\n",
		},
		open: "app/migrations/0002_add_index.py",
		want: []string{"Use AddIndexConcurrently with atomic = False"},
	},
	{
		name: "Django: RemoveIndexConcurrently, atomic = True turned off",
		dir:  "app/migrations",
		files: map[string]string{
			"app/__init__.py":                     "",
			"app/migrations/__init__.py":          "",
			"app/migrations/0001_initial.py":      djangoInitial,
			"app/migrations/0002_remove_index.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    atomic = True\n    dependencies = [(\"app\", \"0001_initial\")]\n\n    operations = [\n        migrations.RemoveIndex(model_name=\"user\", name=\"user_old_idx\"),\n    ]\n",
		},
		open: "app/migrations/0002_remove_index.py",
		want: []string{"Use RemoveIndexConcurrently with atomic = False"},
	},
	{
		name: "Alembic: postgresql_concurrently in an autocommit_block",
		dir:  "alembic/versions",
		files: map[string]string{
			"alembic.ini":                  "[alembic]\nscript_location = alembic\n",
			"alembic/versions/a1_users.py": alembicFile("a1", "None", "    op.create_table(\"users\", sa.Column(\"id\", sa.BigInteger(), primary_key=True), sa.Column(\"email\", sa.Text()))\n    op.create_index(\"ix_users_old\", \"users\", [\"email\"])\n"),
			"alembic/versions/b2_index.py": alembicFile("b2", "\"a1\"", "    op.add_column(\"users\", sa.Column(\"nick\", sa.Text()))\n    op.create_index(\n        \"ix_users_email\",\n        \"users\",\n        [\"email\"],\n    )\n    op.drop_index(\"ix_users_old\", table_name=\"users\")\n"),
		},
		open: "alembic/versions/b2_index.py",
		want: []string{
			"Add postgresql_concurrently=True, if_exists=True in an autocommit_block",
			"Add postgresql_concurrently=True, if_not_exists=True in an autocommit_block",
		},
	},
	{
		name: "knex: ignore comments are // comments",
		dir:  "migrations",
		files: map[string]string{
			"migrations/20240101000000_users.js": "exports.up = function (knex) {\n  return knex.schema.createTable('users', function (t) {\n    t.bigIncrements('id');\n    t.text('email');\n  });\n};\nexports.down = function () {};\n",
			"migrations/20240102000000_index.js": "exports.up = function (knex) {\n  return knex.raw('CREATE INDEX idx_users_email ON users (email)');\n};\nexports.down = function () {};\n",
		},
		open: "migrations/20240102000000_index.js",
		want: nil,
	},
}

// Every action the server offers on the corpus, applied as an editor
// applies it (files created, edits made) and the project linted again:
// the action's finding is gone, and no finding of its severity or a
// higher one has appeared.
func TestEveryFixResolvesAndAddsNothingWorse(t *testing.T) {
	for _, tc := range fixCorpus {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for p, text := range tc.files {
				writeFile(t, filepath.Join(root, p), text)
			}
			before := lintProject(t, root, tc.dir)
			c := startServer(t, lsp.Options{})
			caps := editorCaps()
			caps.Workspace.WorkspaceEdit.ResourceOperations = []string{"create", "rename", "delete"}
			c.initialize(root, caps, nil)
			text := tc.files[tc.open]
			uri := c.openAs(filepath.Join(root, tc.open), languageOf(tc.open), text)
			diags := c.waitVersion(uri, 1).Diagnostics
			if len(diags) == 0 {
				t.Fatalf("no diagnostics for %s", tc.open)
			}
			var fixes []string
			tried := 0
			for _, d := range diags {
				actions := c.codeActions(uri, d)
				for _, a := range actions {
					if len(a.Diagnostics) != 1 || a.Diagnostics[0].Code != d.Code {
						continue // another finding's, tried with it
					}
					if !strings.HasPrefix(a.Title, "Ignore ") {
						fixes = append(fixes, a.Title)
					}
					files := applyWorkspaceEdit(t, root, tc.files, uri, a)
					after := lintProject(t, writeProject(t, files), tc.dir)
					if msg := worse(before, after, d); msg != "" {
						t.Errorf("%q on %s at line %d: %s\nedited files:\n%s", a.Title, d.Code, d.Range.Start.Line+1, msg, dumpChanged(tc.files, files))
					}
					tried++
				}
			}
			sort.Strings(fixes)
			fixes = slices.Compact(fixes)
			if diff := cmp.Diff(tc.want, fixes); diff != "" {
				t.Errorf("fixes offered (-want +got):\n%s\ndiagnostics: %v", diff, codes(diags))
			}
			if tried == 0 {
				t.Errorf("no action was offered for %v", codes(diags))
			}
			c.shutdown()
		})
	}
}

func languageOf(p string) string {
	switch filepath.Ext(p) {
	case ".rb":
		return "ruby"
	case ".py":
		return "python"
	case ".js":
		return "javascript"
	case ".ts":
		return "typescript"
	case ".go":
		return "go"
	}
	return "sql"
}

// lintProject is `schemagate lint DIR` in the project at root.
func lintProject(t *testing.T, root, dir string) []rules.Finding {
	t.Helper()
	loaded := migrations.Paths([]string{filepath.Join(root, dir)}, migrations.PathOptions{PGVersion: 16})
	if len(loaded.Problems) > 0 {
		t.Fatalf("lint %s: %v", dir, loaded.Problems)
	}
	fs := lint.Run(loaded.Migrations, lint.Options{Catalog: catalog.New()})
	for i := range fs {
		rel, err := filepath.Rel(root, fs[i].File)
		if err == nil {
			fs[i].File = filepath.ToSlash(rel)
		}
	}
	return fs
}

// worse says how after is worse than before for a fix of d: d's rule
// reported no fewer times, or another rule reported more often at d's
// severity or above (allowed, the trade-off rule).
func worse(before, after []rules.Finding, d lsp.Diagnostic) string {
	sev := map[int]rules.Severity{lsp.SeverityError: rules.Error, lsp.SeverityWarning: rules.Warning, lsp.SeverityInformation: rules.Hint}[d.Severity]
	count := func(fs []rules.Finding) map[string]int {
		n := map[string]int{}
		for _, f := range fs {
			if f.Severity >= sev || f.Rule == d.Code {
				n[f.Rule]++
			}
		}
		return n
	}
	b, a := count(before), count(after)
	var out []string
	if a[d.Code] >= b[d.Code] {
		out = append(out, fmt.Sprintf("%s still reported %d times (%d before)", d.Code, a[d.Code], b[d.Code]))
	}
	for r, n := range a {
		if r != d.Code && n > b[r] {
			out = append(out, fmt.Sprintf("%s reported %d times (%d before)", r, n, b[r]))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return ""
	}
	var all []string
	for _, f := range after {
		all = append(all, fmt.Sprintf("  %s %s %s:%d", f.Severity, f.Rule, f.File, f.Span.Start.Line))
	}
	return strings.Join(out, "; ") + "\nfindings after:\n" + strings.Join(all, "\n")
}

// applyWorkspaceEdit applies an action's edit to the project's files (the
// document at uri as the editor holds it), creating files as it says.
func applyWorkspaceEdit(t *testing.T, root string, files map[string]string, uri string, a lsp.CodeAction) map[string]string {
	t.Helper()
	out := map[string]string{}
	for p, text := range files {
		out[p] = text
	}
	rel := func(u string) string {
		parsed, err := url.Parse(u)
		if err != nil || parsed.Scheme != "file" {
			t.Fatalf("%q edits %s, not a file", a.Title, u)
		}
		r, err := filepath.Rel(root, parsed.Path)
		if err != nil || strings.HasPrefix(r, "..") {
			t.Fatalf("%q edits %s, outside the project", a.Title, u)
		}
		return filepath.ToSlash(r)
	}
	if a.Edit == nil {
		t.Fatalf("%q has no edit", a.Title)
	}
	for u, edits := range a.Edit.Changes {
		p := rel(u)
		out[p] = applyEdits(out[p], edits)
	}
	for _, dc := range a.Edit.DocumentChanges {
		if dc.Kind == "create" {
			p := rel(dc.URI)
			if _, ok := out[p]; ok {
				t.Fatalf("%q creates %s, which exists", a.Title, p)
			}
			out[p] = ""
			continue
		}
		if dc.Kind != "" {
			t.Fatalf("%q: unexpected %s operation", a.Title, dc.Kind)
		}
		p := rel(dc.TextDocument.URI)
		text, ok := out[p]
		if !ok {
			t.Fatalf("%q edits %s, which does not exist", a.Title, p)
		}
		if dc.TextDocument.URI == uri && (dc.TextDocument.Version == nil || *dc.TextDocument.Version != 1) {
			t.Errorf("%q edits the document at version %v, want 1", a.Title, deref(dc.TextDocument.Version))
		}
		out[p] = applyEdits(text, dc.Edits)
	}
	return out
}

func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, text := range files {
		writeFile(t, filepath.Join(root, p), text)
	}
	return root
}

func dumpChanged(before, after map[string]string) string {
	var names []string
	for p := range after {
		if before[p] != after[p] {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, p := range names {
		fmt.Fprintf(&b, "--- %s\n%s", p, after[p])
	}
	return b.String()
}
