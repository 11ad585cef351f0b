package lang

import "testing"

// RubyEscape decodes one escape sequence as Ruby does: each of these is
// what `ruby -e 'p "..."'` prints for it.
func TestRubyEscape(t *testing.T) {
	for seq, want := range map[string]string{
		`\n`:           "\n",
		`\t`:           "\t",
		`\r`:           "\r",
		`\s`:           " ",
		`\e`:           "\x1b",
		`\0`:           "\x00",
		`\012`:         "\n",
		`\x41`:         "A",
		`\u00e9`:       "é",
		`\u{41 1F600}`: "A😀",
		`\"`:           `"`,
		`\#`:           "#",
		"\\\n":         "",
		`x`:            "x",
	} {
		if got := RubyEscape(seq); got != want {
			t.Errorf("RubyEscape(%q) = %q, want %q", seq, got, want)
		}
	}
}
