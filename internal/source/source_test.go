package source

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestPositions(t *testing.T) {
	f := NewFile("m.sql", []byte("ab\r\né😀x\n\nlast"))
	type pc struct{ Line, Col int }
	var got []pc
	for _, off := range []int{0, 2, 4, 6, 10, 11, 12, 13, 17, 99, -3} {
		p := f.Pos(off)
		got = append(got, pc{p.Line, p.Column})
	}
	want := []pc{{1, 1}, {1, 3}, {2, 1}, {2, 2}, {2, 3}, {2, 4}, {3, 1}, {4, 1}, {4, 5}, {4, 5}, {1, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if f.Line(1) != "ab" || f.Line(2) != "é😀x" || f.Line(4) != "last" || f.Line(5) != "" || f.LineCount() != 4 {
		t.Errorf("lines %q %q %q", f.Line(1), f.Line(2), f.Line(4))
	}
}

// The language server counts columns in UTF-16 code units: é is one, the
// emoji two.
func TestUTF16(t *testing.T) {
	f := NewFile("m.sql", []byte("é😀x\nab"))
	cols := []int{f.UTF16Column(0), f.UTF16Column(2), f.UTF16Column(6), f.UTF16Column(7), f.UTF16Column(9)}
	if diff := cmp.Diff([]int{0, 1, 3, 4, 1}, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	offs := []int{f.OffsetOfUTF16(0, 0), f.OffsetOfUTF16(0, 1), f.OffsetOfUTF16(0, 3), f.OffsetOfUTF16(0, 99), f.OffsetOfUTF16(1, 1), f.OffsetOfUTF16(7, 0)}
	if diff := cmp.Diff([]int{0, 2, 6, 7, 9, 10}, offs); diff != "" {
		t.Errorf("offsets (-want +got):\n%s", diff)
	}
	if OffsetOfRune([]byte("é😀x"), 2) != 6 {
		t.Error("OffsetOfRune")
	}
}

// Columns far into a long line (counted from marks, not from the line
// start) are the same as counting from the line start, with multi-byte
// and invalid UTF-8 across the marks.
func TestColumnsOnLongLines(t *testing.T) {
	text := []byte(strings.Repeat("é🚀a\xff\xce", 5000) + "\n" + strings.Repeat("xé", 9000))
	f := NewFile("long.sql", text)
	for off := 0; off <= len(text); off += 97 {
		line := bytes.LastIndexByte(text[:off], '\n') + 1
		want := utf8.RuneCount(text[line:off]) + 1
		if got := f.Pos(off).Column; got != want {
			t.Fatalf("offset %d: column %d, want %d", off, got, want)
		}
	}
}

// TestPosFromGoroutines: the line index is built once even when several
// goroutines ask for positions of a fresh file at once (a long file's
// chunks are placed in parallel); each gets what a lone caller gets.
// Before, a caller could find the index half built and count lines from
// it (lint and the language server then disagreed on a finding's line).
func TestPosFromGoroutines(t *testing.T) {
	text := []byte(strings.Repeat("ALTER TABLE users ADD COLUMN c int;\n", 20000))
	offsets := []int{0, 35, len(text) / 2, len(text) - 10, len(text)}
	alone := NewFile("a.sql", text)
	want := make([]Pos, len(offsets))
	for i, off := range offsets {
		want[i] = alone.Pos(off)
	}
	for range 20 {
		f := NewFile("a.sql", text)
		got := make([][]Pos, 8)
		var wg sync.WaitGroup
		for g := range got {
			wg.Go(func() {
				for _, off := range slices.Backward(offsets) {
					got[g] = append(got[g], f.Pos(off))
				}
				slices.Reverse(got[g])
			})
		}
		wg.Wait()
		for g := range got {
			if diff := cmp.Diff(want, got[g]); diff != "" {
				t.Fatalf("goroutine %d (-alone +concurrent):\n%s", g, diff)
			}
		}
	}
}
