// Package lsp is schemagate's language server: it lints SQL migrations
// as they are edited (and checks them against the deployed release when
// schemagate.yaml names it), publishes the findings as diagnostics with
// UTF-16 ranges, explains them on hover and offers their mechanical
// fixes as code actions. It speaks LSP 3.17 over JSON-RPC 2.0.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/rules"
)

// DefaultDebounce is how long the server waits after an edit before it
// lints, so that typing lints once per pause rather than per key.
const DefaultDebounce = 150 * time.Millisecond

// ErrNoShutdown is returned by Serve when the session ended without a
// shutdown request; the process should exit with status 1.
var ErrNoShutdown = errors.New("the client ended the session without a shutdown request")

// Options configure a Server.
type Options struct {
	// Linter lints documents; nil means NewLinter().
	Linter Linter
	// Debounce is the pause after an edit before linting (DefaultDebounce
	// when 0); the editor's "debounce" setting overrides it.
	Debounce time.Duration
	// Explain renders a rule's documentation for hover (the CLI passes
	// the text `schemagate explain` prints).
	Explain func(*rules.Rule) string
	// Version is reported in serverInfo.
	Version string
	// Workers bounds concurrent lints (GOMAXPROCS when 0).
	Workers int
}

// Server is one language server session.
type Server struct {
	opt    Options
	linter Linter
	ws     *workspace

	ctx  context.Context
	conn atomic.Pointer[jsonrpc2.Conn]
	out  atomic.Pointer[stream]
	wake chan struct{}
	stop chan struct{}
	exit chan struct{}
	once sync.Once

	mu          sync.Mutex
	initialized bool
	shutdown    bool
	caps        ClientCapabilities
	debounce    time.Duration
	docs        map[string]*document
	queue       []*document

	shownMu     sync.Mutex
	shown       map[string]bool   // messages shown once
	configShown map[string]string // by config path, the error last shown for it
}

// NewServer returns a server; Serve runs it.
func NewServer(opt Options) *Server {
	if opt.Linter == nil {
		opt.Linter = NewLinter()
	}
	if opt.Debounce <= 0 {
		opt.Debounce = DefaultDebounce
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	s := &Server{
		opt:      opt,
		linter:   opt.Linter,
		ws:       newWorkspace(),
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		exit:     make(chan struct{}),
		debounce: opt.Debounce,
		docs:     map[string]*document{},
		shown:    map[string]bool{},

		configShown: map[string]string{},
	}
	if h, ok := opt.Linter.(interface{ SetHooks(Hooks) }); ok {
		h.SetHooks(Hooks{Relint: func() { s.relintAll(nil) }, Show: s.showOnce})
	}
	return s
}

// Serve runs the session on in and out (the process's stdin and stdout)
// until the client sends exit or closes the input. It returns nil when
// the client asked for shutdown first, ErrNoShutdown otherwise.
func (s *Server) Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.ctx = ctx
	st := newStream(in, out, func(msg string) { s.logf(MessageError, "schemagate: skipped a message: %s", msg) })
	s.out.Store(st)
	conn := jsonrpc2.NewConn(ctx, st, jsonrpc2.HandlerWithError(s.handle), jsonrpc2.SetLogger(discardLogger{}))
	s.conn.Store(conn)
	var wg sync.WaitGroup
	for i := 0; i < s.opt.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.work()
		}()
	}
	select {
	case <-s.exit:
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
	}
	close(s.stop)
	s.mu.Lock()
	for _, d := range s.docs {
		if d.timer != nil {
			d.timer.Stop()
		}
	}
	shutdown := s.shutdown
	s.mu.Unlock()
	wg.Wait()
	_ = conn.Close()
	if c, ok := s.linter.(io.Closer); ok {
		_ = c.Close()
	}
	if !shutdown {
		return ErrNoShutdown
	}
	return nil
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// handle answers one request or notification. A panic becomes an
// internal-error response and a log message, never the end of the
// session.
func (s *Server) handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.logf(MessageError, "schemagate: internal error in %s: %v\n%s", req.Method, r, debug.Stack())
			result, err = nil, &jsonrpc2.Error{Code: CodeInternalError, Message: fmt.Sprintf("internal error in %s: %v", req.Method, r)}
		}
	}()
	s.mu.Lock()
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()
	switch {
	case req.Method == "exit":
		s.once.Do(func() { close(s.exit) })
		return nil, nil
	case req.Method == "initialize":
		if initialized {
			return nil, &jsonrpc2.Error{Code: CodeInvalidRequest, Message: "initialize was already received"}
		}
	case !initialized:
		if req.Notif {
			return nil, nil
		}
		return nil, &jsonrpc2.Error{Code: CodeServerNotInitialized, Message: "the server is not initialized: send initialize first"}
	case shutdown:
		if req.Notif {
			return nil, nil
		}
		return nil, &jsonrpc2.Error{Code: CodeInvalidRequest, Message: "the server is shut down: only exit is accepted"}
	}
	h, ok := handlers[req.Method]
	if !ok {
		if req.Notif {
			if !strings.HasPrefix(req.Method, "$/") {
				s.logf(MessageLog, "schemagate: ignoring notification %s", req.Method)
			}
			return nil, nil
		}
		return nil, &jsonrpc2.Error{Code: CodeMethodNotFound, Message: "method not supported: " + req.Method}
	}
	var params json.RawMessage
	if req.Params != nil {
		params = *req.Params
	}
	res, err := h(s, params)
	if err != nil {
		var rpcErr *jsonrpc2.Error
		if !errors.As(err, &rpcErr) {
			err = &jsonrpc2.Error{Code: CodeRequestFailed, Message: err.Error()}
		}
		if req.Notif {
			s.logf(MessageError, "schemagate: %s: %v", req.Method, err)
			return nil, nil
		}
	}
	return res, err
}

var handlers map[string]func(*Server, json.RawMessage) (any, error)

func init() {
	handlers = map[string]func(*Server, json.RawMessage) (any, error){
		"initialize":                       typed((*Server).initialize),
		"initialized":                      (*Server).initializedNotification,
		"shutdown":                         (*Server).shutdownRequest,
		"textDocument/didOpen":             typed((*Server).didOpen),
		"textDocument/didChange":           typed((*Server).didChange),
		"textDocument/didSave":             typed((*Server).didSave),
		"textDocument/didClose":            typed((*Server).didClose),
		"textDocument/hover":               typed((*Server).hover),
		"textDocument/codeAction":          typed((*Server).codeAction),
		"workspace/didChangeConfiguration": typed((*Server).didChangeConfiguration),
		"workspace/didChangeWatchedFiles":  typed((*Server).didChangeWatchedFiles),
	}
}

// typed adapts a handler of decoded params.
func typed[P any](h func(*Server, P) (any, error)) func(*Server, json.RawMessage) (any, error) {
	return func(s *Server, params json.RawMessage) (any, error) {
		var p P
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		return h(s, p)
	}
}

// decode reads params; a mismatch is an invalid-params error.
func decode(params json.RawMessage, v any) error {
	if len(params) == 0 {
		return &jsonrpc2.Error{Code: CodeInvalidParams, Message: "missing params"}
	}
	if err := json.Unmarshal(params, v); err != nil {
		return &jsonrpc2.Error{Code: CodeInvalidParams, Message: "invalid params: " + err.Error()}
	}
	return nil
}

func (s *Server) initialize(p InitializeParams) (any, error) {
	var roots []string
	for _, f := range p.WorkspaceFolders {
		if dir, ok := uriToPath(f.URI); ok {
			roots = append(roots, dir)
		}
	}
	if len(roots) == 0 {
		if dir, ok := uriToPath(p.RootURI); ok {
			roots = append(roots, dir)
		} else if p.RootPath != "" {
			roots = append(roots, p.RootPath)
		}
	}
	settings, err := parseSettings(p.InitializationOptions)
	if err != nil {
		s.logf(MessageWarning, "schemagate: ignoring initializationOptions: %v", err)
	}
	s.ws.mu.Lock()
	s.ws.roots = roots
	s.ws.settings = settings
	s.ws.mu.Unlock()
	s.mu.Lock()
	s.initialized = true
	s.caps = p.Capabilities
	s.applySettingsLocked(settings)
	s.mu.Unlock()
	return InitializeResult{
		Capabilities: ServerCapabilities{
			PositionEncoding:   "utf-16",
			TextDocumentSync:   TextDocumentSyncOptions{OpenClose: true, Change: SyncIncremental, Save: &SaveOptions{}},
			HoverProvider:      true,
			CodeActionProvider: &CodeActionOptions{CodeActionKinds: []string{CodeActionQuickFix}},
		},
		ServerInfo: &ServerInfo{Name: "schemagate", Version: s.opt.Version},
	}, nil
}

func (s *Server) applySettingsLocked(st Settings) {
	s.debounce = s.opt.Debounce
	if st.Debounce != nil && *st.Debounce >= 0 {
		s.debounce = time.Duration(*st.Debounce) * time.Millisecond
	}
	if c, ok := s.linter.(interface{ SetCheck(bool) }); ok {
		c.SetCheck(st.Check == nil || *st.Check)
	}
}

// initializedNotification asks the client to report changes to configs
// and migrations on disk, when it can.
func (s *Server) initializedNotification(json.RawMessage) (any, error) {
	go s.warnWithoutMigrations()
	s.mu.Lock()
	dynamic := s.caps.Workspace.DidChangeWatchedFiles.DynamicRegistration
	s.mu.Unlock()
	conn := s.conn.Load()
	if dynamic {
		reg := RegistrationParams{Registrations: []Registration{{
			ID: "schemagate-watched-files", Method: "workspace/didChangeWatchedFiles",
			RegisterOptions: DidChangeWatchedFilesRegistrationOptions{Watchers: []FileSystemWatcher{
				{GlobPattern: "**/" + config.FileName}, {GlobPattern: "**/*.sql"},
			}},
		}}}
		// Not waited for here: the answer arrives on the connection this
		// handler is blocking.
		go func() {
			if err := conn.Call(s.ctx, "client/registerCapability", reg, nil); err != nil {
				s.logf(MessageLog, "schemagate: the client did not register file watching: %v", err)
			}
		}()
	}
	return nil, nil
}

// warnWithoutMigrations tells the user when a workspace folder has no
// migrations schemagate can find, and how to name them: lint and check
// would stop there too.
func (s *Server) warnWithoutMigrations() {
	s.ws.mu.Lock()
	roots := slices.Clone(s.ws.roots)
	s.ws.mu.Unlock()
	for _, root := range roots {
		cfg, _, _, err := s.ws.configFor(filepath.Join(root, config.FileName))
		if err != nil || len(cfg.Migrations) > 0 {
			continue
		}
		base := cmpOr(cfg.Root, root)
		if len(discovered.dirs(base, cfg.Exclude)) == 0 {
			s.showOnce(MessageWarning, fmt.Sprintf("schemagate: no migrations found in %s: searched %s; if they are elsewhere or in another format, %s",
				base, migrations.Searched, fmt.Sprintf(migrations.FixHint, "path/to/migrations", "goose")))
		}
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *Server) shutdownRequest(json.RawMessage) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shutdown = true
	for _, d := range s.docs {
		if d.timer != nil {
			d.timer.Stop()
		}
	}
	s.queue = nil
	return nil, nil
}

func (s *Server) didOpen(p DidOpenTextDocumentParams) (any, error) {
	td := p.TextDocument
	path, onDisk := uriToPath(td.URI)
	if !onDisk {
		path = uriName(td.URI)
	}
	d := &document{uri: td.URI, path: path, onDisk: onDisk, languageID: td.LanguageID, version: td.Version, text: []byte(td.Text)}
	d.lintable = s.isMigration(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.docs[td.URI]; old != nil {
		s.closeLocked(old)
	}
	s.docs[td.URI] = d
	if !d.lintable {
		s.logf(MessageInfo, "schemagate: %s is not a migration (not SQL, language %q, nor a Rails, Django, Alembic, Go, TypeScript or JavaScript migration): not linted", filepath.Base(path), td.LanguageID)
		return nil, nil
	}
	s.scheduleLocked(d, 0)
	return nil, nil
}

func (s *Server) didChange(p DidChangeTextDocumentParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return nil, fmt.Errorf("didChange for %s, which is not open", p.TextDocument.URI)
	}
	text, err := applyChanges(d.text, p.ContentChanges)
	d.text = text
	d.version = p.TextDocument.Version
	if d.lintable {
		s.scheduleLocked(d, s.debounce)
	}
	return nil, err
}

func (s *Server) didSave(p DidSaveTextDocumentParams) (any, error) {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	if d != nil && p.Text != nil {
		d.text = []byte(*p.Text)
	}
	s.mu.Unlock()
	path, onDisk := uriToPath(p.TextDocument.URI)
	if onDisk && filepath.Base(path) == config.FileName {
		s.configChanged()
		return nil, nil
	}
	if onDisk {
		s.invalidate([]string{path})
	}
	if d == nil {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !d.lintable && !d.closed {
		// A file that became a migration as it was written (a new .ts file
		// that now has its up function) is linted from its first save.
		if d.lintable = s.isMigration(d); d.lintable {
			s.logf(MessageInfo, "schemagate: %s is a migration now: linting it", filepath.Base(d.path))
		}
	}
	if d.lintable && !d.closed {
		// A save lints now: the text on disk changed, and a lint waiting
		// for the end of typing need not wait any longer.
		s.scheduleLocked(d, 0)
		if onDisk {
			// Later migrations of the directory read this one from disk.
			for _, o := range s.docs {
				if o != d && o.lintable && o.onDisk && filepath.Dir(o.path) == filepath.Dir(path) {
					s.scheduleLocked(o, s.debounce)
				}
			}
		}
	}
	return nil, nil
}

func (s *Server) didClose(p DidCloseTextDocumentParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.docs[p.TextDocument.URI]; d != nil {
		s.closeLocked(d)
		delete(s.docs, p.TextDocument.URI)
		// Clear what the editor shows for the closed document.
		s.publishLocked(d.uri, nil, nil)
	}
	return nil, nil
}

// isMigration decides whether a document is a migration, with the
// config that applies to it. It takes no lock of the server's.
func (s *Server) isMigration(d *document) bool {
	cfgDoc := ""
	if d.onDisk {
		cfgDoc = d.path
	}
	cfg, _, _, _ := s.ws.configFor(cfgDoc) // a broken config is reported when the document is linted
	return isMigration(cfg, s.ws.rootOf(d.path), d.path, d.languageID, d.text)
}

func (s *Server) closeLocked(d *document) {
	d.closed = true
	if d.timer != nil {
		d.timer.Stop()
	}
}

func (s *Server) didChangeConfiguration(p DidChangeConfigurationParams) (any, error) {
	st, err := parseSettings(p.Settings)
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	s.ws.mu.Lock()
	s.ws.settings = st
	s.ws.mu.Unlock()
	s.mu.Lock()
	s.applySettingsLocked(st)
	s.mu.Unlock()
	s.configChanged()
	return nil, nil
}

func (s *Server) didChangeWatchedFiles(p DidChangeWatchedFilesParams) (any, error) {
	var paths []string
	for _, c := range p.Changes {
		path, ok := uriToPath(c.URI)
		if !ok {
			continue
		}
		if filepath.Base(path) == config.FileName {
			s.configChanged()
			return nil, nil
		}
		paths = append(paths, path)
	}
	if len(paths) == 0 {
		return nil, nil
	}
	s.invalidate(paths)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.docs {
		for _, p := range paths {
			// The document's own file changed because the editor saved
			// it: didSave has linted it already.
			if d.lintable && d.onDisk && d.path != p && filepath.Dir(d.path) == filepath.Dir(p) {
				s.scheduleLocked(d, s.debounce)
				break
			}
		}
	}
	return nil, nil
}

// configChanged forgets every config and cache and lints every open
// document again.
func (s *Server) configChanged() {
	s.ws.forget()
	s.invalidate(nil)
	s.relintAll(nil)
}

func (s *Server) invalidate(paths []string) {
	if inv, ok := s.linter.(Invalidator); ok {
		inv.Invalidate(paths)
	}
}

// relintAll lints every open SQL document except skip.
func (s *Server) relintAll(skip *document) {
	s.shownMu.Lock()
	s.shown = map[string]bool{} // a config fixed and broken again is reported again
	s.shownMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.docs {
		if d != skip && d.lintable {
			s.scheduleLocked(d, 0)
		}
	}
}

// logf sends window/logMessage. It takes no lock, so it may be called
// with Server.mu held.
func (s *Server) logf(typ int, format string, args ...any) {
	if out := s.out.Load(); out != nil {
		_ = out.Notify("window/logMessage", LogMessageParams{Type: typ, Message: fmt.Sprintf(format, args...)})
	}
}

// reportConfig shows the error of the config at path once: every
// document linted with it, and every lint after a change that leaves it
// as broken, would report it again. Once the config reads, its next
// error is shown again.
func (s *Server) reportConfig(path string, err error) {
	msg := ""
	if err != nil {
		msg = "schemagate: " + firstLine(err.Error()) + " (linting with the default configuration)"
	}
	s.shownMu.Lock()
	last := s.configShown[path]
	s.configShown[path] = msg
	s.shownMu.Unlock()
	if msg == "" || msg == last {
		return
	}
	s.logf(MessageError, "%s", msg)
	if out := s.out.Load(); out != nil {
		_ = out.Notify("window/showMessage", LogMessageParams{Type: MessageError, Message: msg})
	}
}

// showOnce sends window/showMessage for a message not shown before in
// this configuration, and logs it.
func (s *Server) showOnce(typ int, msg string) {
	s.shownMu.Lock()
	seen := s.shown[msg]
	s.shown[msg] = true
	s.shownMu.Unlock()
	s.logf(typ, "%s", msg)
	if out := s.out.Load(); !seen && out != nil {
		_ = out.Notify("window/showMessage", LogMessageParams{Type: typ, Message: msg})
	}
}
