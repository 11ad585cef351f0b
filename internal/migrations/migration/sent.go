package migration

import (
	"slices"

	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Piece is one statement of a SQL text a framework migration sends in one
// call (execute, RunSQL, op.execute), in source order.
type Piece struct {
	Text string
	Span source.Span
	// Index is the statement's index in res (its operations' Stmt is the
	// call's first index plus it); -1 for a statement the parser rejects,
	// which is sent too: the server rejects it when the migration runs.
	Index int
	// Control is true for transaction control (BEGIN, COMMIT, ...).
	Control bool
}

// Pieces are the statements of one call, parsed statements and those the
// parser rejected (taken from parsed, when given) in source order, with
// their spans mapped into the migration's file.
func Pieces(res sqlparse.Result, parsed *source.File, mapSpan func(source.Span) source.Span) []Piece {
	type at struct {
		p   Piece
		off int
	}
	var list []at
	for i, st := range res.Statements {
		list = append(list, at{Piece{Text: st.Text, Span: mapSpan(st.Span), Index: i, Control: st.Node.GetTransactionStmt() != nil}, st.Span.Start.Offset})
	}
	if parsed != nil {
		for _, e := range res.Errors {
			text := string(parsed.Text[e.Span.Start.Offset:e.Span.End.Offset])
			list = append(list, at{Piece{Text: text, Span: mapSpan(e.Span), Index: -1}, e.Span.Start.Offset})
		}
	}
	slices.SortStableFunc(list, func(a, b at) int { return a.off - b.off })
	out := make([]Piece, len(list))
	for i, a := range list {
		out[i] = a.p
	}
	return out
}

// Sent is what decides whether a statement a framework sends runs in a
// transaction.
type Sent struct {
	Stmt    int  // its operations' Stmt; -1 when it has none
	Group   int  // the call that sent it: statements sent together share it
	Control bool // transaction control
	// InTransaction is where it runs when no operation says: the
	// framework's transaction, unless the migration opted out of it.
	InTransaction bool
}

// InTransaction decides, for each statement a framework sends, whether it
// runs in a transaction: as its operations do (the migration's
// transaction, or one the migration opens), else as the framework runs
// it; several statements sent in one call outside a transaction block run
// in the implicit transaction PostgreSQL gives them.
func InTransaction(list []ops.Op, sent []Sent) []bool {
	inTx := map[int]bool{}
	for _, op := range list {
		if _, seen := inTx[op.Stmt]; !seen {
			inTx[op.Stmt] = op.InTransaction
		}
	}
	size, ctl := map[int]int{}, map[int]bool{}
	for _, s := range sent {
		size[s.Group]++
		ctl[s.Group] = ctl[s.Group] || s.Control
	}
	out := make([]bool, len(sent))
	for i, s := range sent {
		in, ok := inTx[s.Stmt]
		if !ok {
			in = s.InTransaction
		}
		out[i] = in || size[s.Group] > 1 && !ctl[s.Group]
	}
	return out
}
