package lsp

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/rules"
)

// The CONCURRENTLY fixes of Rails, Django and Alembic migrations, in the
// framework's own words: Rails' algorithm: :concurrently with
// disable_ddl_transaction! (and if_not_exists: / if_exists:, Rails 6.1),
// Django's AddIndexConcurrently / RemoveIndexConcurrently with atomic =
// False, Alembic's postgresql_concurrently=True (and if_not_exists= /
// if_exists=, Alembic 1.12) inside an autocommit_block.
//
// Django has no IF NOT EXISTS for an index: a migration of Django's that
// builds one concurrently is flagged by prefer-robust-statements, which
// says what to do when the build fails half way.

var (
	railsClass    = regexp.MustCompile(`(?m)^([ \t]*)class\s+[\w:]+\s*<\s*ActiveRecord::Migration(\[(\d+)\.(\d+)\])?[^\n]*$`)
	djangoClass   = regexp.MustCompile(`(?m)^([ \t]*)class\s+Migration\s*\([^)]*\)\s*:[ \t]*\r?$`)
	djangoAtomic  = regexp.MustCompile(`(?m)^[ \t]+atomic\s*=\s*(True)\b`)
	pythonImports = regexp.MustCompile(`(?m)^(from\s+\S+\s+import\s+[^\n(]*|import\s+[^\n]*)\r?\n`)
)

// frameworkConcurrently is the fix of require-concurrent-index-creation
// and -deletion in a framework migration.
func (fx *fixer) frameworkConcurrently(f *rules.Finding, diag Diagnostic) (CodeAction, bool) {
	op, tx, ok := fx.statement(f.Span)
	if !ok || tx == txFile || (op.Kind != ops.CreateIndex && op.Kind != ops.DropIndex) {
		return CodeAction{}, false
	}
	create := op.Kind == ops.CreateIndex
	call := fx.text[op.Span.Start.Offset:op.Span.End.Offset]
	var edits []rules.Edit
	var title, outOfTx string // outOfTx: what the title adds when the fix also leaves the transaction
	switch fx.m.Format {
	case migration.FormatRails:
		if strings.Contains(call, "algorithm:") {
			return CodeAction{}, false
		}
		args := []string{"algorithm: :concurrently"}
		title = "Add algorithm: :concurrently"
		if g := railsGuard(op); g != "" {
			if !fx.railsAtLeast(6, 1) {
				return CodeAction{}, false
			}
			args = append(args, g)
			title += ", " + g
		}
		e, ok := appendArgs(fx.text, op.Span.Start.Offset, op.Span.End.Offset, strings.Join(args, ", "))
		if !ok {
			return CodeAction{}, false
		}
		edits = append(edits, e)
		outOfTx = " and disable_ddl_transaction!"
	case migration.FormatDjango:
		callee, _, _ := strings.Cut(call, "(")
		name := strings.TrimSpace(callee)
		name = name[strings.LastIndexByte(name, '.')+1:]
		if (create && name != "AddIndex") || (!create && name != "RemoveIndex") {
			return CodeAction{}, false
		}
		with := name + "Concurrently"
		edits = append(edits, rules.Edit{Start: op.Span.Start.Offset, End: op.Span.Start.Offset + len(strings.TrimRight(callee, " \t")), Text: with})
		if imp, ok := fx.djangoImport(with); ok {
			edits = append(edits, imp...)
		}
		title = "Use " + with
		outOfTx = " with atomic = False"
	case migration.FormatAlembic:
		trimmed := strings.TrimSpace(call)
		if !strings.HasPrefix(trimmed, "op.create_index(") && !strings.HasPrefix(trimmed, "op.drop_index(") || strings.Contains(call, "postgresql_concurrently") {
			return CodeAction{}, false
		}
		args := []string{"postgresql_concurrently=True"}
		if g := alembicGuard(op); g != "" {
			args = append(args, g)
		}
		title = "Add " + strings.Join(args, ", ")
		e, ok := appendArgs(fx.text, op.Span.Start.Offset, op.Span.End.Offset, strings.Join(args, ", "))
		if !ok {
			return CodeAction{}, false
		}
		edits = append(edits, e)
		outOfTx = " in an autocommit_block"
	default:
		return CodeAction{}, false
	}
	if tx == txTool {
		out, ok := fx.noTransaction(op)
		if !ok {
			return CodeAction{}, false
		}
		edits = append(edits, out...)
		title += outOfTx
	}
	return fx.action(title, diag, fx.edit(sortEdits(edits))), true
}

// noTransaction is the edit that runs op's migration outside a
// transaction, as its framework says it.
func (fx *fixer) noTransaction(op *ops.Op) ([]rules.Edit, bool) {
	switch fx.m.Format {
	case migration.FormatRails:
		return fx.railsNoTransaction(op)
	case migration.FormatDjango:
		return fx.djangoNoTransaction(op)
	case migration.FormatAlembic:
		return fx.autocommitBlock(op)
	}
	return nil, false
}

// frameworkOutOfTransaction is the fix of concurrently-in-transaction in
// a framework migration.
func (fx *fixer) frameworkOutOfTransaction(op *ops.Op, diag Diagnostic) (CodeAction, bool) {
	// Alembic's autocommit_block leaves the transaction whatever the
	// migration's own setting.
	if fx.m.Format != migration.FormatAlembic && !fx.m.Transactional {
		return CodeAction{}, false
	}
	edits, ok := fx.noTransaction(op)
	if !ok {
		return CodeAction{}, false
	}
	var title string
	switch fx.m.Format {
	case migration.FormatRails:
		title = "Add disable_ddl_transaction!"
		if g := railsGuard(op); g != "" {
			e, ok := appendArgs(fx.text, op.Span.Start.Offset, op.Span.End.Offset, g)
			if !ok || !fx.railsAtLeast(6, 1) {
				return CodeAction{}, false
			}
			edits, title = append(edits, e), title+" and "+g
		}
	case migration.FormatDjango:
		title = "Set atomic = False"
	case migration.FormatAlembic:
		title = "Run it in an autocommit_block"
		if g := alembicGuard(op); g != "" {
			e, ok := appendArgs(fx.text, op.Span.Start.Offset, op.Span.End.Offset, g)
			if !ok {
				return CodeAction{}, false
			}
			edits, title = append(edits, e), title+" with "+g
		}
	}
	return fx.action(title, diag, fx.edit(sortEdits(edits))), true
}

// guardArgs spell IF NOT EXISTS and IF EXISTS as a framework's
// arguments.
type guardArgs struct{ ifNotExists, ifExists string }

// of is the argument that adds the guard op lacks, "" when it lacks none.
func (g guardArgs) of(op *ops.Op) string {
	switch rules.MissingGuard(op) {
	case "IF NOT EXISTS":
		return g.ifNotExists
	case "IF EXISTS":
		return g.ifExists
	}
	return ""
}

var (
	railsGuard   = guardArgs{ifNotExists: "if_not_exists: true", ifExists: "if_exists: true"}.of
	alembicGuard = guardArgs{ifNotExists: "if_not_exists=True", ifExists: "if_exists=True"}.of
)

// railsAtLeast reports whether the migration class is of Rails
// major.minor or later (ActiveRecord::Migration[7.1]).
func (fx *fixer) railsAtLeast(major, minor int) bool {
	sm := railsClass.FindStringSubmatch(fx.text)
	if sm == nil || sm[3] == "" {
		return false
	}
	a, _ := strconv.Atoi(sm[3])
	b, _ := strconv.Atoi(sm[4])
	return a > major || a == major && b >= minor
}

// railsNoTransaction adds disable_ddl_transaction! to the migration
// class, when the other calls are safe to run again.
func (fx *fixer) railsNoTransaction(op *ops.Op) ([]rules.Edit, bool) {
	if !fx.othersSafeAlone(op) {
		return nil, false
	}
	loc := railsClass.FindStringSubmatchIndex(fx.text)
	if loc == nil {
		return nil, false
	}
	indent := fx.text[loc[2]:loc[3]]
	nl := newline(fx.m.File.Text)
	end := strings.TrimSuffix(fx.text[:loc[1]], "\r")
	return []rules.Edit{{Start: len(end), End: len(end), Text: nl + indent + "  disable_ddl_transaction!" + nl}}, true
}

// djangoNoTransaction sets atomic = False on the Migration class, when
// the other operations are safe to run again.
func (fx *fixer) djangoNoTransaction(op *ops.Op) ([]rules.Edit, bool) {
	if !fx.othersSafeAlone(op) {
		return nil, false
	}
	if loc := djangoAtomic.FindStringSubmatchIndex(fx.text); loc != nil {
		return []rules.Edit{{Start: loc[2], End: loc[3], Text: "False"}}, true
	}
	loc := djangoClass.FindStringSubmatchIndex(fx.text)
	if loc == nil {
		return nil, false
	}
	// Indented like the class body's first line.
	indent := fx.text[loc[2]:loc[3]] + "    "
	for _, line := range strings.Split(fx.text[loc[1]:], "\n")[1:] {
		if t := strings.TrimLeft(line, " \t"); strings.TrimSpace(t) != "" {
			indent = line[:len(line)-len(t)]
			break
		}
	}
	at := loc[1]
	if at < len(fx.text) && fx.text[at] == '\n' {
		at++
	}
	return []rules.Edit{{Start: at, End: at, Text: indent + "atomic = False" + newline(fx.m.File.Text)}}, true
}

// djangoImport imports name from django.contrib.postgres.operations,
// after the module's last import at its top.
func (fx *fixer) djangoImport(name string) ([]rules.Edit, bool) {
	if regexp.MustCompile(`(?m)^from\s+django\.contrib\.postgres\.operations\s+import\s+[^\n]*\b` + name + `\b`).MatchString(fx.text) {
		return nil, true
	}
	at := 0
	for _, loc := range pythonImports.FindAllStringIndex(fx.text, -1) {
		if cls := djangoClass.FindStringIndex(fx.text); cls != nil && loc[0] > cls[0] {
			break
		}
		at = loc[1]
	}
	return []rules.Edit{{Start: at, End: at, Text: "from django.contrib.postgres.operations import " + name + newline(fx.m.File.Text)}}, true
}

// autocommitBlock wraps the call of op, which must stand on lines of its
// own, in `with op.get_context().autocommit_block():`.
func (fx *fixer) autocommitBlock(op *ops.Op) ([]rules.Edit, bool) {
	start, end := op.Span.Start.Offset, op.Span.End.Offset
	lineStart := strings.LastIndexByte(fx.text[:start], '\n') + 1
	indent := fx.text[lineStart:start]
	if strings.TrimLeft(indent, " \t") != "" {
		return nil, false
	}
	lineEnd := strings.IndexByte(fx.text[end:], '\n')
	if lineEnd < 0 {
		lineEnd = len(fx.text) - end
	}
	if after := strings.TrimSpace(fx.text[end : end+lineEnd]); after != "" && !strings.HasPrefix(after, "#") {
		return nil, false
	}
	call := fx.text[start:end]
	if strings.Contains(call, `"""`) || strings.Contains(call, `'''`) {
		return nil, false // indenting would change the string
	}
	nl := newline(fx.m.File.Text)
	edits := []rules.Edit{{Start: lineStart, End: lineStart, Text: indent + "with op.get_context().autocommit_block():" + nl + "    "}}
	for i := start; i < end; i++ {
		if fx.text[i] == '\n' && i+1 < end && fx.text[i+1] != '\n' && fx.text[i+1] != '\r' {
			edits = append(edits, rules.Edit{Start: i + 1, End: i + 1, Text: "    "})
		}
	}
	return edits, true
}

// appendArgs adds keyword arguments at the end of the argument list of
// the call text[start:end]: before its closing parenthesis, or after its
// last argument when it has none (Ruby).
func appendArgs(text string, start, end int, args string) (rules.Edit, bool) {
	call := strings.TrimRight(text[start:end], " \t\r\n")
	if call == "" {
		return rules.Edit{}, false
	}
	if !strings.HasSuffix(call, ")") || !parenthesised(call) {
		at := start + len(call)
		return rules.Edit{Start: at, End: at, Text: ", " + args}, true
	}
	closing := start + len(call) - 1
	before := strings.TrimRight(text[start:closing], " \t\r\n")
	at := start + len(before)
	switch {
	case strings.HasSuffix(before, "("):
		return rules.Edit{Start: at, End: at, Text: args}, true
	case strings.HasSuffix(before, ","):
		return rules.Edit{Start: at, End: at, Text: " " + args + ","}, true
	}
	return rules.Edit{Start: at, End: at, Text: ", " + args}, true
}

// parenthesised reports whether the call's arguments are in parentheses
// that close at its end: `add_index(:users, :email)`, not
// `add_index :users, lower(:email)`.
func parenthesised(call string) bool {
	open := strings.IndexByte(call, '(')
	if open < 0 {
		return false
	}
	name := strings.TrimSpace(call[:open])
	if name == "" || strings.ContainsAny(name, " \t,") {
		return false
	}
	depth := 0
	for i := open; i < len(call); i++ {
		switch call[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i == len(call)-1
			}
		}
	}
	return false
}

// sortEdits orders edits by position, as an editor applies them in one
// step.
func sortEdits(es []rules.Edit) []rules.Edit {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Start < es[j-1].Start; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
	return es
}
