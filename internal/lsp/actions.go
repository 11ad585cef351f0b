package lsp

import (
	"bytes"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

func (s *Server) codeAction(p CodeActionParams) (any, error) {
	out := []CodeAction{}
	if !kindAllowed(p.Context.Only, CodeActionQuickFix) {
		return out, nil
	}
	lr, _ := s.current(p.TextDocument.URI)
	if lr == nil {
		return out, nil
	}
	s.mu.Lock()
	caps := s.caps
	s.mu.Unlock()
	start, end := offset(lr.file, p.Range.Start), offset(lr.file, p.Range.End)
	path, onDisk := uriToPath(p.TextDocument.URI)
	ed := editor{
		uri: p.TextDocument.URI, version: lr.version, file: lr.file, path: path, onDisk: onDisk,
		versioned:   caps.Workspace.WorkspaceEdit.DocumentChanges,
		createFiles: caps.Workspace.WorkspaceEdit.DocumentChanges && slices.Contains(caps.Workspace.WorkspaceEdit.ResourceOperations, "create"),
	}
	fx := newFixer(ed, lr.res)
	for i := range lr.findings {
		f := &lr.findings[i]
		if f.Span.Empty() || f.Span.Start.Offset > end || f.Span.End.Offset < start {
			continue
		}
		diag := diagnostic(lr, f, caps)
		out = append(out, fx.actions(f, diag)...)
		if a, ok := ignoreAction(ed, commentToken(lr.res.Migration), f, diag); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// kindAllowed applies a code action request's "only" filter, in which a
// kind allows its sub-kinds.
func kindAllowed(only []string, kind string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if o == kind || strings.HasPrefix(kind, o+".") {
			return true
		}
	}
	return false
}

// editor builds workspace edits for one linted version of a document.
type editor struct {
	uri         string
	version     int32
	file        *source.File
	path        string // the document's file, when onDisk
	onDisk      bool
	versioned   bool // the client takes documentChanges with a version
	createFiles bool // and CreateFile operations among them
}

func (e editor) textEdits(edits []rules.Edit) []TextEdit {
	out := make([]TextEdit, 0, len(edits))
	for _, x := range edits {
		out = append(out, TextEdit{Range: Range{Start: position(e.file, x.Start), End: position(e.file, x.End)}, NewText: x.Text})
	}
	return out
}

func (e editor) workspaceEdit(edits []TextEdit) *WorkspaceEdit {
	if e.versioned {
		v := e.version
		return &WorkspaceEdit{DocumentChanges: []TextDocumentEdit{{TextDocument: OptionalVersionedTextDocumentIdentifier{URI: e.uri, Version: &v}, Edits: edits}}}
	}
	return &WorkspaceEdit{Changes: map[string][]TextEdit{e.uri: edits}}
}

// noIgnore are findings a schemagate:ignore comment should not hide:
// the file does not parse, schemagate failed, or the comment itself is
// wrong.
var noIgnore = map[string]bool{
	rules.SyntaxError.Name:        true,
	rules.InternalError.Name:      true,
	rules.InvalidSuppression.Name: true,
}

// commentToken starts a line comment in the migration's language.
func commentToken(m *migration.Migration) string {
	if m == nil {
		return "--"
	}
	return m.Format.Tool().LineComment
}

// ignoreAction offers a `-- schemagate:ignore RULE` comment on the line
// above the finding, indented like it; when that line already is such a
// comment, the rule is added to its list. A compatibility finding gets
// none: its suppression needs a reason a person writes (check rejects a
// placeholder), and LSP 3.17 has no way to put the cursor on it.
func ignoreAction(ed editor, comment string, f *rules.Finding, diag Diagnostic) (CodeAction, bool) {
	if noIgnore[f.Rule] || f.Category == rules.Compatibility {
		return CodeAction{}, false
	}
	if _, ok := rules.Lookup(f.Rule); !ok {
		return CodeAction{}, false
	}
	file := ed.file
	line := f.Span.Start.Line
	title := "Ignore " + f.Rule + " here (schemagate:ignore comment)"
	var edit rules.Edit
	if prev, list, end, ok := ignoreComment(file, comment, line-1); ok {
		for _, r := range strings.Split(list, ",") {
			if r == f.Rule {
				return CodeAction{}, false
			}
		}
		at := file.LineStart(prev) + end
		edit = rules.Edit{Start: at, End: at, Text: "," + f.Rule}
	} else {
		text := file.Line(line)
		indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
		at := file.LineStart(line)
		edit = rules.Edit{Start: at, End: at, Text: indent + comment + " schemagate:ignore " + f.Rule + newline(file.Text)}
	}
	return CodeAction{Title: title, Kind: CodeActionQuickFix, Diagnostics: []Diagnostic{diag}, Edit: ed.workspaceEdit(ed.textEdits([]rules.Edit{edit}))}, true
}

// ignoreComment reports whether line n is a comment of its own that is a
// schemagate:ignore (not ignore-file), with its rule list and the byte
// offset in the line where the list ends.
func ignoreComment(f *source.File, comment string, n int) (line int, list string, end int, ok bool) {
	if n < 1 {
		return 0, "", 0, false
	}
	text := f.Line(n)
	t := strings.TrimLeft(text, " \t")
	if !strings.HasPrefix(t, comment) {
		return 0, "", 0, false
	}
	at := len(text) - len(t) + len(comment)
	rest := text[at:]
	trimmed := strings.TrimLeft(rest, " \t")
	at += len(rest) - len(trimmed)
	const marker = "schemagate:ignore"
	if !strings.HasPrefix(trimmed, marker) || len(trimmed) == len(marker) || (trimmed[len(marker)] != ' ' && trimmed[len(marker)] != '\t') {
		return 0, "", 0, false
	}
	at += len(marker)
	rest = text[at:]
	trimmed = strings.TrimLeft(rest, " \t")
	at += len(rest) - len(trimmed)
	list, _, _ = strings.Cut(trimmed, " ")
	list, _, _ = strings.Cut(list, "\t")
	if list == "" {
		return 0, "", 0, false
	}
	return n, list, at + len(list), true
}

// newline is the line ending the file uses.
func newline(text []byte) string {
	if bytes.Contains(text, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}
