package rails

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// What a migration runs only on another database is not translated; what
// it runs only on PostgreSQL is (redmine's `if Redmine::Database.mysql?`
// and `/sqlite/i.match?(connection.adapter_name)` blocks).
func TestDatabaseConditions(t *testing.T) {
	before := class("4.2", "create_table :wikis do |t|\n  t.text :body\nend\n")
	src := class("4.2", `if Redmine::Database.mysql?
  change_column :wikis, :body, :text, limit: 16.megabytes
end
if /sqlite/i.match?(ActiveRecord::Base.connection.adapter_name)
  change_column_default :wikis, :body, ""
end
unless ActiveRecord::Base.connection.adapter_name == "PostgreSQL"
  add_column :wikis, :mysql_only, :string
end
if connection.adapter_name =~ /postgres/i
  add_column :wikis, :pg_only, :string
end
if connection.adapter_name != "SQLite"
  add_column :wikis, :not_sqlite, :string
end
if Redmine::Database.mysql? || Redmine::Database.postgresql?
  add_column :wikis, :either, :string
end
`)
	trs := translateAll(t, before, src)
	var got []string
	for _, op := range trs[1].Ops {
		got = append(got, string(op.Kind)+" "+op.Column)
	}
	want := []string{"add-column pg_only", "add-column not_sqlite", "add-column either"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, n := range trs[1].Notes {
		t.Errorf("note at line %d: %s", n.Span.Start.Line, n.Message)
	}
}
