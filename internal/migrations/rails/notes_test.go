package rails

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// TestNotes checks what the translator reports instead of operations:
// code it does not understand, data migrations, Ruby syntax errors.
func TestNotes(t *testing.T) {
	type want struct {
		kind migration.NoteKind
		at   string // the text the note starts at
		has  string // a piece of its message
	}
	const (
		unrec  = migration.NoteUnrecognised
		data   = migration.NoteDataMigration
		syntax = migration.NoteSyntaxError
	)
	for _, tc := range []struct {
		name  string
		src   string
		notes []want
		kinds []ops.Kind // the operations still translated
	}{
		{
			name: "an app helper and a service call",
			src: class("7.1", `add_column :users, :city, :string
Gitlab::BackgroundMigration.queue("Backfill")
backfill_cities!
`),
			notes: []want{
				{unrec, "Gitlab::BackgroundMigration.queue", "code not translated"},
				{unrec, "backfill_cities!", "`backfill_cities!` is not a migration method"},
			},
			kinds: []ops.Kind{ops.AddColumn},
		},
		{
			name: "data migrations through models",
			src: `class BackfillCities < ActiveRecord::Migration[7.1]
  class User < ApplicationRecord; end

  def up
    User.reset_column_information
    User.where(city: nil).update_all(city: "Paris")
    User.find_each { |u| u.update!(zip: "75001") }
    Post.in_batches(of: 1000).delete_all
  end
end
`,
			notes: []want{
				{data, "User.where(city: nil).update_all", "data migration"},
				{data, "User.find_each", "data migration"},
				{data, "Post.in_batches", "data migration"},
			},
		},
		{
			name: "a loop and arguments built at run time",
			src: class("7.1", `columns_from_config.each do |c|
  add_column :users, c, :string
end
add_column ENV.fetch("TABLE"), :zip, :string
while false do end
`),
			notes: []want{
				{unrec, "columns_from_config.each", "loop over values"},
				{unrec, "add_column ENV", "the table name of `add_column` is not a literal"},
				{unrec, "while", "loop not translated"},
				{unrec, "class StepMigration", "no call schemagate recognises"},
			},
		},
		{
			name: "a condition that cannot be evaluated checks both branches",
			src: class("7.1", `if Rails.env.production?
  add_index :users, :city, algorithm: :concurrently
else
  add_index :users, :city
end
`),
			notes: []want{{unrec, "Rails.env.production?", "every branch is checked"}},
			kinds: []ops.Kind{ops.CreateIndex, ops.CreateIndex},
		},
		{
			name:  "a class without recognisable calls",
			src:   class("7.1", "MyMigrationFramework.apply(self)\n"),
			notes: []want{{unrec, "MyMigrationFramework", "code not translated"}, {unrec, "class StepMigration", "no call schemagate recognises"}},
		},
		{
			name:  "a file without a migration class",
			src:   "puts 'hello'\n",
			notes: []want{{unrec, "puts", "no migration class"}},
		},
		{
			name:  "a class without up or change",
			src:   "class OnlyDown < ActiveRecord::Migration[7.1]\n  def down\n    drop_table :x\n  end\nend\n",
			notes: []want{{unrec, "class OnlyDown", "neither `change` nor `up`"}},
		},
		{
			name: "a Ruby syntax error keeps the rest",
			src: `class Broken < ActiveRecord::Migration[7.1]
  def change
    add_column :users, :zip, :string
    add_index :users, [:zip
  end
end
`,
			notes: []want{{syntax, "", "Ruby syntax error"}, {unrec, "add_index", "without columns"}},
			kinds: []ops.Kind{ops.AddColumn},
		},
		{
			name: "an SQL syntax error inside a heredoc points into it",
			src: class("7.1", `execute <<~SQL
  UPDATE users SET zip = '1';
  ALTER TABEL users ADD COLUMN x int;
SQL
`),
			notes: []want{{syntax, "TABEL", "SQL syntax error"}},
			kinds: []ops.Kind{ops.Update},
		},
		{
			name:  "a migration class without a version",
			src:   "class Old < ActiveRecord::Migration\n  def self.up\n    add_column :users, :zip, :string\n  end\nend\n",
			notes: []want{{unrec, "ActiveRecord::Migration", "without [x.y]"}},
			kinds: []ops.Kind{ops.AddColumn},
		},
		{
			name:  "an unknown Rails version",
			src:   class("9.x", "add_column :users, :zip, :string\n"),
			notes: []want{{unrec, "ActiveRecord::Migration[9.x]", "unknown migration version"}},
			kinds: []ops.Kind{ops.AddColumn},
		},
		{
			name:  "revert is not translated",
			src:   class("7.1", "revert AddZipToUsers\n"),
			notes: []want{{unrec, "revert", "revert is not translated"}, {unrec, "class StepMigration", "no call"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := translateAll(t, tc.src)[0]
			var got, exp []want
			for i, n := range tr.Notes {
				w := want{kind: n.Kind}
				if i < len(tc.notes) {
					if tc.notes[i].at != "" && strings.HasPrefix(tc.src[n.Span.Start.Offset:], tc.notes[i].at) {
						w.at = tc.notes[i].at
					} else if tc.notes[i].at == "" {
						w.at = ""
					} else {
						w.at = strings.SplitN(tc.src[n.Span.Start.Offset:], "\n", 2)[0]
					}
					if strings.Contains(n.Message, tc.notes[i].has) {
						w.has = tc.notes[i].has
					} else {
						w.has = n.Message
					}
				}
				got = append(got, w)
			}
			exp = tc.notes
			if diff := cmp.Diff(exp, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
			var kinds []ops.Kind
			for _, op := range tr.Ops {
				kinds = append(kinds, op.Kind)
			}
			if diff := cmp.Diff(tc.kinds, kinds); diff != "" {
				t.Errorf("operations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSyntaxErrorDoesNotStopOtherFiles: a broken migration is reported
// and the next one is still translated against the state.
func TestSyntaxErrorDoesNotStopOtherFiles(t *testing.T) {
	trs := translateAll(t, createUsers, "class Broken < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :x, \n", class("7.1", "remove_index :users, :email\n"))
	if len(trs[1].Notes) == 0 || trs[1].Notes[0].Kind != migration.NoteSyntaxError {
		t.Errorf("broken file notes = %+v, want a syntax error", trs[1].Notes)
	}
	if len(trs[2].Ops) != 1 || trs[2].Ops[0].Object.Name != "by_email" {
		t.Errorf("the file after it: %+v", trs[2].Ops)
	}
}

// TestSpans checks that operations point at the Ruby call (and SQL in a
// heredoc at its own line), columns at their names.
func TestSpans(t *testing.T) {
	src := class("7.1", `create_table :users do |t|
  t.string :email, null: false
end
add_index :users, :email,
  unique: true
execute <<~SQL
  UPDATE users
     SET email = lower(email);
  ALTER TABLE users ADD COLUMN zip text;
SQL
execute "DELETE FROM users WHERE email = 'a\"b'; ANALYZE users"
`)
	tr := translateAll(t, src)[0]
	type pos struct {
		Kind                   ops.Kind
		Line, Col, EndL, EndC  int
		ColLine, ColCol, ColEn int
	}
	var got []pos
	for _, op := range tr.Ops {
		p := pos{Kind: op.Kind, Line: op.Span.Start.Line, Col: op.Span.Start.Column, EndL: op.Span.End.Line, EndC: op.Span.End.Column}
		var col source.Span
		switch {
		case len(op.Columns) > 1:
			col = op.Columns[1].Span
		case op.ColumnDef != nil:
			col = op.ColumnDef.Span
		}
		p.ColLine, p.ColCol, p.ColEn = col.Start.Line, col.Start.Column, col.End.Column
		got = append(got, p)
	}
	want := []pos{
		{Kind: ops.CreateTable, Line: 3, Col: 5, EndL: 3, EndC: 24, ColLine: 4, ColCol: 16, ColEn: 22},
		{Kind: ops.CreateIndex, Line: 6, Col: 5, EndL: 7, EndC: 19},
		{Kind: ops.Update, Line: 9, Col: 7, EndL: 10, EndC: 34},
		{Kind: ops.AddColumn, Line: 11, Col: 7, EndL: 11, EndC: 44, ColLine: 11, ColCol: 36, ColEn: 39},
		{Kind: ops.Delete, Line: 13, Col: 14, EndL: 13, EndC: 52},
		{Kind: ops.Other, Line: 13, Col: 54, EndL: 13, EndC: 67},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
	for _, n := range tr.Notes {
		t.Errorf("unexpected note: %+v", n)
	}
}

// TestSafetyAssured: strong_migrations' safety_assured blocks are
// returned as suppressed spans covering the operations inside.
func TestSafetyAssured(t *testing.T) {
	src := class("7.1", `add_column :users, :zip, :string
safety_assured { remove_column :users, :name }
safety_assured do
  execute "ALTER TABLE users DROP COLUMN city"
  rename_column :users, :email, :login
end
`)
	tr := translateAll(t, createUsers, src)[1]
	var sup []string
	for _, s := range tr.Suppressed {
		sup = append(sup, src[s.Start.Offset:s.End.Offset])
	}
	want := []string{
		"safety_assured { remove_column :users, :name }",
		"safety_assured do\n      execute \"ALTER TABLE users DROP COLUMN city\"\n      rename_column :users, :email, :login\n    end",
	}
	if diff := cmp.Diff(want, sup); diff != "" {
		t.Errorf("suppressed spans (-want +got):\n%s", diff)
	}
	inside := func(sp source.Span) bool {
		for _, s := range tr.Suppressed {
			if sp.Start.Offset >= s.Start.Offset && sp.End.Offset <= s.End.Offset {
				return true
			}
		}
		return false
	}
	var kinds []string
	for _, op := range tr.Ops {
		kinds = append(kinds, string(op.Kind)+map[bool]string{true: " (suppressed)", false: ""}[inside(op.Span)])
	}
	if diff := cmp.Diff([]string{"add-column", "drop-column (suppressed)", "drop-column (suppressed)", "rename-column (suppressed)"}, kinds); diff != "" {
		t.Errorf("ops (-want +got):\n%s", diff)
	}
}

// TestTruncatedFilesDoNotPanic translates every testdata migration cut
// short at many points: half-written files (an editor's buffer) must
// give notes, never a crash.
func TestTruncatedFilesDoNotPanic(t *testing.T) {
	var ms []*migration.Migration
	for _, m := range appMigrations(t) {
		text := m.File.Text
		for cut := 0; cut < len(text); cut += 11 {
			p := m.Path
			ms = append(ms, &migration.Migration{Path: p, File: source.NewFile(p, text[:cut]), Format: migration.FormatRails, Transactional: true})
		}
	}
	trs := New().Translate(ms, migration.TranslateOptions{})
	syntax := 0
	for _, tr := range trs {
		for _, n := range tr.Notes {
			if n.Kind == migration.NoteSyntaxError {
				syntax++
			}
			if n.Span.End.Offset > len(tr.Migration.File.Text) || n.Span.Start.Offset > n.Span.End.Offset {
				t.Errorf("%s: note span %+v outside the file", tr.Migration.Path, n.Span)
			}
		}
		for _, op := range tr.Ops {
			if op.Span.End.Offset > len(tr.Migration.File.Text) {
				t.Errorf("%s: op span %+v outside the file", tr.Migration.Path, op.Span)
			}
		}
	}
	if syntax < len(ms)/2 {
		t.Errorf("%d syntax errors in %d truncated files", syntax, len(ms))
	}
}
