// Package source holds the text of one input file and turns byte offsets
// into positions (line, column) that every output format and the language
// server share.
package source

import (
	"sort"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Pos is a position in a file. Offset is a 0-based byte offset; Line and
// Column are 1-based, Column counting Unicode code points.
type Pos struct {
	Offset int `json:"offset"`
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Span is the half-open byte range [Start, End) of a piece of a file.
type Span struct {
	Start Pos `json:"start"`
	End   Pos `json:"end"`
}

// Empty reports whether the span covers nothing and has no position.
func (s Span) Empty() bool { return s.Start.Line == 0 }

// File is the path and content of one input. The line index is built on
// first use, once, and may be asked for from several goroutines at once
// (a long file's chunks are parsed and placed in parallel).
type File struct {
	Path string
	Text []byte

	indexed sync.Once
	lines   []int // byte offset of each line start
	// marks are offsets every markEvery bytes (moved to the start of a
	// character) and runes the characters before each, so that the
	// column of an offset far into a long line (a minified file, one
	// with CR-only line ends) is not counted from the line start.
	marks, runes []int
}

const markEvery = 4096

// NewFile returns a File for text.
func NewFile(path string, text []byte) *File {
	return &File{Path: path, Text: text}
}

func (f *File) index() { f.indexed.Do(f.buildIndex) }

// firstLine is the index of a file of one line, shared: the SQL a
// translator writes for each call is a file, thousands of them.
var firstLine = []int{0}

func (f *File) buildIndex() {
	f.lines = firstLine[:1:1] // a second line reallocates
	for i, b := range f.Text {
		if b == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	prev, count := 0, 0
	for m := markEvery; m < len(f.Text); m += markEvery {
		for m < len(f.Text) && !utf8.RuneStart(f.Text[m]) {
			m++
		}
		count += utf8.RuneCount(f.Text[prev:m])
		f.marks, f.runes = append(f.marks, m), append(f.runes, count)
		prev = m
	}
}

// runesBefore counts the characters of f.Text[:off], from the nearest mark.
func (f *File) runesBefore(off int) int {
	k := sort.SearchInts(f.marks, off+1) - 1
	if k < 0 {
		return utf8.RuneCount(f.Text[:off])
	}
	return f.runes[k] + utf8.RuneCount(f.Text[f.marks[k]:off])
}

// Pos returns the position of byte offset off, clamped to the file.
func (f *File) Pos(off int) Pos {
	f.index()
	if off < 0 {
		off = 0
	}
	if off > len(f.Text) {
		off = len(f.Text)
	}
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	start := f.lines[line]
	col := 0
	if off-start <= markEvery {
		col = utf8.RuneCount(f.Text[start:off])
	} else {
		col = f.runesBefore(off) - f.runesBefore(start)
	}
	return Pos{Offset: off, Line: line + 1, Column: col + 1}
}

// Span returns the span of bytes [start, end).
func (f *File) Span(start, end int) Span {
	if end < start {
		end = start
	}
	return Span{Start: f.Pos(start), End: f.Pos(end)}
}

// LineCount is the number of lines in the file.
func (f *File) LineCount() int {
	f.index()
	return len(f.lines)
}

// Line returns the text of 1-based line n without its line terminator.
func (f *File) Line(n int) string {
	f.index()
	if n < 1 || n > len(f.lines) {
		return ""
	}
	start := f.lines[n-1]
	end := len(f.Text)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	if end > start && f.Text[end-1] == '\r' {
		end--
	}
	return string(f.Text[start:end])
}

// LineStart returns the byte offset at which 1-based line n starts.
func (f *File) LineStart(n int) int {
	f.index()
	if n < 1 {
		return 0
	}
	if n > len(f.lines) {
		return len(f.Text)
	}
	return f.lines[n-1]
}

// OffsetOfRune returns the byte offset of the 0-based code point index
// i, as PostgreSQL reports error cursors in characters.
func OffsetOfRune(text []byte, i int) int {
	off := 0
	for n := 0; n < i && off < len(text); n++ {
		_, size := utf8.DecodeRune(text[off:])
		off += size
	}
	return off
}

// UTF16Column returns the 0-based UTF-16 code unit column of byte offset
// off within its line, as the Language Server Protocol counts.
func (f *File) UTF16Column(off int) int {
	p := f.Pos(off)
	start := f.LineStart(p.Line)
	n := 0
	for _, r := range string(f.Text[start:off]) {
		n += utf16.RuneLen(r)
		if utf16.RuneLen(r) < 0 {
			n += 2 // invalid code points count as the replacement character
		}
	}
	return n
}

// OffsetOfUTF16 is the inverse of UTF16Column: the byte offset of the
// 0-based line and UTF-16 column, clamped to the line.
func (f *File) OffsetOfUTF16(line, col int) int {
	f.index()
	if line < 0 {
		return 0
	}
	if line >= len(f.lines) {
		return len(f.Text)
	}
	off := f.lines[line]
	end := len(f.Text)
	if line+1 < len(f.lines) {
		end = f.lines[line+1] - 1
	}
	n := 0
	for off < end && n < col {
		r, size := utf8.DecodeRune(f.Text[off:])
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1
		}
		n += w
		off += size
	}
	return off
}
