package lsp_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/rules"
)

// A buffer with a statement too deep for PostgreSQL's parser (25,000
// chained terms overflowed its C stack and killed the server with the
// editor's buffer) gets a statement-too-complex diagnostic, in SQL and in
// a Rails migration, on open and after edits, and the server goes on.
func TestDeepStatementBuffer(t *testing.T) {
	root := t.TempDir()
	c := startServer(t, lsp.Options{Linter: lsp.NewLinter()})
	c.initialize(root, editorCaps(), nil)
	deep := "SELECT 1" + strings.Repeat("+1", 25000)
	codes := func(p lsp.PublishDiagnosticsParams) []string {
		var out []string
		for _, d := range p.Diagnostics {
			out = append(out, d.Code)
		}
		return out
	}
	has := func(what string, p lsp.PublishDiagnosticsParams, code string) {
		t.Helper()
		for _, c := range codes(p) {
			if c == code {
				return
			}
		}
		t.Errorf("%s: diagnostics %v, want %s", what, codes(p), code)
	}

	sql := c.open(filepath.Join(root, "db/migrations/001_deep.sql"), deep+";\nCREATE INDEX idx ON users (email);\n")
	p := c.waitVersion(sql, 1)
	has("SQL on open", p, rules.StatementTooComplex.Name)
	has("SQL on open", p, rules.RequireConcurrentIndexCreation.Name)
	c.change(sql, 2, "CREATE INDEX idx ON users (email);\n"+deep+";\n")
	has("SQL after an edit", c.waitVersion(sql, 2), rules.StatementTooComplex.Name)

	rb := c.open(filepath.Join(root, "db/migrate/20240101000000_deep.rb"),
		"class Deep < ActiveRecord::Migration[7.1]\n  def change\n    execute \""+deep+"\"\n  end\nend\n")
	has("Rails on open", c.waitVersion(rb, 1), rules.StatementTooComplex.Name)

	var h *lsp.Hover
	if err := c.call("textDocument/hover", lsp.TextDocumentPositionParams{TextDocument: lsp.TextDocumentIdentifier{URI: sql}, Position: lsp.Position{Character: 3}}, &h); err != nil {
		t.Fatalf("the server stopped answering: %v", err)
	}
	c.shutdown()
}
