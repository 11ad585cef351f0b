// Package lang finds SQL in the string literals of application code (Go,
// Ruby, Python, JavaScript/TypeScript, Java) and maps every position in
// the SQL text back to the exact byte, line and column of the file, so a
// reference found by the SQL resolver points at the source the user wrote.
//
// Go is read with go/parser; the other languages with tree-sitter. A
// literal is the string value as the program builds it: escapes decoded,
// adjacent and "+" concatenations joined, heredoc and text-block
// indentation removed, and every interpolation (#{...}, ${...}, f-string
// {...}, printf verbs of a format template, a non-literal operand of "+")
// replaced by a numbered placeholder $1, $2, ... that PostgreSQL's parser
// accepts where a value goes. Numbering continues after any $n the text
// already has.
//
// Driver parameters: Python's %s and %(name)s (DB-API format/pyformat
// paramstyles, or the % operator) become $n here, with %% a percent
// sign, when the text uses them; "?" (JDBC, ActiveRecord, mysql-style
// JS) and ":name" are left as written for the SQL resolver to normalise.
//
// Only files with a SQL keyword pair in them (sqlHits) are parsed, and
// only the tree around each keyword is visited, so that code without SQL
// costs one pass over its bytes.
package lang

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/source"
)

// Language names a programming language whose string literals are read.
type Language string

// Languages.
const (
	Go         Language = "go"
	Ruby       Language = "ruby"
	Python     Language = "python"
	JavaScript Language = "javascript"
	TypeScript Language = "typescript"
	Java       Language = "java"
)

// Detect returns the language of the file at path by its extension, or ""
// for files that are not read: other extensions, minified files and
// bundles, and third-party trees (node_modules, vendor) whose SQL is not
// the application's.
func Detect(path string) Language {
	p := filepath.ToSlash(path)
	for _, dir := range strings.Split(p, "/") {
		switch dir {
		case "node_modules", "bower_components", "vendor":
			return ""
		}
	}
	base := strings.ToLower(filepath.Base(p))
	for _, bundle := range []string{".min.", ".bundle.", ".chunk.", "-bundle.", ".packed."} {
		if strings.Contains(base, bundle) {
			return ""
		}
	}
	switch filepath.Ext(base) {
	case ".go":
		return Go
	case ".rb", ".rake":
		return Ruby
	case ".py":
		return Python
	case ".js", ".mjs", ".cjs", ".jsx":
		return JavaScript
	case ".ts", ".tsx", ".mts", ".cts":
		if strings.HasSuffix(base, ".d.ts") {
			return ""
		}
		return TypeScript
	case ".java":
		return Java
	}
	return ""
}

// Literal is one string value as the program builds it.
type Literal struct {
	// Text is the string's value; interpolations are replaced by $1, $2,
	// ... numbered per literal.
	Text string
	// Offset is the byte offset in the file of the literal's first
	// content byte (after the opening quote; the first line of a heredoc
	// or text block; the first operand of a concatenation). A Go value
	// that starts with a constant declared elsewhere has the offset of
	// its expression, while Map sends its first bytes to the constant.
	Offset int
	// Line and Column are the 1-based position of Offset, Column in code
	// points.
	Line, Column int
	// Map maps byte offsets in Text back to byte offsets in the file,
	// ordered by Text. Bytes copied unchanged form one piece per run; a
	// decoded escape or a placeholder is a piece of length 1 at its
	// first source byte, and the rest of what it produced is left
	// unmapped (FileOffset sends it to the same source byte).
	Map []Piece
	// Holes counts the placeholders that stand for parts only known when
	// the program runs.
	Holes int
}

// Piece says that Text[Text:Text+Len] came from file bytes
// [File:File+Len].
type Piece struct{ Text, File, Len int }

// FileOffset maps byte offset textOff of l.Text to a byte offset in the
// file. Offsets inside an escape's or placeholder's expansion map to its
// first source byte; len(Text) maps just past the last source byte.
func (l Literal) FileOffset(textOff int) int {
	if len(l.Map) == 0 {
		return l.Offset
	}
	i := sort.Search(len(l.Map), func(i int) bool { return l.Map[i].Text > textOff }) - 1
	if i < 0 {
		return l.Map[0].File
	}
	p := l.Map[i]
	switch {
	case textOff < p.Text+p.Len:
		return p.File + textOff - p.Text
	case textOff >= len(l.Text) && i == len(l.Map)-1:
		return p.File + p.Len
	default:
		return p.File + p.Len - 1
	}
}

// Literals returns the string literals of a file in lang that pass
// MaybeSQL, in file order. A file that does not parse completely still
// yields the literals of the parts that did; the error is reserved for
// input that cannot be read as lang at all.
func Literals(lang Language, path string, src []byte) ([]Literal, error) {
	hits := sqlHits(src)
	if len(hits) == 0 {
		return nil, nil
	}
	var lits []Literal
	var err error
	switch lang {
	case Go:
		lits, err = goLiterals(path, src)
	case Ruby, Python, JavaScript, TypeScript, Java:
		if (lang == JavaScript || lang == TypeScript) && LooksBundled(src) {
			return nil, nil
		}
		lits, err = tsLiterals(grammarFor(lang, path), src, hits)
	default:
		return nil, &unknownLanguageError{lang}
	}
	if len(lits) == 0 {
		return nil, err
	}
	sort.SliceStable(lits, func(i, j int) bool { return lits[i].Offset < lits[j].Offset })
	f := source.NewFile(path, src)
	for i := range lits {
		p := f.Pos(lits[i].Offset)
		lits[i].Line, lits[i].Column = p.Line, p.Column
	}
	return lits, err
}

type unknownLanguageError struct{ lang Language }

func (e *unknownLanguageError) Error() string {
	return "lang: no string reader for language " + string(e.lang)
}

// LooksBundled reports whether a JavaScript file is build output rather
// than source: bundlers emit very long lines or a webpack runtime header.
func LooksBundled(src []byte) bool {
	head := src
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	if strings.Contains(string(head[:min(len(head), 512)]), "/******/") {
		return true
	}
	line := 0
	for _, c := range head {
		if c == '\n' {
			line = 0
			continue
		}
		line++
		if line > 2000 {
			return true
		}
	}
	return false
}
