package rails

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Operations a migration runs only after asking whether their object
// exists are Guarded: a retry skips what is done.
func TestGuards(t *testing.T) {
	before := class("7.1", "create_table :users do |t|\n  t.string :email\n  t.string :legacy\nend\n")
	src := `class Step < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!

  def up
    add_index :users, :email, algorithm: :concurrently unless index_exists?(:users, :email)
    remove_index :users, :email, algorithm: :concurrently if index_name_exists?(:users, "index_users_on_email")
    if column_exists?(:users, :legacy)
      remove_column :users, :legacy
    end
    unless table_exists?(:audits)
      create_table :audits
    end
    add_column :users, :plain, :string
    return if connection.column_exists?(:users, :nickname)
    add_column :users, :nickname, :string
  end
end
`
	trs := translateAll(t, before, src)
	type guarded struct {
		Line    int
		Guarded bool
	}
	var got []guarded
	for _, op := range trs[1].Ops {
		got = append(got, guarded{op.Span.Start.Line, op.Guarded})
	}
	want := []guarded{{5, true}, {6, true}, {8, true}, {11, true}, {13, false}, {15, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// create_table force: true drops the table first only when it exists:
// on a table the replay does not know, it is a plain create.
func TestCreateTableForceOnANewTable(t *testing.T) {
	src := class("4.2", "create_table :attachments, force: true do |t|\n  t.string :filename\nend\ncreate_table :attachments, force: :cascade do |t|\n  t.string :filename\nend\n")
	var kinds []string
	for _, op := range translateAll(t, src)[0].Ops {
		kinds = append(kinds, string(op.Kind))
	}
	want := []string{"create-table", "drop-table", "create-table"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
