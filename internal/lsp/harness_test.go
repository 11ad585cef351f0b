package lsp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/rules"
)

// client is an editor: the sourcegraph/jsonrpc2 library speaking to a
// Server over a pair of pipes, as an editor speaks to `schemagate lsp`.
type client struct {
	t    testing.TB
	conn *jsonrpc2.Conn
	// raw writes bytes to the server's input as they are, for malformed
	// messages; only between calls, never concurrently with the library.
	raw     io.Writer
	diags   chan lsp.PublishDiagnosticsParams
	logs    chan lsp.LogMessageParams
	orphans chan *jsonrpc2.Response // responses to no request of ours (id null)
	served  chan error
	root    string

	mu      sync.Mutex
	logSeen []lsp.LogMessageParams
	shown   []lsp.LogMessageParams // window/showMessage only

	// arrival records when the first bytes after arm() came from the
	// server: the server's latency, without this client's decoding.
	arrival arrivalClock
}

type arrivalClock struct {
	armed atomic.Bool
	at    atomic.Int64
}

func (a *arrivalClock) arm() { a.at.Store(0); a.armed.Store(true) }

// since returns how long after start the first bytes arrived.
func (a *arrivalClock) since(start time.Time) time.Duration {
	return time.Duration(a.at.Load() - start.UnixNano())
}

// timedReader notes the time of the first read after the clock is armed.
type timedReader struct {
	r     io.Reader
	clock *arrivalClock
}

func (t timedReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 && t.clock.armed.CompareAndSwap(true, false) {
		t.clock.at.Store(time.Now().UnixNano())
	}
	return n, err
}

type pipes struct {
	io.Reader
	io.Writer
}

func (p pipes) Close() error {
	if tr, ok := p.Reader.(timedReader); ok {
		tr.r.(io.Closer).Close()
	}
	return p.Writer.(io.Closer).Close()
}

// startServer runs a server for the test and connects a client to it.
func startServer(t testing.TB, opt lsp.Options) *client {
	t.Helper()
	srv := lsp.NewServer(opt)
	return dial(t, func(ctx context.Context, in io.Reader, out io.Writer) error { return srv.Serve(ctx, in, out) })
}

// dial runs serve on a pair of pipes and connects a client to them.
func dial(t testing.TB, serve func(ctx context.Context, in io.Reader, out io.Writer) error) *client {
	toClient, serverOut := io.Pipe()
	serverIn, toServer := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	c := &client{
		t:       t,
		raw:     toServer,
		diags:   make(chan lsp.PublishDiagnosticsParams, 1000),
		logs:    make(chan lsp.LogMessageParams, 1000),
		orphans: make(chan *jsonrpc2.Response, 10),
		served:  make(chan error, 1),
	}
	go func() {
		err := serve(ctx, serverIn, serverOut)
		serverOut.Close()
		serverIn.Close()
		c.served <- err
	}()
	stream := jsonrpc2.NewBufferedStream(pipes{timedReader{toClient, &c.arrival}, toServer}, jsonrpc2.VSCodeObjectCodec{})
	c.conn = jsonrpc2.NewConn(ctx, stream, c,
		jsonrpc2.SetLogger(testLogger{t}),
		jsonrpc2.OnRecv(func(req *jsonrpc2.Request, resp *jsonrpc2.Response) {
			if req == nil && resp != nil {
				c.orphans <- resp
			}
		}))
	t.Cleanup(func() {
		cancel()
		c.conn.Close()
		select {
		case <-c.served:
		case <-time.After(5 * time.Second):
			t.Errorf("the server did not stop")
		}
	})
	return c
}

type testLogger struct{ t testing.TB }

func (l testLogger) Printf(format string, args ...any) {}

// Handle collects the server's notifications in order and answers its
// requests (client/registerCapability) from another goroutine, as an
// editor's asynchronous I/O does.
func (c *client) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	if !req.Notif {
		go conn.Reply(ctx, req.ID, nil)
		return
	}
	switch req.Method {
	case "textDocument/publishDiagnostics":
		var p lsp.PublishDiagnosticsParams
		if err := json.Unmarshal(*req.Params, &p); err != nil {
			c.t.Errorf("publishDiagnostics: %v", err)
		}
		c.diags <- p
	case "window/logMessage", "window/showMessage":
		var p lsp.LogMessageParams
		if err := json.Unmarshal(*req.Params, &p); err != nil {
			c.t.Errorf("%s: %v", req.Method, err)
		}
		c.mu.Lock()
		c.logSeen = append(c.logSeen, p)
		if req.Method == "window/showMessage" {
			c.shown = append(c.shown, p)
		}
		c.mu.Unlock()
		c.logs <- p
	}
}

func (c *client) call(method string, params, result any) error {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.conn.Call(ctx, method, params, result)
}

func (c *client) mustCall(method string, params, result any) {
	c.t.Helper()
	if err := c.call(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// codeActions asks for the code actions on a diagnostic, as an editor
// does with the cursor on it.
func (c *client) codeActions(uri string, d lsp.Diagnostic) []lsp.CodeAction {
	var actions []lsp.CodeAction
	c.mustCall("textDocument/codeAction", lsp.CodeActionParams{
		TextDocument: lsp.TextDocumentIdentifier{URI: uri},
		Range:        d.Range,
		Context:      lsp.CodeActionContext{Diagnostics: []lsp.Diagnostic{d}},
	}, &actions)
	return actions
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// capabilities of a modern editor: versioned workspace edits, markdown
// hover, related information.
func editorCaps() lsp.ClientCapabilities {
	var caps lsp.ClientCapabilities
	caps.Workspace.WorkspaceEdit.DocumentChanges = true
	caps.Workspace.DidChangeWatchedFiles.DynamicRegistration = true
	caps.TextDocument.Hover.ContentFormat = []string{lsp.MarkupMarkdown, lsp.MarkupPlainText}
	caps.TextDocument.PublishDiagnostics.RelatedInformation = true
	caps.TextDocument.PublishDiagnostics.VersionSupport = true
	caps.TextDocument.PublishDiagnostics.CodeDescriptionSupport = true
	return caps
}

// initialize starts the session with root as the workspace folder.
func (c *client) initialize(root string, caps lsp.ClientCapabilities, options any) lsp.InitializeResult {
	c.t.Helper()
	c.root = root
	params := map[string]any{
		"processId":        os.Getpid(),
		"rootUri":          fileURI(root),
		"workspaceFolders": []lsp.WorkspaceFolder{{URI: fileURI(root), Name: filepath.Base(root)}},
		"capabilities":     caps,
	}
	if options != nil {
		params["initializationOptions"] = options
	}
	var res lsp.InitializeResult
	c.mustCall("initialize", params, &res)
	c.notify("initialized", struct{}{})
	return res
}

// shutdown ends the session as an editor does and checks that Serve
// returned cleanly.
func (c *client) shutdown() {
	c.t.Helper()
	c.mustCall("shutdown", nil, nil)
	c.notify("exit", nil)
	select {
	case err := <-c.served:
		if err != nil {
			c.t.Errorf("Serve after shutdown and exit: %v", err)
		}
		c.served <- err // for the cleanup
	case <-time.After(5 * time.Second):
		c.t.Fatalf("the server did not exit")
	}
}

func (c *client) open(path, text string) string {
	c.t.Helper()
	return c.openAs(path, "sql", text)
}

func (c *client) openAs(path, languageID, text string) string {
	c.t.Helper()
	uri := fileURI(path)
	c.notify("textDocument/didOpen", lsp.DidOpenTextDocumentParams{TextDocument: lsp.TextDocumentItem{URI: uri, LanguageID: languageID, Version: 1, Text: text}})
	return uri
}

func (c *client) change(uri string, version int32, text string) {
	c.t.Helper()
	c.notify("textDocument/didChange", lsp.DidChangeTextDocumentParams{
		TextDocument:   lsp.VersionedTextDocumentIdentifier{URI: uri, Version: version},
		ContentChanges: []lsp.TextDocumentContentChangeEvent{{Text: text}},
	})
}

// waitDiagnostics returns the next diagnostics published for uri.
func (c *client) waitDiagnostics(uri string) lsp.PublishDiagnosticsParams {
	c.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case p := <-c.diags:
			if p.URI == uri {
				return p
			}
		case <-deadline:
			c.t.Fatalf("no diagnostics published for %s", uri)
		}
	}
}

// waitVersion returns the diagnostics published for a version of uri,
// failing on diagnostics for another version.
func (c *client) waitVersion(uri string, version int32) lsp.PublishDiagnosticsParams {
	c.t.Helper()
	p := c.waitDiagnostics(uri)
	if p.Version == nil || *p.Version != version {
		c.t.Fatalf("diagnostics for version %v of %s, want version %d", deref(p.Version), uri, version)
	}
	return p
}

// waitLog waits for a log or shown message containing sub.
func (c *client) waitLog(sub string) lsp.LogMessageParams {
	c.t.Helper()
	c.mu.Lock()
	for _, l := range c.logSeen {
		if strings.Contains(l.Message, sub) {
			c.mu.Unlock()
			return l
		}
	}
	c.mu.Unlock()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l := <-c.logs:
			if strings.Contains(l.Message, sub) {
				return l
			}
		case <-deadline:
			c.t.Fatalf("no log message containing %q; got %v", sub, c.logSeen)
		}
	}
}

// noDiagnostics checks that nothing is published for a while.
func (c *client) noDiagnostics(wait time.Duration) {
	c.t.Helper()
	select {
	case p := <-c.diags:
		c.t.Errorf("unexpected diagnostics for version %v of %s: %v", deref(p.Version), p.URI, p.Diagnostics)
	case <-time.After(wait):
	}
}

func deref(v *int32) any {
	if v == nil {
		return nil
	}
	return *v
}

func fileURI(p string) string { return "file://" + filepath.ToSlash(p) }

// --- independent position arithmetic -------------------------------

// utf16Pos is the LSP position of a byte offset, counted here with
// unicode/utf16 rather than with the server's helpers.
func utf16Pos(text string, off int) lsp.Position {
	line := strings.Count(text[:off], "\n")
	start := strings.LastIndexByte(text[:off], '\n') + 1
	return lsp.Position{Line: line, Character: len(utf16.Encode([]rune(text[start:off])))}
}

// byteOffset is the inverse of utf16Pos.
func byteOffset(text string, p lsp.Position) int {
	off := 0
	for i := 0; i < p.Line; i++ {
		j := strings.IndexByte(text[off:], '\n')
		if j < 0 {
			return len(text)
		}
		off += j + 1
	}
	units := 0
	for i, r := range text[off:] {
		if units >= p.Character || r == '\n' {
			return off + i
		}
		units += len(utf16.Encode([]rune{r}))
	}
	return len(text)
}

// applyEdits applies LSP text edits the way an editor does.
func applyEdits(text string, edits []lsp.TextEdit) string {
	type abs struct {
		start, end int
		text       string
		order      int
	}
	var list []abs
	for i, e := range edits {
		list = append(list, abs{byteOffset(text, e.Range.Start), byteOffset(text, e.Range.End), e.NewText, i})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].start != list[j].start {
			return list[i].start > list[j].start
		}
		return list[i].order > list[j].order
	})
	for _, e := range list {
		text = text[:e.start] + e.text + text[e.end:]
	}
	return text
}

// actionEdits returns the edits of a code action for uri, whichever form
// the server used.
func actionEdits(t *testing.T, a lsp.CodeAction, uri string) []lsp.TextEdit {
	t.Helper()
	if a.Edit == nil {
		t.Fatalf("action %q has no edit", a.Title)
	}
	if len(a.Edit.DocumentChanges) > 0 {
		var out []lsp.TextEdit
		for _, dc := range a.Edit.DocumentChanges {
			if dc.TextDocument.URI != uri {
				t.Fatalf("action %q edits %s, want %s", a.Title, dc.TextDocument.URI, uri)
			}
			out = append(out, dc.Edits...)
		}
		return out
	}
	return a.Edit.Changes[uri]
}

// wantDiagnostics is what the server must publish for text: the
// findings `schemagate lint --stdin --stdin-filename name` reports,
// converted with the position arithmetic above.
func wantDiagnostics(t testing.TB, name, text string) []lsp.Diagnostic {
	t.Helper()
	loaded, err := migrations.Text(name, []byte(text), migrations.PathOptions{PGVersion: 16})
	if err != nil {
		t.Fatal(err)
	}
	return toDiagnostics(text, lint.Run(loaded.Migrations, lint.Options{Catalog: catalog.New()}))
}

func toDiagnostics(text string, findings []rules.Finding) []lsp.Diagnostic {
	out := []lsp.Diagnostic{}
	for _, f := range findings {
		d := lsp.Diagnostic{
			Range:    lsp.Range{Start: utf16Pos(text, f.Span.Start.Offset), End: utf16Pos(text, f.Span.End.Offset)},
			Severity: map[rules.Severity]int{rules.Error: 1, rules.Warning: 2, rules.Hint: 3}[f.Severity],
			Code:     f.Rule,
			Source:   "schemagate",
			Message:  f.Message,
		}
		if f.Hint != "" {
			d.Message += "\n" + f.Hint
		}
		if r, ok := rules.Lookup(f.Rule); ok {
			d.CodeDescription = &lsp.CodeDescription{Href: r.URL()}
		}
		out = append(out, d)
	}
	return out
}

func codes(ds []lsp.Diagnostic) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rpcCode is the JSON-RPC error code of a failed call.
func rpcCode(err error) int64 {
	var e *jsonrpc2.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}
