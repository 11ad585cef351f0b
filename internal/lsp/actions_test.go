package lsp_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/rules"
)

// insertAt is a text edit inserting s before the n-th (0-based)
// occurrence of sub in text, or after it when after is set.
func insertAt(text, sub string, n int, after bool, s string) lsp.TextEdit {
	i := -1
	for k := 0; k <= n; k++ {
		i += 1 + strings.Index(text[i+1:], sub)
	}
	if after {
		i += len(sub)
	}
	p := utf16Pos(text, i)
	return lsp.TextEdit{Range: lsp.Range{Start: p, End: p}, NewText: s}
}

// Each case applies fixes one after the other, through the code actions
// the server offers for a diagnostic, until the migration is clean of
// the rules it fixed.
func TestCodeActionFixes(t *testing.T) {
	type step struct {
		rule  string
		title string
		edits func(text string) []lsp.TextEdit
	}
	cases := []struct {
		name  string
		file  string
		text  string
		steps []step
		// rules left when every step is applied
		left []string
	}{
		{
			name: "goose: CONCURRENTLY IF NOT EXISTS and NO TRANSACTION",
			file: "db/migrations/20240101120000_index.sql",
			text: "-- +goose Up\nCOMMENT ON TABLE users IS 'naïve 🚀'; CREATE INDEX idx_users_email ON users (email);\n",
			steps: []step{
				{rules.RequireConcurrentIndexCreation.Name, "Add CONCURRENTLY IF NOT EXISTS and run the migration outside a transaction (-- +goose NO TRANSACTION)", func(text string) []lsp.TextEdit {
					return []lsp.TextEdit{
						insertAt(text, "CREATE INDEX", 0, true, " CONCURRENTLY IF NOT EXISTS"),
						{Range: lsp.Range{}, NewText: "-- +goose NO TRANSACTION\n"},
					}
				}},
			},
			left: []string{},
		},
		{
			name: "dbmate: CONCURRENTLY and transaction:false",
			file: "db/migrations/20240101120000_index.sql",
			text: "-- migrate:up\n-- 🚀 émoji\nCREATE INDEX IF NOT EXISTS idx_users_email ON users (email);\n\n-- migrate:down\nDROP INDEX idx_users_email;\n",
			steps: []step{
				{rules.RequireConcurrentIndexCreation.Name, "Add CONCURRENTLY and run the migration outside a transaction (-- migrate:up transaction:false)", func(text string) []lsp.TextEdit {
					return []lsp.TextEdit{
						insertAt(text, "CREATE INDEX", 0, true, " CONCURRENTLY"),
						insertAt(text, "-- migrate:up", 0, true, " transaction:false"),
					}
				}},
			},
			left: []string{},
		},
		{
			name: "goose: CONCURRENTLY inside the transaction",
			file: "db/migrations/20240101120000_index.sql",
			text: "-- +goose Up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);\n",
			steps: []step{
				{rules.ConcurrentlyInTransaction.Name, "Run the migration outside a transaction (-- +goose NO TRANSACTION)", func(text string) []lsp.TextEdit {
					return []lsp.TextEdit{{Range: lsp.Range{}, NewText: "-- +goose NO TRANSACTION\n"}}
				}},
			},
			left: []string{},
		},
		{
			name: "plain SQL: NOT VALID and VALIDATE, lock_timeout",
			file: "db/migrations/003_fk.sql",
			text: "-- Ünïcödé 👩‍👩‍👧\nALTER TABLE users ADD COLUMN nickname text;\n  ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n",
			steps: []step{
				{rules.RequireLockTimeout.Name, "Insert SET lock_timeout", func(text string) []lsp.TextEdit {
					return []lsp.TextEdit{insertAt(text, "ALTER TABLE users", 0, false, "SET lock_timeout = '5s';\n")}
				}},
				{rules.ConstraintMissingNotValid.Name, "Add NOT VALID and a separate VALIDATE CONSTRAINT", func(text string) []lsp.TextEdit {
					return []lsp.TextEdit{insertAt(text, "(id)", 0, true, " NOT VALID;\n-- run in a separate transaction:\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk")}
				}},
			},
			left: []string{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			// The migration directory exists, as it does when an editor
			// opens a new migration in it.
			if err := os.MkdirAll(filepath.Join(root, filepath.Dir(tc.file)), 0o755); err != nil {
				t.Fatal(err)
			}
			c := startServer(t, lsp.Options{})
			c.initialize(root, editorCaps(), nil)
			uri := c.open(filepath.Join(root, tc.file), tc.text)
			text := tc.text
			version := int32(1)
			diags := c.waitVersion(uri, version).Diagnostics
			for _, st := range tc.steps {
				i := slices.IndexFunc(diags, func(d lsp.Diagnostic) bool { return d.Code == st.rule })
				if i < 0 {
					t.Fatalf("no %s diagnostic in %v\ntext:\n%s", st.rule, codes(diags), text)
				}
				d := diags[i]
				actions := c.codeActions(uri, d)
				j := slices.IndexFunc(actions, func(a lsp.CodeAction) bool { return a.Title == st.title })
				if j < 0 {
					t.Fatalf("no action %q among %v", st.title, titles(actions))
				}
				v := version
				want := lsp.CodeAction{
					Title: st.title, Kind: "quickfix", Diagnostics: []lsp.Diagnostic{d}, IsPreferred: true,
					Edit: &lsp.WorkspaceEdit{DocumentChanges: []lsp.TextDocumentEdit{{
						TextDocument: lsp.OptionalVersionedTextDocumentIdentifier{URI: uri, Version: &v},
						Edits:        st.edits(text),
					}}},
				}
				if diff := cmp.Diff(want, actions[j]); diff != "" {
					t.Fatalf("action (-want +got):\n%s", diff)
				}
				text = applyEdits(text, actionEdits(t, actions[j], uri))
				version++
				c.change(uri, version, text)
				diags = c.waitVersion(uri, version).Diagnostics
				if slices.Contains(codes(diags), st.rule) {
					t.Fatalf("%s is still reported after %q:\n%s", st.rule, st.title, text)
				}
				if diff := cmp.Diff(wantDiagnostics(t, tc.file, text), diags); diff != "" {
					t.Fatalf("after %q (-want +got):\n%s", st.title, diff)
				}
			}
			if diff := cmp.Diff(tc.left, codes(diags)); diff != "" {
				t.Errorf("rules left (-want +got):\n%s\ntext:\n%s", diff, text)
			}
			c.shutdown()
		})
	}
}

func titles(as []lsp.CodeAction) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Title)
	}
	return out
}

// The ignore quick fix writes a schemagate:ignore comment above the
// finding, indented like its line, or adds the rule to the comment that
// is already there; the finding is then gone.
func TestCodeActionIgnore(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		rule     string
		wantEdit func(text string) lsp.TextEdit
	}{
		{
			name: "new comment, indented",
			text: "BEGIN;\n    SELECT '🚀'; CREATE INDEX idx ON users (email);\nCOMMIT;\n",
			rule: rules.RequireConcurrentIndexCreation.Name,
			wantEdit: func(text string) lsp.TextEdit {
				return insertAt(text, "    SELECT", 0, false, "    -- schemagate:ignore require-concurrent-index-creation\n")
			},
		},
		{
			name: "added to the comment above",
			text: "-- schemagate:ignore require-lock-timeout the table is tiny\nALTER TABLE users ADD COLUMN nickname text, ADD CONSTRAINT c CHECK (nickname <> '🚀');\n",
			rule: rules.ConstraintMissingNotValid.Name,
			wantEdit: func(text string) lsp.TextEdit {
				return insertAt(text, "require-lock-timeout", 0, true, ","+rules.ConstraintMissingNotValid.Name)
			},
		},
		{
			name: "CRLF file",
			text: "-- 🚀\r\nALTER TABLE users ADD COLUMN nickname text;\r\n",
			rule: rules.RequireLockTimeout.Name,
			wantEdit: func(text string) lsp.TextEdit {
				return insertAt(text, "ALTER", 0, false, "-- schemagate:ignore require-lock-timeout\r\n")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			c := startServer(t, lsp.Options{})
			caps := editorCaps()
			caps.Workspace.WorkspaceEdit.DocumentChanges = false // plain "changes" edits
			c.initialize(root, caps, nil)
			file := "db/migrations/001_x.sql"
			uri := c.open(filepath.Join(root, file), tc.text)
			diags := c.waitVersion(uri, 1).Diagnostics
			i := slices.IndexFunc(diags, func(d lsp.Diagnostic) bool { return d.Code == tc.rule })
			if i < 0 {
				t.Fatalf("no %s diagnostic in %v", tc.rule, codes(diags))
			}
			d := diags[i]
			var actions []lsp.CodeAction
			// An empty range at the cursor inside the finding.
			cursor := lsp.Range{Start: d.Range.Start, End: d.Range.Start}
			c.mustCall("textDocument/codeAction", lsp.CodeActionParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}, Range: cursor}, &actions)
			title := "Ignore " + tc.rule + " here (schemagate:ignore comment)"
			j := slices.IndexFunc(actions, func(a lsp.CodeAction) bool { return a.Title == title })
			if j < 0 {
				t.Fatalf("no action %q among %v", title, titles(actions))
			}
			want := lsp.CodeAction{Title: title, Kind: "quickfix", Diagnostics: []lsp.Diagnostic{d},
				Edit: &lsp.WorkspaceEdit{Changes: map[string][]lsp.TextEdit{uri: {tc.wantEdit(tc.text)}}}}
			if diff := cmp.Diff(want, actions[j]); diff != "" {
				t.Fatalf("action (-want +got):\n%s", diff)
			}
			text := applyEdits(tc.text, actionEdits(t, actions[j], uri))
			c.change(uri, 2, text)
			after := c.waitVersion(uri, 2).Diagnostics
			if slices.Contains(codes(after), tc.rule) || slices.Contains(codes(after), rules.InvalidSuppression.Name) {
				t.Errorf("after the ignore comment: %v\n%s", codes(after), text)
			}
			if len(after) != len(diags)-1 {
				t.Errorf("after the ignore comment %v, want %v without %s", codes(after), codes(diags), tc.rule)
			}
			c.shutdown()
		})
	}
}

// Code actions outside any finding, or of a kind the server does not
// offer, are none; a syntax error offers no ignore comment.
func TestCodeActionNone(t *testing.T) {
	root := t.TempDir()
	c := startServer(t, lsp.Options{})
	c.initialize(root, editorCaps(), nil)
	text := "SELECT 1;\nCREATE INDEX idx ON users (email);\nALTER TABLE;\n"
	uri := c.open(filepath.Join(root, "db/migrations/001_x.sql"), text)
	diags := c.waitVersion(uri, 1).Diagnostics
	if !slices.Contains(codes(diags), rules.SyntaxError.Name) {
		t.Fatalf("no syntax error in %v", codes(diags))
	}
	cases := []struct {
		name string
		p    lsp.CodeActionParams
	}{
		{"outside findings", lsp.CodeActionParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}, Range: lsp.Range{End: lsp.Position{Character: 3}}}},
		{"only refactor", lsp.CodeActionParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}, Range: diags[0].Range, Context: lsp.CodeActionContext{Only: []string{"refactor"}}}},
		{"syntax error", lsp.CodeActionParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}, Range: lsp.Range{Start: lsp.Position{Line: 2}, End: lsp.Position{Line: 2, Character: 12}}}},
		{"unknown document", lsp.CodeActionParams{TextDocument: lsp.TextDocumentIdentifier{URI: "file:///nowhere.sql"}}},
	}
	for _, tc := range cases {
		var got []lsp.CodeAction
		c.mustCall("textDocument/codeAction", tc.p, &got)
		if diff := cmp.Diff([]lsp.CodeAction{}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	c.shutdown()
}

// A Rails migration is read the way lint reads it (translated into the
// same operations), and its ignore comment is a Ruby comment.
func TestFrameworkMigration(t *testing.T) {
	root := t.TempDir()
	c := startServer(t, lsp.Options{})
	c.initialize(root, editorCaps(), nil)
	file := "db/migrate/20240101000000_add_index.rb"
	text := "class AddIndex < ActiveRecord::Migration[7.1]\n  def change\n    # 🚀 naïve\n    add_index :users, :email\n  end\nend\n"
	uri := c.openAs(filepath.Join(root, file), "ruby", text)
	got := c.waitVersion(uri, 1).Diagnostics
	if diff := cmp.Diff(wantDiagnostics(t, file, text), got); diff != "" {
		t.Fatalf("diagnostics (-want +got):\n%s", diff)
	}
	i := slices.IndexFunc(got, func(d lsp.Diagnostic) bool { return d.Code == rules.RequireConcurrentIndexCreation.Name })
	if i < 0 {
		t.Fatalf("no %s in %v", rules.RequireConcurrentIndexCreation.Name, codes(got))
	}
	var actions []lsp.CodeAction
	c.mustCall("textDocument/codeAction", lsp.CodeActionParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}, Range: got[i].Range}, &actions)
	title := "Ignore " + rules.RequireConcurrentIndexCreation.Name + " here (schemagate:ignore comment)"
	j := slices.IndexFunc(actions, func(a lsp.CodeAction) bool { return a.Title == title })
	if j < 0 {
		t.Fatalf("no action %q among %v", title, titles(actions))
	}
	want := []lsp.TextEdit{insertAt(text, "    add_index", 0, false, "    # schemagate:ignore require-concurrent-index-creation\n")}
	if diff := cmp.Diff(want, actionEdits(t, actions[j], uri)); diff != "" {
		t.Fatalf("edits (-want +got):\n%s", diff)
	}
	text = applyEdits(text, want)
	c.change(uri, 2, text)
	if after := c.waitVersion(uri, 2).Diagnostics; slices.Contains(codes(after), rules.RequireConcurrentIndexCreation.Name) {
		t.Errorf("still reported after the Ruby ignore comment: %v\n%s", codes(after), text)
	}

	// Python outside a migration directory is not a migration.
	c.openAs(filepath.Join(root, "app", "models.py"), "python", "class User:\n    pass\n")
	c.waitLog("models.py is not a migration")
	c.shutdown()
}
