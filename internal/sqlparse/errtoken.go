package sqlparse

import (
	"github.com/schemagate/schemagate/internal/source"
)

// Token returns the span of the token the parser stopped at, found with
// the lexer (which agrees with PostgreSQL's scanner) over the statement
// that failed: the token at
// the error's position, or, when the parser ran out of input ("syntax
// error at end of input"), the last token before it. Where the text does
// not scan (an unterminated quoted string), the span runs from the
// position to the end of its line. f is the file the error was found in.
// An editor underlines this span; a zero-width one shows nothing.
func (e *SyntaxError) Token(f *source.File) source.Span {
	at := e.Pos.Offset
	start, end := e.Span.Start.Offset, max(e.Span.End.Offset, at)
	if start < 0 || end > len(f.Text) || start > at {
		return f.Span(at, at)
	}
	text := string(f.Text[start:end])
	rel := at - start
	toks, lexErr := Tokens(text)
	if lexErr != nil && lexErr.Offset <= rel {
		return f.Span(at, lineEnd(f.Text, at))
	}
	last := -1
	for i, tok := range toks {
		if tok.IsComment() {
			continue
		}
		if tok.Start <= rel && rel < tok.End {
			return f.Span(start+tok.Start, start+tok.End)
		}
		if tok.End <= rel {
			last = i
		}
	}
	if last >= 0 {
		return f.Span(start+toks[last].Start, start+toks[last].End)
	}
	return f.Span(at, lineEnd(f.Text, at))
}

func lineEnd(text []byte, at int) int {
	for at < len(text) && text[at] != '\n' && text[at] != '\r' {
		at++
	}
	return at
}
