package lsp

import (
	"fmt"
	"time"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// document is an open document and the state of its linting. Every
// field is guarded by Server.mu.
type document struct {
	uri        string
	path       string // file path, or a name for a buffer that is not a file
	onDisk     bool
	languageID string
	lintable   bool
	version    int32
	text       []byte
	closed     bool

	timer   *time.Timer
	queued  bool // waiting for a worker
	running bool // a worker is linting it
	again   bool // lint again when the running lint ends
	last    *lintResult
	skipped string // why it was last not linted, logged once
}

// lintResult is a lint of one version of a document.
type lintResult struct {
	version  int32
	file     *source.File // the text that was linted
	res      *Result
	findings []rules.Finding // this document's only
	encoded  []byte          // the published diagnostics, as JSON
}

// snapshot is what a worker lints: a copy of the document's state.
type snapshot struct {
	uri     string
	path    string
	onDisk  bool
	version int32
	text    []byte
}

func (d *document) snapshot() snapshot {
	return snapshot{uri: d.uri, path: d.path, onDisk: d.onDisk, version: d.version, text: d.text}
}

// applyChanges applies didChange events in order: a change without a
// range replaces the text, one with a range (UTF-16 positions) replaces
// that range. Positions past the end of a line or of the text are
// clamped, as the protocol asks.
func applyChanges(text []byte, changes []TextDocumentContentChangeEvent) ([]byte, error) {
	for i, c := range changes {
		if c.Range == nil {
			text = []byte(c.Text)
			continue
		}
		f := source.NewFile("", text)
		start := f.OffsetOfUTF16(c.Range.Start.Line, c.Range.Start.Character)
		end := f.OffsetOfUTF16(c.Range.End.Line, c.Range.End.Character)
		if end < start {
			return text, fmt.Errorf("change %d: range end %d:%d is before its start %d:%d", i+1, c.Range.End.Line, c.Range.End.Character, c.Range.Start.Line, c.Range.Start.Character)
		}
		next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		next = append(next, text[:start]...)
		next = append(next, c.Text...)
		next = append(next, text[end:]...)
		text = next
	}
	return text, nil
}
