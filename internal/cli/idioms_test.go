package cli

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/testutil"
)

// Framework migration code real projects write, checked end to end: two
// releases committed into a git repository, `schemagate check --previous`
// on the new one. The unsafe variant drops a column the previous release
// still uses and must exit 1 with the error at the call in the migration's
// own file; the safe variant is the same change after a release that
// stopped using the column, and must exit 0.

type idiomScenario struct {
	name     string
	previous map[string]string
	// safe replaces files of the previous release to make it one that no
	// longer uses the column.
	safe map[string]string
	// next adds or replaces files in the new release.
	next map[string]string
	// want are the errors of the unsafe variant: "<file>:<line> <rule>".
	want []string
}

const railsUsers = `class CreateUsers < ActiveRecord::Migration[7.1]
  def change
    create_table :users do |t|
      t.string :username, null: false
      t.string :legacy_title
      t.string :legacy_badge
      t.timestamps
    end
  end
end
`

// idiomScenarios builds on the check fixtures' releases: testdata/check
// django-remove-field and alembic-drop-column.
func idiomScenarios(t *testing.T) []idiomScenario {
	fixture := func(dir string) map[string]string {
		files := map[string]string{}
		root := filepath.Join(repoRoot(t), "testdata", "check", filepath.FromSlash(dir))
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[filepath.ToSlash(rel)] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	djangoModels := fixture("django-remove-field/new")["shop/models.py"]
	alembicModels := fixture("alembic-drop-column/new")["app/models.py"]
	return []idiomScenario{{
		name:     "django operations in class attributes",
		previous: fixture("django-remove-field/previous"),
		safe:     map[string]string{"shop/models.py": djangoModels},
		next: map[string]string{
			"shop/models.py": djangoModels,
			"shop/migrations/0002_drop_coupon_code.py": `from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("shop", "0001_initial")]

    database_operations = [
        migrations.RunSQL('ALTER TABLE "shop_order" DROP COLUMN "coupon_code"'),
    ]
    state_operations = [
        migrations.RemoveField(model_name="order", name="coupon_code"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=database_operations,
            state_operations=state_operations,
        ),
    ]
`,
		},
		want: []string{"shop/migrations/0002_drop_coupon_code.py:9 drop-column"},
	}, {
		name: "rails migration with a SQL Server branch (Doorkeeper's shape)",
		previous: map[string]string{
			"app/models/application_record.rb": "class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n",
			"app/models/oauth_access_token.rb": "class OauthAccessToken < ApplicationRecord\nend\n",
			"db/migrate/20240101000000_create_doorkeeper_tables.rb": `class CreateDoorkeeperTables < ActiveRecord::Migration[7.1]
  def change
    create_table :oauth_access_tokens do |t|
      t.string :token, null: false
      t.string :refresh_token
      t.string :previous_refresh_token, null: false, default: ""
      t.datetime :created_at, null: false
    end
    add_index :oauth_access_tokens, :token, unique: true
  end
end
`,
		},
		safe: map[string]string{
			"app/models/oauth_access_token.rb": "class OauthAccessToken < ApplicationRecord\n  self.ignored_columns = %w[previous_refresh_token]\nend\n",
		},
		next: map[string]string{
			"app/models/oauth_access_token.rb": "class OauthAccessToken < ApplicationRecord\nend\n",
			"db/migrate/20240301000000_index_refresh_tokens.rb": `class IndexRefreshTokens < ActiveRecord::Migration[7.1]
  def change
    # See https://github.com/doorkeeper-gem/doorkeeper/issues/1592
    if ActiveRecord::Base.connection.adapter_name == "SQLServer"
      execute <<~SQL.squish
        CREATE UNIQUE NONCLUSTERED INDEX index_oauth_access_tokens_on_refresh_token ON oauth_access_tokens(refresh_token)
        WHERE refresh_token IS NOT NULL
      SQL
    else
      add_index :oauth_access_tokens, :refresh_token, unique: true
      remove_column :oauth_access_tokens, :previous_refresh_token, :string, null: false, default: ""
    end
  end
end
`,
		},
		want: []string{"db/migrate/20240301000000_index_refresh_tokens.rb:11 drop-column"},
	}, {
		name: "discourse ColumnDropper migration",
		previous: map[string]string{
			"app/models/user.rb":                        "class User < ActiveRecord::Base\nend\n",
			"db/migrate/20240101000000_create_users.rb": railsUsers,
		},
		safe: map[string]string{
			"app/models/user.rb": "class User < ActiveRecord::Base\n  self.ignored_columns = %w[legacy_title legacy_badge]\nend\n",
		},
		next: map[string]string{
			"db/migrate/20240301000000_drop_legacy_user_columns.rb": `# frozen_string_literal: true

require "migration/column_dropper"

class DropLegacyUserColumns < ActiveRecord::Migration[7.1]
  DROPPED_COLUMNS = { users: %i[legacy_title legacy_badge] }

  def up
    DROPPED_COLUMNS.each do |table, columns|
      Migration::ColumnDropper.execute_drop(table, columns)
    end
  end

  def down
    raise ActiveRecord::IrreversibleMigration
  end
end
`,
		},
		// One error a column, at the execute_drop call.
		want: []string{
			"db/migrate/20240301000000_drop_legacy_user_columns.rb:10 drop-column",
			"db/migrate/20240301000000_drop_legacy_user_columns.rb:10 drop-column",
		},
	}, {
		name:     "alembic dialect branch",
		previous: fixture("alembic-drop-column/previous"),
		safe:     map[string]string{"app/models.py": alembicModels},
		next: map[string]string{
			"app/models.py": alembicModels,
			"alembic/versions/b2c3d4e5f6a7_drop_plan.py": `"""drop plan

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2024-03-01 10:00:00

"""
from alembic import op

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.engine.name.startswith("mysql") or bind.dialect.name == "mariadb":
        op.execute("ALTER TABLE accounts DROP COLUMN plan, ALGORITHM=INPLACE, LOCK=NONE")
    else:
        op.drop_column("accounts", "plan")


def downgrade() -> None:
    pass
`,
		},
		want: []string{"alembic/versions/b2c3d4e5f6a7_drop_plan.py:19 drop-column"},
	}}
}

// idiomRepo commits the previous release (tagged "previous"), then the
// new one, and leaves the new one checked out.
func idiomRepo(t *testing.T, previous, next map[string]string) string {
	t.Helper()
	repo := t.TempDir()
	write := func(files map[string]string) {
		for p, text := range files {
			full := filepath.Join(repo, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	testutil.Git(t, repo, "init", "-q", "-b", "main")
	write(previous)
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "previous release")
	testutil.Git(t, repo, "tag", "previous")
	write(next)
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "new release")
	return repo
}

func TestFrameworkIdiomsEndToEnd(t *testing.T) {
	type finding struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		File     string `json:"file"`
		Line     int    `json:"line"`
		Message  string `json:"message"`
	}
	for _, sc := range idiomScenarios(t) {
		for _, variant := range []string{"unsafe", "safe"} {
			t.Run(sc.name+"/"+variant, func(t *testing.T) {
				previous := maps.Clone(sc.previous)
				if variant == "safe" {
					maps.Copy(previous, sc.safe)
				}
				next := maps.Clone(previous)
				maps.Copy(next, sc.next)
				repo := idiomRepo(t, previous, next)
				code, out, errOut := run(t, repo, "", "check", "--previous", "previous", "--format", "json", "--color", "never")
				var doc struct {
					Findings []finding `json:"findings"`
				}
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatalf("exit %d, output is not JSON (%v):\n%s\n%s", code, err, out, errOut)
				}
				var errs []string
				for _, f := range doc.Findings {
					if f.Rule == "syntax-error" {
						t.Errorf("syntax error: %s:%d %s", f.File, f.Line, f.Message)
					}
					if f.Severity == "error" {
						errs = append(errs, fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule))
					}
				}
				want, wantCode := sc.want, ExitFindings
				if variant == "safe" {
					want, wantCode = nil, ExitClean
				}
				if code != wantCode || strings.Join(errs, "\n") != strings.Join(want, "\n") {
					t.Errorf("exit %d, errors %q; want exit %d, errors %q\n%s%s", code, errs, wantCode, want, out, errOut)
				}
			})
		}
	}
}

// A drop under a condition schemagate cannot decide is reported as a
// warning, not an error: check exits 0 and says why.
func TestUndecidedDropIsAWarning(t *testing.T) {
	previous := map[string]string{
		"app/models/user.rb":                        "class User < ActiveRecord::Base\nend\n",
		"db/migrate/20240101000000_create_users.rb": railsUsers,
	}
	next := maps.Clone(previous)
	next["db/migrate/20240301000000_drop_legacy_title.rb"] = `class DropLegacyTitle < ActiveRecord::Migration[7.1]
  def change
    if ENV["DROP_LEGACY_COLUMNS"]
      remove_column :users, :legacy_title, :string
    end
  end
end
`
	repo := idiomRepo(t, previous, next)
	code, out, errOut := run(t, repo, "", "check", "--previous", "previous", "--format", "json", "--color", "never")
	var doc struct {
		Findings []struct {
			Rule, Severity, Message string
			Line                    int
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("exit %d, output is not JSON (%v):\n%s\n%s", code, err, out, errOut)
	}
	found := false
	for _, f := range doc.Findings {
		if f.Rule == "drop-column" {
			found = true
			if f.Severity != "warning" || f.Line != 4 || !strings.Contains(f.Message, "runs only under a condition schemagate cannot decide") {
				t.Errorf("drop-column: %s at line %d: %s", f.Severity, f.Line, f.Message)
			}
		}
	}
	if code != ExitClean || !found {
		t.Errorf("exit %d (want %d), drop-column reported: %v\n%s", code, ExitClean, found, out)
	}
}
