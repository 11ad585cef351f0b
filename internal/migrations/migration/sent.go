package migration

import (
	"slices"

	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// SentSQL records, in order, the statements a framework migration sends
// to PostgreSQL, as its translator parses them; Statements makes
// Translation.SQL of them. Rails and Alembic share it.
type SentSQL struct {
	list   []sentStatement
	groups int
}

// sentStatement is one recorded statement with what decides whether it
// runs in a transaction.
type sentStatement struct {
	SQLStatement
	stmt int // the Op.Stmt of its operations; -1 for text the parser rejects
	// outside is set for statements the framework runs outside its
	// transaction on its own say (alembic's autocommit_block()).
	outside bool
	// group numbers the texts sent at once (one execute()): PostgreSQL
	// runs several statements sent at once outside a transaction block
	// as one implicit transaction.
	group int
	ctl   bool // transaction control (BEGIN, COMMIT, ...)
}

// Add records the statements of one text the migration sends at once:
// res is that text parsed in file parsed, whose statements the parser
// rejects are recorded in their place too (the server rejects them when
// the migration runs; nil parsed leaves them out). mapSpan moves spans
// into the migration file; the first statement's operations have Stmt
// base.
func (s *SentSQL) Add(res sqlparse.Result, parsed *source.File, base int, mapSpan func(source.Span) source.Span, outside bool) {
	type item struct {
		st  sentStatement
		off int
	}
	s.groups++
	sent := func(i int, st sqlparse.Statement) sentStatement {
		return sentStatement{SQLStatement: SQLStatement{Text: st.Text, Span: mapSpan(st.Span)}, stmt: base + i,
			outside: outside, group: s.groups, ctl: st.Node.GetTransactionStmt() != nil}
	}
	if len(s.list)+len(res.Statements) > cap(s.list) {
		// Doubled: append grows a long slice by a quarter, which for
		// the thousands of statements a translator sends one by one
		// allocates five times the list.
		s.list = slices.Grow(s.list, max(len(s.list), len(res.Statements)+len(res.Errors)))
	}
	if len(res.Errors) == 0 || parsed == nil {
		// In order already: a translator sends thousands of these.
		for i, st := range res.Statements {
			s.list = append(s.list, sent(i, st))
		}
		return
	}
	items := make([]item, 0, len(res.Statements)+len(res.Errors))
	for i, st := range res.Statements {
		items = append(items, item{sent(i, st), st.Span.Start.Offset})
	}
	for _, e := range res.Errors {
		text := string(parsed.Text[e.Span.Start.Offset:e.Span.End.Offset])
		items = append(items, item{sentStatement{SQLStatement: SQLStatement{Text: text, Span: mapSpan(e.Span)}, stmt: -1,
			outside: outside, group: s.groups}, e.Span.Start.Offset})
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.off - b.off })
	for _, it := range items {
		s.list = append(s.list, it.st)
	}
}

// Statements returns the recorded statements for Translation.SQL. Each
// runs in a transaction when its operations do (list, after
// ops.Annotate), else when the migration is transactional and the
// statement not sent outside its transaction; several statements sent at
// once outside a transaction block run in the implicit transaction
// PostgreSQL gives them.
func (s *SentSQL) Statements(list []ops.Op, transactional bool) []SQLStatement {
	// By statement and by group, both numbered densely from 0: slices,
	// not maps, for a migration of thousands of statements.
	const unknown, no, yes = 0, 1, 2
	n := 0
	for _, op := range list {
		n = max(n, op.Stmt+1)
	}
	inTx := make([]int8, n)
	for _, op := range list {
		if op.Stmt >= 0 && inTx[op.Stmt] == unknown {
			inTx[op.Stmt] = no
			if op.InTransaction {
				inTx[op.Stmt] = yes
			}
		}
	}
	size, ctl := make([]int, s.groups+1), make([]bool, s.groups+1)
	for _, st := range s.list {
		size[st.group]++
		ctl[st.group] = ctl[st.group] || st.ctl
	}
	out := make([]SQLStatement, len(s.list))
	for i, st := range s.list {
		in := transactional && !st.outside
		if st.stmt >= 0 && st.stmt < n && inTx[st.stmt] != unknown {
			in = inTx[st.stmt] == yes
		}
		st.InTransaction = in || size[st.group] > 1 && !ctl[st.group]
		out[i] = st.SQLStatement
	}
	return out
}
