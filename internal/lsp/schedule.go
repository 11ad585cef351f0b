package lsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/schemagate/schemagate/rules"
)

// Linting runs on worker goroutines. An edit (re)starts the document's
// debounce timer; when it fires, or at once on open and save, the
// document joins the queue unless it is already queued. A worker lints a
// snapshot of the text and publishes the result only if the document is
// still at the linted version when it is done: the check and the
// notification happen under the same lock that edits take, so no
// diagnostics of a stale version are ever published. A document edited
// while it is being linted is linted again afterwards.

// scheduleLocked lints d after delay (at once when delay is 0),
// replacing any lint already waiting for its timer.
func (s *Server) scheduleLocked(d *document, delay time.Duration) {
	if d.closed || s.shutdown {
		return
	}
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if delay <= 0 {
		s.enqueueLocked(d)
		return
	}
	var t *time.Timer
	t = time.AfterFunc(delay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		// A timer stopped after it fired still runs: only the document's
		// current timer may enqueue.
		if d.timer == t && !d.closed && !s.shutdown {
			d.timer = nil
			s.enqueueLocked(d)
		}
	})
	d.timer = t
}

func (s *Server) enqueueLocked(d *document) {
	if d.running {
		d.again = true
		return
	}
	if d.queued {
		return
	}
	d.queued = true
	s.queue = append(s.queue, d)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// work is one worker: it lints queued documents until the session ends.
func (s *Server) work() {
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
		}
		for {
			select {
			case <-s.stop:
				return
			default:
			}
			s.mu.Lock()
			if len(s.queue) == 0 {
				s.mu.Unlock()
				break
			}
			d := s.queue[0]
			s.queue = s.queue[1:]
			d.queued = false
			if d.closed || s.shutdown {
				s.mu.Unlock()
				continue
			}
			d.running = true
			snap := d.snapshot()
			more := len(s.queue) > 0
			s.mu.Unlock()
			if more {
				select {
				case s.wake <- struct{}{}: // let another worker help
				default:
				}
			}
			lr, err := s.runLint(snap, d)
			s.finish(d, snap, lr, err)
		}
	}
}

// finish publishes a lint if its version is still the document's.
func (s *Server) finish(d *document, snap snapshot, lr *lintResult, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.running = false
	if d.again {
		d.again = false
		s.enqueueLocked(d)
	}
	if d.closed || s.shutdown || d.version != snap.version {
		return // stale: the lint of the newer text is scheduled
	}
	if err != nil {
		var nl *NotLintableError
		if errors.As(err, &nl) {
			if d.skipped != nl.Reason {
				s.logf(MessageWarning, "schemagate: %s", nl.Reason)
			}
			d.skipped = nl.Reason
		} else {
			s.logf(MessageError, "schemagate: linting %s: %v", d.path, err)
		}
		d.last = nil
		s.publishLocked(d.uri, &snap.version, nil)
		return
	}
	d.skipped = ""
	if d.last != nil && d.last.res == lr.res && d.last.encoded != nil {
		// The linter returned what it returned for the last lint (a save
		// of the text as typed): so are the diagnostics.
		lr.encoded = d.last.encoded
	} else {
		enc, err := json.Marshal(diagnostics(lr, s.caps))
		if err != nil {
			s.logf(MessageError, "schemagate: encoding diagnostics: %v", err)
			return
		}
		lr.encoded = enc
	}
	d.last = lr
	s.publishEncodedLocked(d.uri, &lr.version, lr.encoded)
}

// publishLocked sends textDocument/publishDiagnostics. It is called with
// s.mu held so that no edit can slip between the version check and the
// notification.
func (s *Server) publishLocked(uri string, version *int32, diags []Diagnostic) {
	if diags == nil {
		diags = []Diagnostic{}
	}
	enc, err := json.Marshal(diags)
	if err != nil {
		s.logf(MessageError, "schemagate: encoding diagnostics: %v", err)
		return
	}
	s.publishEncodedLocked(uri, version, enc)
}

// publishEncodedLocked sends diagnostics already encoded as a JSON array.
func (s *Server) publishEncodedLocked(uri string, version *int32, diags json.RawMessage) {
	out := s.out.Load()
	if out == nil {
		return
	}
	// Assembled by hand: the diagnostics of a large migration are
	// encoded once, not again for every save that publishes them.
	u, _ := json.Marshal(uri)
	params := append([]byte(`{"uri":`), u...)
	if version != nil {
		params = append(params, `,"version":`...)
		params = strconv.AppendInt(params, int64(*version), 10)
	}
	params = append(params, `,"diagnostics":`...)
	params = append(params, diags...)
	params = append(params, '}')
	if err := out.Notify("textDocument/publishDiagnostics", json.RawMessage(params)); err != nil {
		s.logf(MessageError, "schemagate: publishing diagnostics: %v", err)
	}
}

// runLint lints a snapshot. A panic anywhere in it is logged and becomes
// an error; the server goes on.
func (s *Server) runLint(snap snapshot, d *document) (lr *lintResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.logf(MessageError, "schemagate: internal error while linting %s: %v\n%s", snap.path, r, debug.Stack())
			lr, err = nil, fmt.Errorf("internal error: %v", r)
		}
	}()
	cfgDoc := ""
	if snap.onDisk {
		cfgDoc = snap.path
	}
	cfg, cfgPath, reloaded, cfgErr := s.ws.configFor(cfgDoc)
	s.reportConfig(cfgPath, cfgErr)
	if reloaded {
		s.invalidate(nil)
		s.relintAll(d)
	}
	in := Input{Path: snap.path, OnDisk: snap.onDisk, Text: snap.text, Config: cfg, Root: s.ws.rootOf(snap.path)}
	res, err := s.linter.Lint(s.ctx, in)
	if err != nil {
		return nil, err
	}
	m := res.Migration
	var own []rules.Finding
	for _, f := range res.Findings {
		if f.File == "" || f.File == m.Path {
			own = append(own, f)
		}
	}
	return &lintResult{version: snap.version, file: m.File, res: res, findings: own}, nil
}

// current returns a lint of the document's current text: the published
// one, or a fresh one when an edit made it stale.
func (s *Server) current(uri string) (*lintResult, *document) {
	s.mu.Lock()
	d := s.docs[uri]
	if d == nil || !d.lintable {
		s.mu.Unlock()
		return nil, d
	}
	if d.last != nil && d.last.version == d.version {
		lr := d.last
		s.mu.Unlock()
		return lr, d
	}
	snap := d.snapshot()
	s.mu.Unlock()
	lr, err := s.runLint(snap, nil)
	if err != nil {
		return nil, d
	}
	return lr, d
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
