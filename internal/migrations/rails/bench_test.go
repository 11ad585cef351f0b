package rails

import (
	"fmt"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
)

// genMigrations writes n migrations in the shapes real Rails histories
// have: tables with references and timestamps, added columns and
// indexes, concurrent indexes outside a transaction, renames, SQL in
// heredocs, data backfills, strong_migrations blocks.
func genMigrations(n int) []*migration.Migration {
	var ms []*migration.Migration
	tables := []string{"users"}
	for i := 0; i < n; i++ {
		tbl := tables[i%len(tables)]
		var body, header string
		switch i % 10 {
		case 0, 5:
			name := fmt.Sprintf("things_%d", i)
			parent := tables[(i/3)%len(tables)]
			body = fmt.Sprintf(`    create_table :%s do |t|
      t.string :name, null: false
      t.text :description
      t.integer :position, default: 0, null: false
      t.decimal :amount, precision: 12, scale: 2
      t.boolean :active, default: true
      t.references :%s, null: false, foreign_key: true
      t.jsonb :settings, default: {}
      t.timestamps
      t.index [:name, :position], unique: true
    end
`, name, singularize(parent))
			tables = append(tables, name)
		case 1:
			body = fmt.Sprintf("    add_column :%s, :note_%d, :string, limit: 120\n    add_column :%s, :flag_%d, :boolean, default: false, null: false\n", tbl, i, tbl, i)
		case 2:
			header = "  disable_ddl_transaction!\n\n"
			body = fmt.Sprintf("    add_index :%s, :created_at, algorithm: :concurrently, name: \"idx_%d\"\n", tbl, i)
		case 3:
			body = fmt.Sprintf("    change_table :%s, bulk: true do |t|\n      t.string :code_%d\n      t.integer :count_%d, default: 0\n      t.index :code_%d\n    end\n", tbl, i, i, i)
		case 4:
			body = fmt.Sprintf("    execute <<~SQL\n      UPDATE %s SET updated_at = now() WHERE updated_at IS NULL;\n      ALTER TABLE %s ADD COLUMN extra_%d text;\n    SQL\n", tbl, tbl, i)
		case 6:
			body = fmt.Sprintf("    add_reference :%s, :owner_%d, foreign_key: { to_table: :users, validate: false }, index: false\n", tbl, i)
		case 7:
			body = fmt.Sprintf("    add_column :%s, :tmp_%d, :integer\n    rename_column :%s, :tmp_%d, :kept_%d\n    change_column_null :%s, :kept_%d, false, 0\n", tbl, i, tbl, i, i, tbl, i)
		case 8:
			body = fmt.Sprintf("    safety_assured { remove_column :%s, :description, :text }\n    add_check_constraint :%s, \"position >= 0\", name: \"chk_%d\", validate: false\n", tbl, tbl, i)
		case 9:
			body = fmt.Sprintf("    reversible do |dir|\n      dir.up { change_column_default :%s, :name, from: nil, to: \"none\" }\n    end\n    Thing.where(active: nil).update_all(active: true)\n", tbl)
		}
		class := fmt.Sprintf("Step%d", i)
		src := fmt.Sprintf("# frozen_string_literal: true\n\nclass %s < ActiveRecord::Migration[7.1]\n%s  def change\n%s  end\nend\n", class, header, body)
		v := fmt.Sprintf("2024%010d", i)
		p := "db/migrate/" + v + "_step_" + fmt.Sprint(i) + ".rb"
		ms = append(ms, &migration.Migration{Path: p, File: source.NewFile(p, []byte(src)), Format: migration.FormatRails, Version: v, Name: "step", Transactional: true})
	}
	return ms
}

// genSchemaRB writes a schema.rb of about lines lines, as Rails 7.1
// dumps it.
func genSchemaRB(lines int) *source.File {
	var b strings.Builder
	b.WriteString("ActiveRecord::Schema[7.1].define(version: 2024_03_01_120000) do\n  enable_extension \"plpgsql\"\n\n")
	// Each table takes 14 lines and one add_foreign_key line.
	n := (lines + 11) / 15
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  create_table \"table_%d\", force: :cascade do |t|\n", i)
		fmt.Fprintf(&b, "    t.bigint \"account_id\", null: false\n    t.string \"name\", limit: 255, default: \"\", null: false\n")
		fmt.Fprintf(&b, "    t.text \"body\"\n    t.integer \"status\", default: 0, null: false\n    t.decimal \"price\", precision: 10, scale: 2\n")
		fmt.Fprintf(&b, "    t.jsonb \"data\", default: {}, null: false\n    t.boolean \"archived\", default: false\n")
		fmt.Fprintf(&b, "    t.datetime \"created_at\", null: false\n    t.datetime \"updated_at\", null: false\n")
		fmt.Fprintf(&b, "    t.index [\"account_id\"], name: \"index_table_%d_on_account_id\"\n", i)
		fmt.Fprintf(&b, "    t.index [\"name\", \"status\"], name: \"index_table_%d_on_name_and_status\", unique: true\n  end\n\n", i)
	}
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  add_foreign_key \"table_%d\", \"table_%d\", column: \"account_id\"\n", i, i-1)
	}
	b.WriteString("end\n")
	return source.NewFile("db/schema.rb", []byte(b.String()))
}

// BenchmarkTranslate: 5,000 migrations translated against a 3,000-line
// schema.rb (target: at most 1 s on the 2-core CI machine).
func BenchmarkTranslate(b *testing.B) {
	ms := genMigrations(5000)
	schema := genSchemaRB(3000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, notes := ReadSchemaRB(schema)
		if len(notes) > 0 {
			b.Fatalf("schema notes: %+v", notes[0])
		}
		trs := New().Translate(ms, migration.TranslateOptions{Catalog: c})
		if len(trs) != len(ms) || len(trs[0].Ops) == 0 {
			b.Fatal("nothing translated")
		}
	}
}

// TestBenchmarkInputs keeps the benchmark's generated files honest:
// they translate without unexpected notes.
func TestBenchmarkInputs(t *testing.T) {
	ms := genMigrations(40)
	schema := genSchemaRB(3000)
	if got := strings.Count(string(schema.Text), "\n"); got < 2990 || got > 3020 {
		t.Errorf("schema.rb has %d lines", got)
	}
	c, notes := ReadSchemaRB(schema)
	if len(notes) > 0 || len(c.Tables) < 150 {
		t.Fatalf("schema: %d tables, notes %+v", len(c.Tables), notes)
	}
	trs := New().Translate(ms, migration.TranslateOptions{Catalog: c})
	ops := 0
	for _, tr := range trs {
		ops += len(tr.Ops)
		for _, n := range tr.Notes {
			if n.Kind != migration.NoteDataMigration {
				t.Errorf("%s: %s %s", tr.Migration.Path, n.Kind, n.Message)
			}
		}
	}
	if ops < 80 {
		t.Errorf("%d operations from 40 migrations", ops)
	}
}
