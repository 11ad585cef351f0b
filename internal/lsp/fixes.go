package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// A fix must not trade its finding for a worse one. CONCURRENTLY is the
// case that needs care: PostgreSQL refuses CREATE INDEX CONCURRENTLY,
// DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY inside a transaction
// block, and a statement taken out of one must be safe to run again (IF
// NOT EXISTS, IF EXISTS), or prefer-robust-statements flags it. So the
// CONCURRENTLY fixes are offered with what runs the statement outside a
// transaction in the migration's own format:
//
//   - already outside one: CONCURRENTLY and the guard;
//   - in the transaction the tool wraps the file in, when the other
//     statements are safe to run again: the format's opt-out (goose's
//     NO TRANSACTION, dbmate's transaction:false,
//     Rails' disable_ddl_transaction!, Django's atomic = False, Alembic's
//     autocommit_block around the one call);
//   - otherwise, for golang-migrate, goose and dbmate (a golang-migrate
//     file of several statements runs as one implicit transaction): the
//     statement moves to a new migration of its own, next after the last
//     one, when the client can create files;
//   - in a BEGIN ... COMMIT written in the file, or in a format that has
//     no opt-out: no action.
//
// The rules that a fix adding CONCURRENTLY resolves.
var concurrentRules = map[string]bool{
	rules.RequireConcurrentIndexCreation.Name: true,
	rules.RequireConcurrentIndexDeletion.Name: true,
	rules.RequireConcurrentReindex.Name:       true,
}

// txKind is how a statement runs.
type txKind int

const (
	txNone txKind = iota // on its own (autocommit)
	txTool               // in the transaction the tool wraps the migration in
	txFile               // in a transaction block the file opens itself
)

// fixer builds the fixes of one linted document.
type fixer struct {
	ed   editor
	m    *migration.Migration
	ops  []ops.Op
	text string
}

func newFixer(ed editor, res *Result) *fixer {
	fx := &fixer{ed: ed, m: res.Migration, ops: res.Ops}
	if fx.m != nil {
		fx.text = string(fx.m.File.Text)
	}
	return fx
}

// action is a quick fix for diag.
func (fx *fixer) action(title string, diag Diagnostic, edit *WorkspaceEdit) CodeAction {
	return CodeAction{Title: title, Kind: CodeActionQuickFix, Diagnostics: []Diagnostic{diag}, Edit: edit}
}

func (fx *fixer) edit(edits []rules.Edit) *WorkspaceEdit {
	return fx.ed.workspaceEdit(fx.ed.textEdits(edits))
}

// actions are a finding's fixes; the first is preferred.
func (fx *fixer) actions(f *rules.Finding, diag Diagnostic) []CodeAction {
	if fx.m == nil {
		return nil
	}
	var out []CodeAction
	for _, fix := range f.Fixes {
		if concurrentRules[f.Rule] && strings.HasPrefix(fix.Title, "Add CONCURRENTLY") {
			if a, ok := fx.sqlConcurrently(f, fix, diag); ok {
				out = append(out, a)
			}
			continue
		}
		out = append(out, fx.action(fix.Title, diag, fx.edit(fix.Edits)))
	}
	if len(f.Fixes) == 0 && concurrentRules[f.Rule] && fx.m.Format.IsFramework() {
		if a, ok := fx.frameworkConcurrently(f, diag); ok {
			out = append(out, a)
		}
	}
	if f.Rule == rules.ConcurrentlyInTransaction.Name {
		if a, ok := fx.outOfTransaction(f, diag); ok {
			out = append(out, a)
		}
	}
	if len(out) > 0 {
		out[0].IsPreferred = true
	}
	return out
}

// statement returns the operation a finding is about and how its
// statement runs.
func (fx *fixer) statement(sp source.Span) (*ops.Op, txKind, bool) {
	for i := range fx.ops {
		op := &fx.ops[i]
		if op.Span.Start.Offset != sp.Start.Offset || op.Span.End.Offset != sp.End.Offset {
			continue
		}
		if !op.InTransaction {
			return op, txNone, true
		}
		if fx.m.Transactional && op.Tx == 1 && !fx.begins(i, 1) {
			return op, txTool, true
		}
		return op, txFile, true
	}
	return nil, 0, false
}

// begins reports whether a BEGIN of transaction tx comes before op i.
func (fx *fixer) begins(i, tx int) bool {
	for _, o := range fx.ops[:i] {
		if o.Kind == ops.Begin && o.Tx == tx {
			return true
		}
	}
	return false
}

// othersSafeAlone reports whether every statement but op's is safe to
// run again, so that taking the whole migration out of its transaction
// adds no prefer-robust-statements finding.
func (fx *fixer) othersSafeAlone(op *ops.Op) bool {
	for i := range fx.ops {
		o := &fx.ops[i]
		if o.Stmt != op.Stmt && rules.MissingGuard(o) != "" {
			return false
		}
	}
	return true
}

// guard is the SQL that makes op safe to run again, added right after
// CONCURRENTLY ("" when it has it, or an unnamed index that cannot).
func guard(op *ops.Op) string {
	switch op.Kind {
	case ops.CreateIndex, ops.DropIndex:
		if g := rules.MissingGuard(op); g != "" {
			return " " + g
		}
	}
	return ""
}

// sqlConcurrently is the CONCURRENTLY fix of a SQL migration, made safe
// for how its statement runs.
func (fx *fixer) sqlConcurrently(f *rules.Finding, fix rules.Fix, diag Diagnostic) (CodeAction, bool) {
	op, tx, ok := fx.statement(f.Span)
	if !ok || len(fix.Edits) != 1 {
		return CodeAction{}, false
	}
	e := fix.Edits[0]
	g := guard(op)
	e.Text += g
	title := "Add CONCURRENTLY" + g
	switch tx {
	case txNone:
		return fx.action(title, diag, fx.edit([]rules.Edit{e})), true
	case txTool:
		if fx.othersSafeAlone(op) {
			if out, note, ok := fx.optOut(); ok {
				return fx.action(title+" and "+note, diag, fx.edit(append([]rules.Edit{e}, out...))), true
			}
		}
		return fx.split(op, []rules.Edit{e}, diag)
	}
	return CodeAction{}, false
}

var (
	reIndexConcurrently = regexp.MustCompile(`(?i)^\s*(create\s+(unique\s+)?index|drop\s+index|reindex\s+\w+)\s+concurrently`)
)

// outOfTransaction is the fix of concurrently-in-transaction: what runs
// the statement outside the transaction, with its guard.
func (fx *fixer) outOfTransaction(f *rules.Finding, diag Diagnostic) (CodeAction, bool) {
	op, tx, ok := fx.statement(f.Span)
	if !ok {
		return CodeAction{}, false
	}
	if fx.m.Format.IsFramework() {
		return fx.frameworkOutOfTransaction(op, diag)
	}
	var edits []rules.Edit
	if g := guard(op); g != "" {
		loc := reIndexConcurrently.FindStringIndex(fx.text[op.Span.Start.Offset:op.Span.End.Offset])
		if loc == nil {
			return CodeAction{}, false
		}
		at := op.Span.Start.Offset + loc[1]
		edits = append(edits, rules.Edit{Start: at, End: at, Text: g})
	}
	if tx != txTool {
		return CodeAction{}, false
	}
	if fx.othersSafeAlone(op) {
		if out, note, ok := fx.optOut(); ok {
			title := strings.ToUpper(note[:1]) + note[1:]
			if len(edits) > 0 {
				title += " and add" + edits[0].Text
			}
			return fx.action(title, diag, fx.edit(append(edits, out...))), true
		}
	}
	return fx.split(op, edits, diag)
}

// optOut returns the edits that make the migration's tool run it outside
// a transaction, for the SQL formats that say so in the file (goose's NO
// TRANSACTION annotation, dbmate's transaction:false).
func (fx *fixer) optOut() ([]rules.Edit, string, bool) {
	m := fx.m
	edit := m.Format.Tool().OutsideTransaction
	if !m.Transactional || edit == nil {
		return nil, "", false
	}
	edits, note, ok := edit(m)
	out := make([]rules.Edit, len(edits))
	for i, e := range edits {
		out[i] = rules.Edit{Start: e.Start, End: e.End, Text: e.Text}
	}
	return out, note, ok
}

// newMigration names the migration that follows the document's in its
// directory, and says what its file holds around the statement. ok is
// false when the document's migration is not the last one of its
// directory (a statement moved after a later migration would run in
// another order) or the format has no such file.
func (fx *fixer) newMigration() (path, head, tail string, ok bool) {
	if !fx.ed.createFiles || !fx.ed.onDisk {
		return "", "", "", false
	}
	dir, base := filepath.Split(fx.ed.path)
	var re *regexp.Regexp
	switch fx.m.Format {
	case migration.FormatGolangMigrate:
		re = regexp.MustCompile(`^(\d+)_(.+)\.up\.sql$`)
	case migration.FormatGoose:
		re = regexp.MustCompile(`^(\d+)_(.+)\.sql$`)
		head = "-- +goose NO TRANSACTION\n-- +goose Up\n"
	case migration.FormatDbmate:
		re = regexp.MustCompile(`^(\d+)_(.+)\.sql$`)
		head, tail = "-- migrate:up transaction:false\n", "\n-- migrate:down\n"
	default:
		return "", "", "", false
	}
	sm := re.FindStringSubmatch(base)
	if sm == nil {
		return "", "", "", false
	}
	v, err := strconv.ParseUint(sm[1], 10, 64)
	if err != nil || v == ^uint64(0) {
		return "", "", "", false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", "", "", false
	}
	for _, e := range entries {
		digits := leadingDigits(e.Name())
		if digits == "" || e.Name() == base {
			continue
		}
		if w, err := strconv.ParseUint(digits, 10, 64); err != nil || w > v {
			return "", "", "", false
		}
	}
	next := fmt.Sprintf("%0*d", len(sm[1]), v+1)
	name := next + "_" + strings.TrimSuffix(sm[2], "_concurrently") + "_concurrently" + strings.TrimPrefix(base, sm[1]+"_"+sm[2])
	return filepath.Join(dir, name), head, tail, true
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// split moves op's statement, with edits applied to it, into a new
// migration that runs outside a transaction.
func (fx *fixer) split(op *ops.Op, edits []rules.Edit, diag Diagnostic) (CodeAction, bool) {
	if strings.Contains(fx.text, "StatementBegin") {
		return CodeAction{}, false // goose's multi-line blocks keep their statements
	}
	path, head, tail, ok := fx.newMigration()
	if !ok {
		return CodeAction{}, false
	}
	start, end := op.Span.Start.Offset, op.Span.End.Offset
	// The statement's ';', and the rest of its line when nothing else is
	// on it.
	cut := end
	rest := fx.text[end:]
	if t := strings.TrimLeft(rest, " \t"); strings.HasPrefix(t, ";") {
		cut = end + len(rest) - len(t) + 1
	}
	// A comment after it on its line goes with it.
	comment := ""
	if t := strings.TrimLeft(fx.text[cut:], " \t"); strings.HasPrefix(t, "--") {
		line, _, _ := strings.Cut(t, "\n")
		comment = " " + strings.TrimRight(line, "\r")
		cut += len(fx.text[cut:]) - len(t) + len(comment) - 1
	}
	lineStart := strings.LastIndexByte(fx.text[:start], '\n') + 1
	from := start
	if strings.TrimSpace(fx.text[lineStart:start]) == "" {
		from = lineStart
		after := fx.text[cut:]
		t := strings.TrimLeft(after, " \t")
		switch {
		case strings.HasPrefix(t, "\r\n"):
			cut += len(after) - len(t) + 2
		case strings.HasPrefix(t, "\n"):
			cut += len(after) - len(t) + 1
		case t == "":
			cut = len(fx.text)
		default:
			from = start
		}
	}
	// A later statement that names the index would run before it.
	later := strings.ToLower(fx.text[cut:])
	if name := op.Object.Name; name != "" {
		if strings.Contains(later, strings.ToLower(name)) {
			return CodeAction{}, false
		}
	} else if strings.TrimSpace(later) != "" {
		return CodeAction{}, false
	}
	stmt := applyRuleEdits(fx.text[start:end], edits, start)
	nl := newline(fx.m.File.Text)
	body := strings.ReplaceAll(head+stmt+";"+comment+"\n"+tail, "\n", nl)
	uri := pathToURI(path)
	v := fx.ed.version
	we := &WorkspaceEdit{DocumentChanges: []TextDocumentEdit{
		{Kind: "create", URI: uri, Options: &CreateFileOptions{}},
		{TextDocument: OptionalVersionedTextDocumentIdentifier{URI: uri}, Edits: []TextEdit{{NewText: body}}},
		{TextDocument: OptionalVersionedTextDocumentIdentifier{URI: fx.ed.uri, Version: &v}, Edits: fx.ed.textEdits([]rules.Edit{{Start: from, End: cut}})},
	}}
	title := fmt.Sprintf("Move the statement into a new migration %s, which runs outside a transaction", filepath.Base(path))
	if !op.Concurrently {
		title = fmt.Sprintf("Add CONCURRENTLY%s in a new migration %s, which runs outside a transaction", guard(op), filepath.Base(path))
	}
	return fx.action(title, diag, we), true
}

// applyRuleEdits applies edits (offsets in the file) to text, which
// starts at offset base of the file.
func applyRuleEdits(text string, edits []rules.Edit, base int) string {
	out := text
	// Right to left, so that earlier offsets stay valid.
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		s, t := e.Start-base, e.End-base
		if s < 0 || t > len(out) || s > t {
			continue
		}
		out = out[:s] + e.Text + out[t:]
	}
	return out
}
