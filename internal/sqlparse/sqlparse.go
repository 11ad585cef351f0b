// Package sqlparse parses SQL text with the real PostgreSQL parser
// (pg_query) into statements that carry exact spans in their file.
// A syntax error in one statement does not hide the others: the text is
// then split at top-level semicolons by PostgreSQL's own scanner and each
// piece is parsed on its own.
package sqlparse

import (
	"errors"
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v5"
	pgparser "github.com/pganalyze/pg_query_go/v5/parser"

	"github.com/schemagate/schemagate/internal/source"
)

// Statement is one parsed SQL statement.
type Statement struct {
	Node *pg.Node    // the statement node (RawStmt.Stmt)
	Span source.Span // from its first token to its end, without the ';'
	// Offset is the byte offset of the statement text in the file. Node
	// locations are relative to Base (the start of the parsed region), so
	// a node location maps to file offset Base+location.
	Base int
	Text string // the statement text covered by Span
}

// SyntaxError is a statement that PostgreSQL's parser rejected.
type SyntaxError struct {
	Message string
	Pos     source.Pos  // where the parser stopped
	Span    source.Span // the statement that failed
	// TooComplex marks a statement refused for its depth (by schemagate's
	// bound or by PostgreSQL's own parser stack), not for its grammar.
	TooComplex bool
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Message)
}

// Result is what parsing one region of a file gives.
type Result struct {
	Statements []Statement
	Errors     []*SyntaxError
}

// Parse parses the whole file.
func Parse(f *source.File) Result {
	return ParseRegion(f, 0, len(f.Text))
}

// ParseRegion parses f.Text[start:end], keeping positions relative to
// the file. A statement nested deeper than MaxDepth is refused before it
// reaches the parser (see Depth) and reported as a SyntaxError with
// TooComplex set.
func ParseRegion(f *source.File, start, end int) Result {
	text := string(f.Text[start:end])
	var res Result
	if Depth(text) <= MaxDepth() {
		tree, err := parseMeasured(text)
		if err == nil {
			res.Statements = statements(f, start, text, tree, 0)
			return res
		}
	}
	// Split at top-level semicolons and parse each piece on its own, so
	// that one bad statement does not hide the findings of the others.
	// A piece that ends inside an unterminated literal comes last and
	// fails with the scanner's message.
	pieces, _ := Split(text)
	for _, p := range pieces {
		piece := text[p.Start:p.End]
		tree, err := ParseTree(piece)
		if err != nil {
			res.Errors = append(res.Errors, syntaxError(f, start, p.Start, piece, err))
			continue
		}
		res.Statements = append(res.Statements, statements(f, start, piece, tree, p.Start)...)
	}
	return res
}

func statements(f *source.File, base int, text string, tree *pg.ParseResult, pieceOff int) []Statement {
	out := make([]Statement, 0, len(tree.Stmts))
	for _, raw := range tree.Stmts {
		s := int(raw.StmtLocation)
		e := len(text)
		if raw.StmtLen > 0 {
			e = s + int(raw.StmtLen)
		}
		s = SkipSpaceAndComments(text, s)
		if e < s {
			e = s
		}
		out = append(out, Statement{
			Node: raw.Stmt,
			Span: f.Span(base+pieceOff+s, base+pieceOff+e),
			Base: base + pieceOff,
			Text: text[s:e],
		})
	}
	return out
}

func syntaxError(f *source.File, base, pieceOff int, piece string, err error) *SyntaxError {
	s := SkipSpaceAndComments(piece, 0)
	e := trimRightSpace(piece)
	at := s
	msg := err.Error()
	var tc *TooComplexError
	if errors.As(err, &tc) {
		return &SyntaxError{Message: msg, Pos: f.Pos(base + pieceOff + s), Span: f.Span(base+pieceOff+s, base+pieceOff+max(e, s)), TooComplex: true}
	}
	var pe *pgparser.Error
	if errors.As(err, &pe) {
		msg = pe.Message
		if pe.Cursorpos > 0 {
			at = source.OffsetOfRune([]byte(piece), pe.Cursorpos-1)
		} else {
			at = e
		}
	}
	if at > len(piece) {
		at = len(piece)
	}
	deep := isParserStackError(msg)
	if deep {
		msg = "statement nests too deeply for PostgreSQL's parser, which stops here too (" + msg + ")"
	}
	return &SyntaxError{
		TooComplex: deep,
		Message:    msg,
		Pos:        f.Pos(base + pieceOff + at),
		Span:       f.Span(base+pieceOff+s, base+pieceOff+max(e, s)),
	}
}

func trimRightSpace(s string) int {
	e := len(s)
	for e > 0 && isSpace(s[e-1]) {
		e--
	}
	return e
}
