package sqlparse

import (
	"fmt"
	"strings"
	"sync"

	pg "github.com/pganalyze/pg_query_go/v5"
	pgparser "github.com/pganalyze/pg_query_go/v5/parser"
	"google.golang.org/protobuf/proto"
)

// PostgreSQL's parser (pg_query, C) recurses once per level of the tree
// it builds and has no stack check of its own: past a few thousand
// levels it overflows the C stack and the whole process dies. So every
// statement is measured first, in Go, and refused past a bound. The
// figures behind the bound are in docs/reliability.md.

// depthAt2MB is the deepest statement (in Depth's units) read with a 2 MB
// C stack, the smallest a thread gets by default: measured, the parser
// survives about 5,900 chained operators and 1,990 nested subqueries
// (weighted 3) there, so this keeps a third of the stack spare. It is
// also where PostgreSQL itself stops: with its default max_stack_depth of
// 2 MB it refuses about 4,100 chained operators.
const depthAt2MB = 4000

var maxDepth = sync.OnceValue(func() int {
	stack := threadStack()
	if stack >= 2<<20 {
		return depthAt2MB
	}
	return max(int(int64(depthAt2MB)*stack/(2<<20)), 16)
})

// MaxDepth is the deepest statement (see Depth) schemagate hands to the
// parser: 4,000, or less when the stack limit (ulimit -s) is below 2 MB.
func MaxDepth() int { return maxDepth() }

// TooComplexError is a statement refused before parsing because it nests
// deeper than MaxDepth.
type TooComplexError struct {
	Depth, Max int
}

func (e *TooComplexError) Error() string {
	return fmt.Sprintf("statement nests %d levels deep; schemagate reads at most %d "+
		"(PostgreSQL with its default max_stack_depth of 2MB also stops near 4,000 chained operators): "+
		"split the expression or the statement", e.Depth, e.Max)
}

// ParseTree parses SQL text with pg_query after checking its depth: the
// one door to the C parser for every package.
func ParseTree(text string) (*pg.ParseResult, error) {
	if d := Depth(text); d > MaxDepth() {
		return nil, &TooComplexError{Depth: d, Max: MaxDepth()}
	}
	return parseMeasured(text)
}

// parseMeasured parses text whose depth is known to be within MaxDepth.
func parseMeasured(text string) (*pg.ParseResult, error) {
	buf, err := pgparser.ParseToProtobuf(text)
	if err != nil {
		return nil, err
	}
	tree := &pg.ParseResult{}
	// A tree within MaxDepth nests a few messages per level: more than
	// the protobuf default limit of 10,000 allows.
	if err := (proto.UnmarshalOptions{RecursionLimit: 10000 + 16*MaxDepth()}).Unmarshal(buf, tree); err != nil {
		return nil, err
	}
	return tree, nil
}

// isParserStackError reports whether a parser message is PostgreSQL's own
// refusal of a too deeply nested statement (its grammar stack of 10,000
// entries: "memory exhausted").
func isParserStackError(msg string) bool {
	return strings.HasPrefix(msg, "memory exhausted") || strings.HasPrefix(msg, "stack depth limit exceeded")
}

// Depth estimates from the tokens alone, without parsing, how deep the
// deepest statement of text makes the parser's tree: an upper bound (in
// units of one expression level) that the fuzz tests check against the
// real tree. It counts
//   - brackets: ( [ and CASE open a level (a subquery, or CASE, three,
//     as their nodes are bigger), the matching ) ] END close it;
//   - chains at one level: each operator, ::, and NOT, IS, LIKE, IN,
//     BETWEEN, ... nests the expression so far one level deeper;
//     commas, AND, OR, WHEN, THEN and ELSE start a new sibling (PostgreSQL
//     keeps AND and OR lists flat);
//   - set operations and joins, which nest left to right and are not
//     reset by commas (SELECT a, b UNION SELECT a, b UNION ...).
func Depth(text string) int {
	var m depthMeter
	l := newLexer(text)
	for {
		t, ok := l.next()
		if !ok {
			return int(m.max)
		}
		m.step(text, t)
	}
}

type depthLevel struct {
	weight int32 // what the opening bracket itself costs
	chain  int32 // operators since the last separator
	sticky int32 // set operations and joins at this level
	isCase bool  // closed by END
}

type depthMeter struct {
	stack []depthLevel
	cur   depthLevel
	outer int32 // the depth of the levels under cur: their weights, chains and sticky counts
	max   int32
	prev  Token
}

func (m *depthMeter) open(weight int32, isCase bool) {
	m.stack = append(m.stack, m.cur)
	m.outer += m.cur.chain + m.cur.sticky + weight
	m.cur = depthLevel{weight: weight, isCase: isCase}
	m.note()
}

func (m *depthMeter) close() {
	if len(m.stack) == 0 {
		return
	}
	prev := m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
	m.outer -= prev.chain + prev.sticky + m.cur.weight
	m.cur = prev
}

func (m *depthMeter) note() {
	if d := m.outer + m.cur.chain + m.cur.sticky; d > m.max {
		m.max = d
	}
}

func (m *depthMeter) step(text string, t Token) {
	if t.IsComment() {
		return
	}
	prev := m.prev
	m.prev = t
	tok := text[t.Start:t.End]
	switch t.Kind {
	case TokPunct:
		switch tok {
		case "(", "[":
			m.open(1, false)
		case ")", "]":
			if !m.cur.isCase {
				m.close()
			}
		case ",":
			m.cur.chain = 0
		case ";":
			m.stack, m.cur, m.outer = m.stack[:0], depthLevel{}, 0
		}
	case TokOperator:
		m.cur.chain++
		// A run like +- or *- is a binary and a unary operator.
		for i := 1; i < len(tok); i++ {
			if tok[i] == '+' || tok[i] == '-' {
				m.cur.chain++
			}
		}
		m.note()
	case TokIdent:
		m.word(tok, prev, text)
	}
}

func (m *depthMeter) word(w string, prev Token, text string) {
	if len(w) > 9 {
		return // no keyword that matters is longer
	}
	var b [9]byte
	for i := 0; i < len(w); i++ {
		b[i] = w[i] | 0x20
	}
	switch string(b[:len(w)]) {
	case "select", "with", "values", "table":
		// A subquery's nodes weigh more on the stack than an operator.
		if prev.Kind == TokPunct && text[prev.Start:prev.End] == "(" && m.cur.weight == 1 {
			m.cur.weight = 3
			m.outer += 2
			m.note()
		}
	case "case":
		m.open(3, true)
	case "end":
		if m.cur.isCase {
			m.close()
		}
	case "and", "or", "when", "then", "else":
		m.cur.chain = 0
	case "not", "is", "isnull", "notnull", "like", "ilike", "similar", "between", "in",
		"collate", "at", "overlaps", "operator":
		m.cur.chain++
		m.note()
	case "union", "intersect", "except", "join":
		m.cur.sticky++
		m.note()
	}
}
