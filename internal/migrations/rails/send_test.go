package rails

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

// The statements calls send are parsed together (flushSent); the
// translation must be what parsing each when it was sent gave.

// TestSentStatementsKeepTheirPlace: a call whose SQL does not parse gets
// its note before the notes of the calls after it, and the operations
// and statement numbers stay with their calls.
func TestSentStatementsKeepTheirPlace(t *testing.T) {
	src := class("7.1", `create_table :users
add_column :users, :a, :string, null: false, default: "x"
add_column :users, :b, "int4 ("
add_column :users, :c, :integer
execute some_sql
add_column :users, :d, :integer, comment: "hi"
`)
	tr := translateAll(t, src)[0]
	// class puts the body at line 3.
	type note struct {
		Kind migration.NoteKind
		Line int
	}
	var notes []note
	for _, n := range tr.Notes {
		notes = append(notes, note{n.Kind, n.Span.Start.Line})
	}
	wantNotes := []note{{migration.NoteSyntaxError, 5}, {migration.NoteUnrecognised, 7}}
	if diff := cmp.Diff(wantNotes, notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	type op struct {
		Kind       ops.Kind
		Stmt, Line int
		Column     string
		ColumnAt   int // column of the column's name
	}
	var got []op
	for _, o := range tr.Ops {
		g := op{Kind: o.Kind, Stmt: o.Stmt, Line: o.Span.Start.Line}
		if o.ColumnDef != nil {
			g.Column, g.ColumnAt = o.ColumnDef.Name, o.ColumnDef.Span.Start.Column
		}
		got = append(got, g)
	}
	// add_column :users, :x at 4 spaces: the column's symbol is at column 24.
	want := []op{
		{Kind: ops.CreateTable, Stmt: 0, Line: 3},
		{Kind: ops.AddColumn, Stmt: 1, Line: 4, Column: "a", ColumnAt: 24},
		{Kind: ops.AddColumn, Stmt: 2, Line: 6, Column: "c", ColumnAt: 24},
		{Kind: ops.AddColumn, Stmt: 3, Line: 8, Column: "d", ColumnAt: 24},
		{Kind: ops.Comment, Stmt: 4, Line: 8},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ops (-want +got):\n%s", diff)
	}
}

// TestSentStatementsParsedAlone: a statement that does not parse makes
// flushSent parse every queued statement on its own; the operations and
// SQL of the calls before it are the same either way.
func TestSentStatementsParsedAlone(t *testing.T) {
	body := `create_table :users do |t|
  t.string :email, null: false
  t.timestamps
end
add_column :users, :name, :string, default: "x", comment: "shown"
add_index :users, :email, unique: true
add_reference :users, :account, foreign_key: true, index: false
change_column_default :users, :name, from: "x", to: "y"
change_column_null :users, :name, false
rename_column :users, :email, :mail
change_table :users, bulk: true do |t|
  t.integer :age
  t.remove :name
end
remove_index :users, :mail
`
	valid := translateAll(t, class("7.1", body))[0]
	mixed := translateAll(t, class("7.1", body+`add_column :users, :broken, "int4 ("`+"\n"))[0]
	if len(mixed.Notes) != 1 || mixed.Notes[0].Kind != migration.NoteSyntaxError {
		t.Fatalf("notes = %v, want one syntax error", mixed.Notes)
	}
	if len(valid.Ops) < 10 {
		t.Fatalf("only %d operations: the migration is not what this test is about", len(valid.Ops))
	}
	same := []cmp.Option{cmpopts.IgnoreFields(ops.Expr{}, "Node"), cmpopts.EquateEmpty()}
	if diff := cmp.Diff(normalise(valid.Ops), normalise(mixed.Ops), same...); diff != "" {
		t.Errorf("ops parsed together (-) and alone (+) differ:\n%s", diff)
	}
	if diff := cmp.Diff(valid.SQL, mixed.SQL[:len(mixed.SQL)-1], same...); diff != "" {
		t.Errorf("SQL parsed together (-) and alone (+) differs:\n%s", diff)
	}
}

// TestSentStatementsPastOneFlush: more calls than one flush holds; the
// note of the bad one and the operations keep their lines and order.
func TestSentStatementsPastOneFlush(t *testing.T) {
	var body strings.Builder
	body.WriteString("create_table :users\n")
	const calls, bad, hint = 3 * queueMax, queueMax + 5, queueMax + 20
	for i := range calls {
		switch i {
		case bad:
			body.WriteString("add_column :users, :bad, \"int4 (\"\n")
		case hint:
			body.WriteString("execute some_sql\n")
		default:
			fmt.Fprintf(&body, "add_column :users, :c%d, :integer\n", i)
		}
	}
	tr := translateAll(t, class("7.1", body.String()))[0]
	// class puts the body at line 3; call i is at line 4+i.
	var notes []int
	for _, n := range tr.Notes {
		notes = append(notes, n.Span.Start.Line)
	}
	if diff := cmp.Diff([]int{4 + bad, 4 + hint}, notes); diff != "" {
		t.Errorf("note lines (-want +got):\n%s", diff)
	}
	if len(tr.Ops) != calls-1 {
		t.Fatalf("%d operations, want %d", len(tr.Ops), calls-1)
	}
	for i, op := range tr.Ops[1:] {
		call := i
		if call >= bad {
			call++
		}
		if call >= hint {
			call++
		}
		if want := fmt.Sprintf("c%d", call); op.Kind != ops.AddColumn || op.Column != want && (op.ColumnDef == nil || op.ColumnDef.Name != want) || op.Span.Start.Line != 4+call || op.Stmt != i+1 {
			t.Fatalf("op %d: %s at line %d, statement %d; want column %s at line %d, statement %d", i+1, op.Kind, op.Span.Start.Line, op.Stmt, want, 4+call, i+1)
		}
	}
}
