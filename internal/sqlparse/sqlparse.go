// Package sqlparse parses SQL text with the real PostgreSQL parser
// (pg_query) into statements that carry exact spans in their file.
// A syntax error in one statement does not hide the others: the text is
// then split at top-level semicolons by PostgreSQL's own scanner and each
// piece is parsed on its own.
package sqlparse

import (
	"errors"
	"fmt"
	"unicode/utf8"

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
// the file.
func ParseRegion(f *source.File, start, end int) Result {
	text := string(f.Text[start:end])
	var res Result
	tree, err := pg.Parse(text)
	if err == nil {
		res.Statements = statements(f, start, text, tree, 0)
		return res
	}
	// Split at top-level semicolons and parse each piece on its own, so
	// that one bad statement does not hide the findings of the others.
	pieces, scanErr := split(text)
	for _, p := range pieces {
		piece := text[p.start:p.end]
		tree, err := pg.Parse(piece)
		if err != nil {
			res.Errors = append(res.Errors, syntaxError(f, start, p.start, piece, err))
			continue
		}
		res.Statements = append(res.Statements, statements(f, start, piece, tree, p.start)...)
	}
	if scanErr != nil {
		res.Errors = append(res.Errors, scanErr.toSyntaxError(f, start, text))
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
	return &SyntaxError{
		Message: msg,
		Pos:     f.Pos(base + pieceOff + at),
		Span:    f.Span(base+pieceOff+s, base+pieceOff+max(e, s)),
	}
}

func trimRightSpace(s string) int {
	e := len(s)
	for e > 0 && isSpace(s[e-1]) {
		e--
	}
	return e
}

type piece struct{ start, end int }

type scanError struct {
	err error
	at  int // offset in the text where scanning stopped
}

func (e *scanError) toSyntaxError(f *source.File, base int, text string) *SyntaxError {
	// The scanner's cursor counts characters of the whole text; report it
	// on the piece that starts after the last complete statement.
	return syntaxError(f, base, e.at, text[e.at:], shiftCursor(e.err, []byte(text), e.at))
}

// shiftCursor rebases a parser error's character cursor from the start of
// text to byte offset from.
func shiftCursor(err error, text []byte, from int) error {
	var pe *pgparser.Error
	if !errors.As(err, &pe) || pe.Cursorpos <= 0 {
		return err
	}
	shifted := *pe
	shifted.Cursorpos -= utf8.RuneCount(text[:from])
	if shifted.Cursorpos < 1 {
		shifted.Cursorpos = 1
	}
	return &shifted
}

// split cuts text into statements at the semicolons that PostgreSQL's
// scanner reports as tokens (so semicolons inside strings, quoted
// identifiers, dollar quotes and comments do not count). When the scanner
// itself fails (an unterminated quote), the text up to the last complete
// statement is still split and the rest is reported.
func split(text string) ([]piece, *scanError) {
	scan, err := pg.Scan(text)
	if err != nil {
		// Scan the longest prefix that still scans; the unterminated
		// literal starts after it.
		return splitPrefix(text, err)
	}
	var out []piece
	start := 0
	for _, tok := range scan.Tokens {
		if tok.Token == pg.Token_ASCII_59 {
			if hasContent(text[start:tok.Start]) {
				out = append(out, piece{start, int(tok.Start)})
			}
			start = int(tok.End)
		}
	}
	if hasContent(text[start:]) {
		out = append(out, piece{start, len(text)})
	}
	return out, nil
}

func splitPrefix(text string, err error) ([]piece, *scanError) {
	var pe *pgparser.Error
	cut := len(text)
	if errors.As(err, &pe) && pe.Cursorpos > 0 {
		cut = source.OffsetOfRune([]byte(text), pe.Cursorpos-1)
	}
	// Back off to the last semicolon before the failure that scans cleanly.
	for cut > 0 {
		i := lastSemicolon(text[:cut])
		if i < 0 {
			break
		}
		pieces, sErr := split(text[:i+1])
		if sErr == nil {
			return pieces, &scanError{err: err, at: i + 1}
		}
		cut = i
	}
	return nil, &scanError{err: err, at: 0}
}

func lastSemicolon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ';' {
			return i
		}
	}
	return -1
}

func hasContent(s string) bool {
	return SkipSpaceAndComments(s, 0) < len(s)
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v'
}

// SkipSpaceAndComments returns the offset of the first byte at or after
// i that is neither white space nor inside a SQL comment.
func SkipSpaceAndComments(s string, i int) int {
	for i < len(s) {
		switch {
		case isSpace(s[i]):
			i++
		case s[i] == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case s[i] == '/' && i+1 < len(s) && s[i+1] == '*':
			depth := 0
			for i < len(s) {
				if s[i] == '/' && i+1 < len(s) && s[i+1] == '*' {
					depth++
					i += 2
					continue
				}
				if s[i] == '*' && i+1 < len(s) && s[i+1] == '/' {
					depth--
					i += 2
					if depth == 0 {
						break
					}
					continue
				}
				i++
			}
		default:
			return i
		}
	}
	return i
}
