package rails

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

// usersTable is an earlier migration the cases below change.
var usersTable = class("7.1", `create_table :users do |t|
  t.string :email
  t.string :legacy_name
  t.string :legacy_code
end
`)

// Conditions on the adapter are decided as the PostgreSQL adapter
// answers them: only the PostgreSQL branch is translated, and another
// database's SQL is never a syntax error.
func TestAdapterConditions(t *testing.T) {
	runSQLCases(t, []sqlCase{{
		name:   "Doorkeeper's generated migration: a SQL Server branch",
		before: []string{usersTable},
		src: class("7.1", `# See https://github.com/doorkeeper-gem/doorkeeper/issues/1592
if ActiveRecord::Base.connection.adapter_name == "SQLServer"
  execute <<~SQL.squish
    CREATE UNIQUE NONCLUSTERED INDEX index_users_on_email ON users(email)
    WHERE email IS NOT NULL
  SQL
else
  add_index :users, :email, unique: true
end
`),
		sql: `CREATE UNIQUE INDEX "index_users_on_email" ON "users" ("email")`,
	}, {
		name:   "spellings of the adapter's name",
		before: []string{usersTable},
		src: class("7.1", `add_index :users, :legacy_name if connection.adapter_name.downcase.include?("postgres")
add_index :users, :legacy_code if adapter_name =~ /postg/i
execute "SELECT 1 FROM sys.objects" unless adapter_name.start_with?("Postgre")
add_column :users, :prefs, (adapter_name == "PostgreSQL" ? :jsonb : :json)
add_column :users, :seen, :boolean if ActiveRecord::Base.connection_db_config.adapter == "postgresql"
add_column :users, :kind, :string if connection.is_a?(ActiveRecord::ConnectionAdapters::PostgreSQLAdapter)
add_column :users, :rank, :integer if ActiveRecord::Base.connection.adapter_name.downcase.to_sym == :postgresql
change_column :users, :email, :text if /sqlite/i.match?(ActiveRecord::Base.connection.adapter_name)
add_column :users, :note, :text unless Redmine::Database.mysql?
add_column :users, :bio, :text if Redmine::Database.postgresql?
`),
		sql: `CREATE INDEX "index_users_on_legacy_name" ON "users" ("legacy_name");
CREATE INDEX "index_users_on_legacy_code" ON "users" ("legacy_code");
ALTER TABLE "users" ADD "prefs" jsonb;
ALTER TABLE "users" ADD "seen" boolean;
ALTER TABLE "users" ADD "kind" character varying;
ALTER TABLE "users" ADD "rank" integer;
ALTER TABLE "users" ADD "note" text;
ALTER TABLE "users" ADD "bio" text`,
	}, {
		name:   "case on the adapter",
		before: []string{usersTable},
		src: class("7.1", `case ActiveRecord::Base.connection.adapter_name
when "Mysql2", "Trilogy"
  execute "ALTER TABLE users ADD FULLTEXT INDEX (email)"
when /sqlserver/i then execute "CREATE NONCLUSTERED INDEX x ON users(email)"
when "PostgreSQL"
  add_index :users, :email, using: :gin, opclass: :gin_trgm_ops
else
  raise "unsupported"
end
kind = case adapter_name
       when "PostgreSQL" then :jsonb
       else :json
       end
add_column :users, :prefs, kind
`),
		sql: `CREATE INDEX "index_users_on_email" ON "users" USING gin ("email" gin_trgm_ops);
ALTER TABLE "users" ADD "prefs" jsonb`,
	}, {
		name:   "supports_*? as the PostgreSQL adapter of the migration's Rails version answers",
		before: []string{usersTable},
		src: class("7.1", `if supports_datetime_with_precision?
  add_column :users, :seen_at, :datetime, precision: 6
else
  add_column :users, :seen_at, :datetime
end
add_index :users, :email, nulls_not_distinct: true, unique: true if connection.supports_nulls_not_distinct?
add_column :users, :ranked, :boolean unless supports_indexes_in_create?
add_index :users, :legacy_name, name: "big" if connection.postgresql_version >= 110000
`),
		sql: `ALTER TABLE "users" ADD "seen_at" timestamp(6);
CREATE UNIQUE INDEX "index_users_on_email" ON "users" ("email") NULLS NOT DISTINCT;
ALTER TABLE "users" ADD "ranked" boolean;
CREATE INDEX "big" ON "users" ("legacy_name")`,
	}, {
		name:   "a method the adapter of an older Rails does not have is the abstract adapter's false",
		before: []string{usersTable},
		src: strings.Replace(class("6.1", `if supports_virtual_columns?
  add_column :users, :lower_email, :virtual, type: :string, as: "lower(email)", stored: true
else
  add_column :users, :lower_email, :string
end
`), "7.1", "6.1", 1),
		sql: `ALTER TABLE "users" ADD "lower_email" character varying`,
	}})
}

// Conditions that cannot be decided run every branch, whose spans are
// Translation.Undecided: what is found there is at most a warning, so a
// branch for another database is never a blocking syntax error.
func TestUndecidedBranches(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		// inside are the texts the undecided spans start with.
		inside []string
		kinds  []ops.Kind // every operation translated
		// undecided are the operations inside an undecided span.
		undecided []ops.Kind
		syntax    bool // a syntax error note, inside an undecided span
	}{
		{
			name: "if on the environment",
			src: class("7.1", `if ENV["LEGACY"]
  execute "CREATE UNIQUE NONCLUSTERED INDEX i ON users(email)"
else
  remove_column :users, :legacy_name
end
add_index :users, :email
`),
			inside:    []string{`execute "CREATE UNIQUE NONCLUSTERED`, "else"},
			kinds:     []ops.Kind{ops.DropColumn, ops.CreateIndex},
			undecided: []ops.Kind{ops.DropColumn},
			syntax:    true,
		},
		{
			name: "case on a setting, and a modifier",
			src: class("7.1", `case Rails.configuration.x.db_flavour
when "mssql" then execute "CREATE NONCLUSTERED INDEX i ON users(email)"
when "pg" then remove_column :users, :legacy_code
end
remove_column :users, :legacy_name if ENV["DROP"]
`),
			inside:    []string{`then execute "CREATE NONCLUSTERED`, "then remove_column", "remove_column :users, :legacy_name"},
			kinds:     []ops.Kind{ops.DropColumn, ops.DropColumn},
			undecided: []ops.Kind{ops.DropColumn, ops.DropColumn},
			syntax:    true,
		},
		{
			name: "the rest of a method after a return it cannot decide",
			src: class("7.1", `add_index :users, :email
return if ENV["SKIP_DROPS"]
remove_column :users, :legacy_name
remove_column :users, :legacy_code
`),
			inside:    []string{"remove_column :users, :legacy_name\n    remove_column :users, :legacy_code"},
			kinds:     []ops.Kind{ops.CreateIndex, ops.DropColumn, ops.DropColumn},
			undecided: []ops.Kind{ops.DropColumn, ops.DropColumn},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			trs := translateAll(t, usersTable, tc.src)
			tr := trs[1]
			f := tr.Migration.File
			var inside []string
			for _, u := range tr.Undecided {
				text := strings.TrimSpace(string(f.Text[u.Start.Offset:u.End.Offset]))
				for _, w := range tc.inside {
					if strings.HasPrefix(text, w) {
						text = w
					}
				}
				inside = append(inside, text)
			}
			if diff := cmp.Diff(tc.inside, inside); diff != "" {
				t.Errorf("undecided spans (-want +got):\n%s", diff)
			}
			in := func(off int) bool {
				for _, u := range tr.Undecided {
					if off >= u.Start.Offset && off < u.End.Offset {
						return true
					}
				}
				return false
			}
			var kinds, undecided []ops.Kind
			for _, op := range tr.Ops {
				kinds = append(kinds, op.Kind)
				if in(op.Span.Start.Offset) {
					undecided = append(undecided, op.Kind)
				}
			}
			if diff := cmp.Diff(tc.kinds, kinds); diff != "" {
				t.Errorf("operations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.undecided, undecided); diff != "" {
				t.Errorf("undecided operations (-want +got):\n%s", diff)
			}
			syntax := false
			for _, n := range tr.Notes {
				if n.Kind == migration.NoteSyntaxError {
					syntax = true
					if !in(n.Span.Start.Offset) {
						t.Errorf("syntax error outside the undecided branches: %s", n.Message)
					}
				}
			}
			if syntax != tc.syntax {
				t.Errorf("syntax error note: %v, want %v", syntax, tc.syntax)
			}
		})
	}
}

// Helper methods of the migration file are followed with their
// arguments bound.
func TestHelperMethods(t *testing.T) {
	runSQLCases(t, []sqlCase{{
		name:   "private def, top-level def, optional, keyword, splat and options-hash parameters",
		before: []string{usersTable},
		src: `def drop_legacy(table, *columns)
  columns.each { |c| remove_column table, c }
end

class StepMigration < ActiveRecord::Migration[7.1]
  def up
    index_on :users, :email, unique: true
    stamp :users
    drop_legacy :users, :legacy_name, :legacy_code
    add_flag :users, :banned, default: false
  end

  private def index_on(table, column, unique: false)
    add_index table, column, unique: unique
  end

  def stamp(table, column = :seen_at)
    add_column table, column, :datetime
  end

  def add_flag(table, name, options = {})
    add_column table, name, :boolean, **options
  end
end
`,
		sql: `CREATE UNIQUE INDEX "index_users_on_email" ON "users" ("email");
ALTER TABLE "users" ADD "seen_at" timestamp(6);
ALTER TABLE "users" DROP COLUMN "legacy_name";
ALTER TABLE "users" DROP COLUMN "legacy_code";
ALTER TABLE "users" ADD "banned" boolean DEFAULT FALSE`,
	}})
}

// Discourse's droppers and its DB connection read as the SQL they send.
func TestDiscourseHelpers(t *testing.T) {
	runSQLCases(t, []sqlCase{{
		name:   "ColumnDropper and TableDropper",
		before: []string{usersTable, class("7.1", "create_table :user_archives\n")},
		src: `# frozen_string_literal: true

require "migration/column_dropper"
require "migration/table_dropper"

class DropLegacyUserColumns < ActiveRecord::Migration[7.1]
  DROPPED_COLUMNS = { users: %i[legacy_name legacy_code] }

  def up
    DROPPED_COLUMNS.each { |table, columns| Migration::ColumnDropper.execute_drop(table, columns) }
    Migration::TableDropper.execute_drop("user_archives")
  end

  def down
    raise ActiveRecord::IrreversibleMigration
  end
end
`,
		sql: `DROP FUNCTION IF EXISTS discourse_functions.raise_users_legacy_name_readonly() CASCADE;
DROP FUNCTION IF EXISTS raise_users_legacy_name_readonly() CASCADE;
ALTER TABLE users DROP COLUMN IF EXISTS legacy_name;
DROP FUNCTION IF EXISTS discourse_functions.raise_users_legacy_code_readonly() CASCADE;
DROP FUNCTION IF EXISTS raise_users_legacy_code_readonly() CASCADE;
ALTER TABLE users DROP COLUMN IF EXISTS legacy_code;
DROP TABLE IF EXISTS user_archives;
DROP FUNCTION IF EXISTS discourse_functions.raise_user_archives_readonly() CASCADE`,
	}, {
		name:   "DB.exec with a heredoc and mini_sql parameters",
		before: []string{usersTable},
		src: class("7.1", `DB.exec(<<~SQL)
  CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email)
SQL
DB.exec(<<~SQL, kind: "admin", ids: [1, 2], at: Time.now)
  UPDATE users SET legacy_code = :kind WHERE id IN (:ids) AND created_at::date < :at
SQL
DB.exec("UPDATE users SET email = ? WHERE id = ?", "x@example.com", 3)
`),
		sql: `CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);
UPDATE users SET legacy_code = 'admin' WHERE id IN (1,2) AND created_at::date < $1;
UPDATE users SET email = 'x@example.com' WHERE id = 3`,
	}})
}

// The column a ColumnDropper call drops is pointed at in its list.
func TestColumnDropperSpans(t *testing.T) {
	src := class("7.1", "Migration::ColumnDropper.execute_drop(:users, %i[legacy_name legacy_code])\n")
	trs := translateAll(t, usersTable, src)
	f := trs[1].Migration.File
	var got []string
	for _, op := range trs[1].Ops {
		if op.Kind == ops.DropColumn {
			got = append(got, string(f.Text[op.Span.Start.Offset:op.Span.End.Offset]))
		}
	}
	if diff := cmp.Diff([]string{"legacy_name", "legacy_code"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
