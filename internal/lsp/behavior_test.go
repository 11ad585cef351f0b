package lsp_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/rules"
)

// recordingLinter is the real linter with a record of what it was asked
// to lint, and a gate that can hold a lint back.
type recordingLinter struct {
	lsp.Linter
	mu      sync.Mutex
	texts   []string
	started chan string
	gate    chan struct{} // when set, each lint waits for a receive
}

func (r *recordingLinter) Lint(ctx context.Context, in lsp.Input) (*lsp.Result, error) {
	r.mu.Lock()
	r.texts = append(r.texts, string(in.Text))
	gate := r.gate
	r.mu.Unlock()
	if r.started != nil {
		r.started <- string(in.Text)
	}
	if gate != nil {
		<-gate
	}
	return r.Linter.Lint(ctx, in)
}

func (r *recordingLinter) linted() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.texts...)
}

// A burst of edits faster than the debounce is linted once, at its last
// text, and published once, for its last version.
func TestDebounce(t *testing.T) {
	root := t.TempDir()
	rec := &recordingLinter{Linter: lsp.NewPlainLinter()}
	c := startServer(t, lsp.Options{Linter: rec, Debounce: 300 * time.Millisecond})
	c.initialize(root, editorCaps(), nil)
	file := "db/migrations/001_x.sql"
	text := "CREATE INDEX idx ON users (email);\n"
	uri := c.open(filepath.Join(root, file), text)
	c.waitVersion(uri, 1)
	var last string
	for v := int32(2); v <= 21; v++ {
		last = fmt.Sprintf("%sALTER TABLE users ADD COLUMN c%d text;\n", text, v)
		c.change(uri, v, last)
	}
	got := c.waitVersion(uri, 21)
	if diff := cmp.Diff(wantDiagnostics(t, file, last), got.Diagnostics); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	c.noDiagnostics(400 * time.Millisecond)
	if diff := cmp.Diff([]string{text, last}, rec.linted()); diff != "" {
		t.Errorf("texts linted (-want +got):\n%s", diff)
	}
	c.shutdown()
}

// A lint that finishes after the document changed is not published: the
// editor only ever sees diagnostics for the text it has.
func TestStaleLintNotPublished(t *testing.T) {
	root := t.TempDir()
	rec := &recordingLinter{Linter: lsp.NewPlainLinter(), started: make(chan string, 10), gate: make(chan struct{})}
	c := startServer(t, lsp.Options{Linter: rec, Debounce: 10 * time.Millisecond})
	c.initialize(root, editorCaps(), nil)
	file := "db/migrations/001_x.sql"
	v1 := "CREATE INDEX idx ON users (email);\n"
	v2 := "ALTER TABLE users ADD COLUMN nickname text;\n"
	uri := c.open(filepath.Join(root, file), v1)
	if got := <-rec.started; got != v1 {
		t.Fatalf("first lint of %q", got)
	}
	// Version 2 arrives while version 1 is being linted.
	c.change(uri, 2, v2)
	time.Sleep(50 * time.Millisecond) // past the debounce: v2 waits for the running lint
	close(rec.gate)
	got := c.waitDiagnostics(uri)
	if got.Version == nil || *got.Version != 2 {
		t.Fatalf("published version %v first, want 2", deref(got.Version))
	}
	if diff := cmp.Diff(wantDiagnostics(t, file, v2), got.Diagnostics); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	c.noDiagnostics(200 * time.Millisecond)
	c.shutdown()
}

// panickyLinter panics on a document that says so, to stand for a bug
// in a rule that the engine did not contain.
type panickyLinter struct{ lsp.Linter }

func (p panickyLinter) Lint(ctx context.Context, in lsp.Input) (*lsp.Result, error) {
	if strings.Contains(string(in.Text), "-- panic") {
		panic("a bug")
	}
	return p.Linter.Lint(ctx, in)
}

// Bad input gets an error response or a log message, and the server
// goes on serving.
func TestBadInput(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "small", "schemagate.yaml"), "max-file-size: 4096\n")
	c := startServer(t, lsp.Options{Linter: panickyLinter{lsp.NewLinter()}})
	c.initialize(root, editorCaps(), nil)
	good := c.open(filepath.Join(root, "db/migrations/001_x.sql"), "CREATE INDEX idx ON users (email);\n")
	c.waitVersion(good, 1)

	// alive checks that the server still answers.
	alive := func(after string) {
		t.Helper()
		var h *lsp.Hover
		if err := c.call("textDocument/hover", lsp.TextDocumentPositionParams{TextDocument: lsp.TextDocumentIdentifier{URI: good}, Position: lsp.Position{Character: 3}}, &h); err != nil || h == nil {
			t.Fatalf("after %s: hover: %v %v", after, h, err)
		}
	}
	frame := func(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }
	orphan := func(what string, code int64, id string) {
		t.Helper()
		select {
		case r := <-c.orphans:
			if r.Error == nil || r.Error.Code != code || r.ID.String() != id {
				t.Errorf("%s: response %+v (error %+v), want error code %d for id %s", what, r, r.Error, code, id)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no error response", what)
		}
	}

	raw := []struct {
		name  string
		bytes string
		code  int64
		id    string
		log   string
	}{
		{"not JSON", frame(`{"jsonrpc":"2.0","id":1,"method":`), lsp.CodeParseError, "0", "not valid JSON"},
		{"JSON but not JSON-RPC", frame(`{"hello":"world"}`), lsp.CodeInvalidRequest, "0", "not a JSON-RPC"},
		{"a method that is a number", frame(`{"jsonrpc":"2.0","id":77,"method":5}`), lsp.CodeInvalidRequest, "77", "not a JSON-RPC"},
		{"no Content-Length, then a good message", "Content-Type: x\r\n\r\n{}" + frame(`{"jsonrpc":"2.0","method":"$/noop"}`), lsp.CodeParseError, "0", "no valid Content-Length"},
	}
	for _, r := range raw {
		if _, err := c.raw.Write([]byte(r.bytes)); err != nil {
			t.Fatal(err)
		}
		// id null is read by the library as 0.
		orphan(r.name, r.code, r.id)
		c.waitLog(r.log)
		alive(r.name)
	}

	if err := c.call("workspace/symbol", map[string]any{"query": "x"}, nil); rpcCode(err) != lsp.CodeMethodNotFound {
		t.Errorf("unknown method: %v, want code %d", err, lsp.CodeMethodNotFound)
	}
	if err := c.call("textDocument/hover", []int{1, 2}, nil); rpcCode(err) != lsp.CodeInvalidParams {
		t.Errorf("hover with an array: %v, want code %d", err, lsp.CodeInvalidParams)
	}
	c.notify("custom/somethingElse", map[string]any{})
	c.waitLog("ignoring notification custom/somethingElse")
	c.change("file:///never/opened.sql", 2, "SELECT 1;")
	c.waitLog("not open")
	alive("notifications the server does not take")

	// Documents that are not SQL migrations.
	c.notify("textDocument/didOpen", lsp.DidOpenTextDocumentParams{TextDocument: lsp.TextDocumentItem{URI: fileURI(filepath.Join(root, "README.md")), LanguageID: "markdown", Version: 1, Text: "# Hello\n"}})
	c.waitLog("README.md is not a migration")
	binary := c.open(filepath.Join(root, "db/migrations/002_bin.sql"), "SELECT 1;\x00\x01\x02")
	if p := c.waitVersion(binary, 1); len(p.Diagnostics) != 0 {
		t.Errorf("binary document: %v", p.Diagnostics)
	}
	c.waitLog("binary")
	big := c.open(filepath.Join(root, "small/db/migrations/003_big.sql"), strings.Repeat("SELECT 1;\n", 1000))
	if p := c.waitVersion(big, 1); len(p.Diagnostics) != 0 {
		t.Errorf("document over max-file-size: %v", p.Diagnostics)
	}
	c.waitLog("003_big.sql is larger than 4096 bytes")
	huge := c.open(filepath.Join(root, "db/migrations/004_huge.sql"), strings.Repeat("-- "+strings.Repeat("🚀", 250)+"\n", 9000))
	if p := c.waitVersion(huge, 1); len(p.Diagnostics) != 0 {
		t.Errorf("9 MB document: %v", p.Diagnostics)
	}
	c.waitLog("004_huge.sql is larger than 8388608 bytes")

	// A bug in the linter.
	bug := c.open(filepath.Join(root, "db/migrations/005_bug.sql"), "-- panic\nSELECT 1;\n")
	if p := c.waitVersion(bug, 1); len(p.Diagnostics) != 0 {
		t.Errorf("document that made the linter panic: %v", p.Diagnostics)
	}
	c.waitLog("internal error while linting")
	var actions []lsp.CodeAction
	c.mustCall("textDocument/codeAction", lsp.CodeActionParams{TextDocument: lsp.TextDocumentIdentifier{URI: bug}}, &actions)
	alive("a linter panic")
	c.shutdown()
}

// Config changes are picked up without a restart: a changed file (with
// or without a file-watching notification) and a changed setting.
func TestConfigChanges(t *testing.T) {
	root := t.TempDir()
	cfgPath := filepath.Join(root, "schemagate.yaml")
	writeCfg := func(text string, age time.Duration) {
		t.Helper()
		writeFile(t, cfgPath, text)
		// Distinct times: a rewrite within the file system's time
		// resolution must still be seen as a change.
		when := time.Now().Add(age)
		if err := os.Chtimes(cfgPath, when, when); err != nil {
			t.Fatal(err)
		}
	}
	writeCfg("rules:\n  require-concurrent-index-creation: error\n", -time.Hour)
	writeFile(t, filepath.Join(root, "other.yaml"), "rules:\n  require-concurrent-index-creation: hint\n")
	c := startServer(t, lsp.Options{})
	c.initialize(root, editorCaps(), nil)
	uri := c.open(filepath.Join(root, "db/migrations/001_x.sql"), "CREATE INDEX idx ON users (email);\n")

	severityOf := func(p lsp.PublishDiagnosticsParams) int {
		for _, d := range p.Diagnostics {
			if d.Code == rules.RequireConcurrentIndexCreation.Name {
				return d.Severity
			}
		}
		return 0
	}
	if got := severityOf(c.waitVersion(uri, 1)); got != lsp.SeverityError {
		t.Fatalf("severity %d, want error from schemagate.yaml", got)
	}

	writeCfg("rules:\n  require-concurrent-index-creation: off\n", -30*time.Minute)
	c.notify("workspace/didChangeWatchedFiles", lsp.DidChangeWatchedFilesParams{Changes: []lsp.FileEvent{{URI: fileURI(cfgPath), Type: lsp.FileChanged}}})
	if got := severityOf(c.waitVersion(uri, 1)); got != 0 {
		t.Fatalf("after the config turned the rule off: severity %d, want no finding", got)
	}

	c.notify("workspace/didChangeConfiguration", lsp.DidChangeConfigurationParams{Settings: []byte(`{"schemagate":{"config":"other.yaml"}}`)})
	if got := severityOf(c.waitVersion(uri, 1)); got != lsp.SeverityInformation {
		t.Fatalf("with config other.yaml: severity %d, want information (hint)", got)
	}

	c.notify("workspace/didChangeConfiguration", lsp.DidChangeConfigurationParams{Settings: []byte(`{}`)})
	if got := severityOf(c.waitVersion(uri, 1)); got != 0 {
		t.Fatalf("back to schemagate.yaml: severity %d, want no finding", got)
	}

	// Edited behind the editor's back, reported by nobody: seen at the
	// next lint, here the one a save starts.
	writeCfg("rules:\n  require-concurrent-index-creation: error\n", -10*time.Minute)
	c.notify("textDocument/didSave", lsp.DidSaveTextDocumentParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}})
	if got := severityOf(c.waitVersion(uri, 1)); got != lsp.SeverityError {
		t.Fatalf("after an unreported edit and a save: severity %d, want error", got)
	}

	// A broken config is shown, once, with its line; lint goes on with
	// the defaults.
	writeCfg("rules:\n  no-such-rule: error\n", -5*time.Minute)
	c.notify("textDocument/didSave", lsp.DidSaveTextDocumentParams{TextDocument: lsp.TextDocumentIdentifier{URI: fileURI(cfgPath)}})
	if got := severityOf(c.waitVersion(uri, 1)); got != lsp.SeverityWarning {
		t.Fatalf("with a broken config: severity %d, want the default warning", got)
	}
	msg := c.waitLog("unknown rule")
	if !strings.Contains(msg.Message, "schemagate.yaml: line 2") || msg.Type != lsp.MessageError {
		t.Errorf("config error message %+v", msg)
	}
	c.shutdown()
}

// A migration in a migration directory is linted the way `schemagate
// lint DIR` lints it: against the schema the earlier migrations build.
func TestDirectoryContext(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "db", "migrations")
	writeFile(t, filepath.Join(dir, "001_users.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50));\n")
	second := "-- 🚀 widen\nALTER TABLE users ALTER COLUMN email TYPE varchar(100);\nALTER TABLE users ALTER COLUMN id TYPE int;\n"
	writeFile(t, filepath.Join(dir, "002_widen.sql"), second)

	// What lint reports for the directory, and for the file alone.
	loaded := migrations.Paths([]string{dir}, migrations.PathOptions{PGVersion: 16})
	var inDir []rules.Finding
	for _, f := range lint.Run(loaded.Migrations, lint.Options{Catalog: catalog.New()}) {
		if strings.HasSuffix(f.File, "002_widen.sql") {
			inDir = append(inDir, f)
		}
	}
	want := toDiagnostics(second, inDir)
	alone := wantDiagnostics(t, "002_widen.sql", second)
	if cmp.Equal(want, alone) {
		t.Fatalf("the case does not depend on the directory: %v", codes(want))
	}

	c := startServer(t, lsp.Options{})
	c.initialize(root, editorCaps(), nil)
	uri := c.open(filepath.Join(dir, "002_widen.sql"), second)
	if diff := cmp.Diff(want, c.waitVersion(uri, 1).Diagnostics); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}

	// The earlier migration changes on disk and is saved: the later one
	// is linted again against the new schema.
	writeFile(t, filepath.Join(dir, "001_users.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
	first := c.open(filepath.Join(dir, "001_users.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
	c.notify("textDocument/didSave", lsp.DidSaveTextDocumentParams{TextDocument: lsp.TextDocumentIdentifier{URI: first}})
	loaded = migrations.Paths([]string{dir}, migrations.PathOptions{PGVersion: 16})
	inDir = nil
	for _, f := range lint.Run(loaded.Migrations, lint.Options{Catalog: catalog.New()}) {
		if strings.HasSuffix(f.File, "002_widen.sql") {
			inDir = append(inDir, f)
		}
	}
	want2 := toDiagnostics(second, inDir)
	if cmp.Equal(want, want2) {
		t.Fatalf("the edit of 001 does not change 002's findings")
	}
	deadline := time.After(10 * time.Second)
	for {
		var p lsp.PublishDiagnosticsParams
		select {
		case p = <-c.diags:
		case <-deadline:
			t.Fatal("002 was not linted again after 001 was saved")
		}
		if p.URI == uri && cmp.Equal(want2, p.Diagnostics) {
			break
		}
	}
	c.shutdown()
}

// A broken config is shown once, however many documents use it and
// however often they are linted; fixed and broken again, it is shown
// again.
func TestBrokenConfigShownOnce(t *testing.T) {
	root := t.TempDir()
	cfgPath := filepath.Join(root, "schemagate.yaml")
	age := -time.Hour
	writeCfg := func(text string) {
		t.Helper()
		writeFile(t, cfgPath, text)
		age += time.Minute
		when := time.Now().Add(age)
		if err := os.Chtimes(cfgPath, when, when); err != nil {
			t.Fatal(err)
		}
	}
	writeCfg("rules:\n  require-concurrent-index-creation: error\n")
	c := startServer(t, lsp.Options{})
	c.initialize(root, editorCaps(), nil)
	a := c.open(filepath.Join(root, "db/migrations/001_a.sql"), "CREATE INDEX a ON users (email);\n")
	c.waitVersion(a, 1)
	b := c.open(filepath.Join(root, "db/migrations/002_b.sql"), "CREATE INDEX b ON users (name);\n")
	c.waitVersion(b, 1)
	shown := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		n := 0
		for _, m := range c.shown {
			if strings.Contains(m.Message, "unknown rule") {
				n++
			}
		}
		return n
	}
	lintBoth := func() {
		t.Helper()
		for _, uri := range []string{a, b} {
			c.notify("textDocument/didSave", lsp.DidSaveTextDocumentParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}})
			c.waitVersion(uri, 1)
		}
	}

	// Broken behind the editor's back, seen by the next lint; both
	// documents linted again, twice, and the change reported.
	writeCfg("rules:\n  no-such-rule: error\n")
	lintBoth()
	lintBoth()
	c.notify("workspace/didChangeWatchedFiles", lsp.DidChangeWatchedFilesParams{Changes: []lsp.FileEvent{{URI: fileURI(cfgPath), Type: lsp.FileChanged}}})
	lintBoth()
	if n := shown(); n != 1 {
		t.Fatalf("the broken config was shown %d times, want once", n)
	}

	writeCfg("rules: {}\n")
	lintBoth()
	writeCfg("rules:\n  no-such-rule: error\n")
	lintBoth()
	if n := shown(); n != 2 {
		t.Errorf("fixed and broken again: shown %d times in all, want 2", n)
	}
	c.shutdown()
}
