package sqlparse

import (
	"strings"
	"testing"
)

// TestChunks: chunks cover the region end to end, each but the last ends
// just after a top-level semicolon, and none is cut inside a dollar
// quote, a string or a BEGIN ATOMIC body.
func TestChunks(t *testing.T) {
	stmt := "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n" +
		"DO $$ BEGIN PERFORM 1; END $$;\nCOMMENT ON TABLE t IS 'a;b';\n"
	text := []byte("-- head\n" + strings.Repeat(stmt, 400))
	start, end := 8, len(text)
	chunks := Chunks(text, start, end, 1024)
	if len(chunks) < 10 {
		t.Fatalf("%d chunks of a %d-byte region, want it cut", len(chunks), end-start)
	}
	semis, _ := Semicolons(string(text[start:end]))
	cuts := map[int]bool{}
	for _, s := range semis {
		cuts[start+s+1] = true
	}
	at := start
	for i, c := range chunks {
		if c[0] != at {
			t.Fatalf("chunk %d starts at %d, want %d", i, c[0], at)
		}
		if i < len(chunks)-1 && !cuts[c[1]] {
			t.Errorf("chunk %d ends at %d, not after a top-level semicolon: %q", i, c[1], text[c[1]-10:c[1]])
		}
		at = c[1]
	}
	if at != end {
		t.Errorf("chunks end at %d, want %d", at, end)
	}
	if got := Chunks(text, start, start+1500, 1024); len(got) != 1 {
		t.Errorf("a region shorter than two chunks gave %d chunks", len(got))
	}
	open := []byte(strings.Repeat("SELECT 1;\n", 500) + "SELECT 'open")
	if got := Chunks(open, 0, len(open), 1024); len(got) != 1 {
		t.Errorf("a region ending inside a string gave %d chunks, want it whole", len(got))
	}
}
