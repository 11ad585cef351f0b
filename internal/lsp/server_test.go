package lsp_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/rules"
)

func TestLifecycle(t *testing.T) {
	c := startServer(t, lsp.Options{Version: "v1.2.3"})
	var early any
	if err := c.call("textDocument/hover", lsp.TextDocumentPositionParams{}, &early); rpcCode(err) != lsp.CodeServerNotInitialized {
		t.Errorf("hover before initialize: error %v, want code %d", err, lsp.CodeServerNotInitialized)
	}
	got := c.initialize(t.TempDir(), editorCaps(), nil)
	want := lsp.InitializeResult{
		Capabilities: lsp.ServerCapabilities{
			PositionEncoding:   "utf-16",
			TextDocumentSync:   lsp.TextDocumentSyncOptions{OpenClose: true, Change: lsp.SyncIncremental, Save: &lsp.SaveOptions{}},
			HoverProvider:      true,
			CodeActionProvider: &lsp.CodeActionOptions{CodeActionKinds: []string{"quickfix"}},
		},
		ServerInfo: &lsp.ServerInfo{Name: "schemagate", Version: "v1.2.3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("initialize result (-want +got):\n%s", diff)
	}
	if err := c.call("initialize", map[string]any{"capabilities": map[string]any{}}, nil); rpcCode(err) != lsp.CodeInvalidRequest {
		t.Errorf("second initialize: error %v, want code %d", err, lsp.CodeInvalidRequest)
	}
	c.mustCall("shutdown", nil, nil)
	if err := c.call("textDocument/hover", lsp.TextDocumentPositionParams{}, nil); rpcCode(err) != lsp.CodeInvalidRequest {
		t.Errorf("hover after shutdown: error %v, want code %d", err, lsp.CodeInvalidRequest)
	}
	c.notify("exit", nil)
	select {
	case err := <-c.served:
		if err != nil {
			t.Errorf("Serve: %v, want nil after shutdown and exit", err)
		}
		c.served <- err
	case <-time.After(5 * time.Second):
		t.Fatal("no exit")
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	for _, how := range []string{"exit", "close"} {
		t.Run(how, func(t *testing.T) {
			c := startServer(t, lsp.Options{})
			c.initialize(t.TempDir(), editorCaps(), nil)
			if how == "exit" {
				c.notify("exit", nil)
			} else {
				c.conn.Close()
			}
			select {
			case err := <-c.served:
				if !errors.Is(err, lsp.ErrNoShutdown) {
					t.Errorf("Serve: %v, want ErrNoShutdown", err)
				}
				c.served <- err
			case <-time.After(5 * time.Second):
				t.Fatal("no exit")
			}
		})
	}
}

// The published diagnostics are lint's findings with UTF-16 ranges: a
// character outside the BMP counts two, an accented letter one, however
// many bytes UTF-8 takes for them.
func TestDiagnostics(t *testing.T) {
	cases := []struct {
		name string
		file string
		text string
		// a range known by counting by hand, for the first diagnostic
		first lsp.Range
	}{
		{
			name:  "ascii",
			file:  "db/migrations/001_index.sql",
			text:  "CREATE INDEX idx_users_email ON users (email);\n",
			first: lsp.Range{Start: lsp.Position{Line: 0, Character: 0}, End: lsp.Position{Line: 0, Character: 45}},
		},
		{
			name: "accents and emoji before the finding on its line",
			file: "db/migrations/002_index.sql",
			// 'naïve 🚀' : ï is 2 bytes and 1 unit, 🚀 is 4 bytes and 2 units.
			text:  "-- café ☕ 🚀 migration\nCOMMENT ON TABLE users IS 'naïve 🚀'; CREATE INDEX idx_users_email ON users (email);\n",
			first: lsp.Range{Start: lsp.Position{Line: 1, Character: 38}, End: lsp.Position{Line: 1, Character: 83}},
		},
		{
			name:  "emoji inside the finding",
			file:  "db/migrations/003_comment.sql",
			text:  "ALTER TABLE users ADD COLUMN \"📛\" text DEFAULT '🚀🚀';\n",
			first: lsp.Range{Start: lsp.Position{Line: 0, Character: 0}, End: lsp.Position{Line: 0, Character: 53}},
		},
		{
			name:  "CRLF line endings",
			file:  "db/migrations/004_index.sql",
			text:  "-- 🚀\r\nSELECT 1;\r\n  CREATE INDEX idx ON users (email);\r\n",
			first: lsp.Range{Start: lsp.Position{Line: 2, Character: 2}, End: lsp.Position{Line: 2, Character: 35}},
		},
		{
			name:  "several findings in a goose migration",
			file:  "db/migrations/20240101120000_users.sql",
			text:  "-- +goose Up\n-- Ünïcödé 👩‍👩‍👧\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX CONCURRENTLY idx ON users (nickname);\n",
			first: lsp.Range{Start: lsp.Position{Line: 2, Character: 0}, End: lsp.Position{Line: 2, Character: 92}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			c := startServer(t, lsp.Options{})
			c.initialize(root, editorCaps(), nil)
			uri := c.open(filepath.Join(root, tc.file), tc.text)
			got := c.waitVersion(uri, 1)
			want := wantDiagnostics(t, tc.file, tc.text)
			if len(want) == 0 {
				t.Fatal("the case has no findings: it tests nothing")
			}
			if diff := cmp.Diff(want, got.Diagnostics); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.first, got.Diagnostics[0].Range); diff != "" {
				t.Errorf("first range (-want +got):\n%s", diff)
			}
			for _, d := range got.Diagnostics {
				r, ok := rules.Lookup(d.Code)
				if !ok || d.CodeDescription == nil || d.CodeDescription.Href != r.URL() {
					t.Errorf("diagnostic %s: codeDescription %v, want the rule's docs", d.Code, d.CodeDescription)
				}
			}
			c.notify("textDocument/didClose", lsp.DidCloseTextDocumentParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}})
			if cleared := c.waitDiagnostics(uri); len(cleared.Diagnostics) != 0 {
				t.Errorf("after didClose: %v, want no diagnostics", cleared.Diagnostics)
			}
			c.shutdown()
		})
	}
}

// Incremental changes carry UTF-16 ranges; the server must splice them
// at the right bytes.
func TestIncrementalSync(t *testing.T) {
	root := t.TempDir()
	c := startServer(t, lsp.Options{Debounce: 5 * time.Millisecond})
	c.initialize(root, editorCaps(), nil)
	text := "-- 🚀 naïve\nCOMMENT ON TABLE users IS '🚀'; CREATE INDEX idx ON users (email);\nSELECT 1;\n"
	name := "db/migrations/001_x.sql"
	uri := c.open(filepath.Join(root, name), text)
	c.waitVersion(uri, 1)
	at := func(sub string, n int) lsp.Position {
		i := -1
		for k := 0; k <= n; k++ {
			i += 1 + strings.Index(text[i+1:], sub)
		}
		return utf16Pos(text, i)
	}
	steps := []struct {
		name   string
		change func() lsp.TextDocumentContentChangeEvent
	}{
		{"rename the indexed table after an emoji", func() lsp.TextDocumentContentChangeEvent {
			start := at("users", 1)
			end := lsp.Position{Line: start.Line, Character: start.Character + len("users")}
			return lsp.TextDocumentContentChangeEvent{Range: &lsp.Range{Start: start, End: end}, Text: "accounts"}
		}},
		{"insert a line with emoji at the top", func() lsp.TextDocumentContentChangeEvent {
			p := lsp.Position{}
			return lsp.TextDocumentContentChangeEvent{Range: &lsp.Range{Start: p, End: p}, Text: "-- 👩‍👩‍👧 family\n"}
		}},
		{"delete across lines", func() lsp.TextDocumentContentChangeEvent {
			start := at("COMMENT", 0)
			end := at("CREATE", 0)
			return lsp.TextDocumentContentChangeEvent{Range: &lsp.Range{Start: start, End: end}, Text: "ALTER TABLE users ADD COLUMN 🚀 int; "}
		}},
		{"past the end of the text", func() lsp.TextDocumentContentChangeEvent {
			p := lsp.Position{Line: 99, Character: 0}
			return lsp.TextDocumentContentChangeEvent{Range: &lsp.Range{Start: p, End: p}, Text: "DROP INDEX idx;\n"}
		}},
	}
	version := int32(1)
	for _, st := range steps {
		ch := st.change()
		text = applyEdits(text, []lsp.TextEdit{{Range: *ch.Range, NewText: ch.Text}})
		version++
		c.notify("textDocument/didChange", lsp.DidChangeTextDocumentParams{
			TextDocument:   lsp.VersionedTextDocumentIdentifier{URI: uri, Version: version},
			ContentChanges: []lsp.TextDocumentContentChangeEvent{ch},
		})
		got := c.waitVersion(uri, version)
		if diff := cmp.Diff(wantDiagnostics(t, name, text), got.Diagnostics); diff != "" {
			t.Errorf("%s: diagnostics (-want +got):\n%s\ntext:\n%s", st.name, diff, text)
		}
	}
	if !strings.Contains(text, "ON accounts") || !strings.HasSuffix(text, "DROP INDEX idx;\n") {
		t.Fatalf("the edits did not apply as intended:\n%s", text)
	}
	c.shutdown()
}

// Hover on a finding shows the rule's explanation from Options.Explain;
// elsewhere there is nothing to show.
func TestHover(t *testing.T) {
	explain := func(r *rules.Rule) string { return "explanation of " + r.Name + "\n" }
	root := t.TempDir()
	text := "-- 🚀\nSELECT 'naïve'; CREATE INDEX idx ON users (email);\n"
	for _, markdown := range []bool{true, false} {
		c := startServer(t, lsp.Options{Explain: explain})
		caps := editorCaps()
		if !markdown {
			caps.TextDocument.Hover.ContentFormat = []string{lsp.MarkupPlainText}
		}
		c.initialize(root, caps, nil)
		uri := c.open(filepath.Join(root, "db/migrations/001_idx.sql"), text)
		c.waitVersion(uri, 1)
		r := rules.RequireConcurrentIndexCreation
		start := utf16Pos(text, strings.Index(text, "CREATE"))
		end := utf16Pos(text, strings.Index(text, ");")+1)
		msg := "CREATE INDEX on users without CONCURRENTLY blocks writes to the table until the index is built"
		var want lsp.Hover
		if markdown {
			want = lsp.Hover{Contents: lsp.MarkupContent{Kind: "markdown", Value: "**" + r.Name + "** (warning)\n\n" + msg + "\n\n_" + hintOf(t, text) + "_\n\n```text\nexplanation of " + r.Name + "\n```\n"}, Range: &lsp.Range{Start: start, End: end}}
		} else {
			want = lsp.Hover{Contents: lsp.MarkupContent{Kind: "plaintext", Value: r.Name + " (warning)\n\n" + msg + "\n\n" + hintOf(t, text) + "\n\nexplanation of " + r.Name + "\n"}, Range: &lsp.Range{Start: start, End: end}}
		}
		for _, pos := range []lsp.Position{start, {Line: start.Line, Character: start.Character + 10}, end} {
			var got *lsp.Hover
			c.mustCall("textDocument/hover", lsp.TextDocumentPositionParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}, Position: pos}, &got)
			if got == nil {
				t.Fatalf("no hover at %v", pos)
			}
			if diff := cmp.Diff(want, *got); diff != "" {
				t.Errorf("hover at %v (-want +got):\n%s", pos, diff)
			}
		}
		var none *lsp.Hover
		c.mustCall("textDocument/hover", lsp.TextDocumentPositionParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}, Position: lsp.Position{Line: 1, Character: 3}}, &none)
		if none != nil {
			t.Errorf("hover outside any finding: %+v, want null", none)
		}
		c.shutdown()
	}
}

// hintOf returns the hint of the require-concurrent-index-creation
// finding of text, as lint reports it.
func hintOf(t *testing.T, text string) string {
	for _, d := range wantDiagnostics(t, "db/migrations/001_idx.sql", text) {
		if d.Code == rules.RequireConcurrentIndexCreation.Name {
			_, hint, _ := strings.Cut(d.Message, "\n")
			return hint
		}
	}
	t.Fatal("no finding")
	return ""
}
