package nesting

import (
	"strings"
	"testing"
)

func nested(open, close string, n int) string {
	return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
}

func TestPython(t *testing.T) {
	deep := strings.Repeat("(", MaxPython+1)
	tests := []struct {
		name, src string
		want      int // offset of the refused bracket, -1 when none
	}{
		{"at the bound", "x = " + nested("(", ")", MaxPython) + "\n", -1},
		{"one past", "x = " + nested("(", ")", MaxPython+1) + "\n", 4 + MaxPython},
		{"mixed brackets count together", "x = " + nested("[{(", ")}]", MaxPython/3+1), 4 + MaxPython},
		{"siblings do not add up", strings.Repeat("f(g(h()))\n", 1000), -1},
		{"in a string", "x = '" + deep + "'\n", -1},
		{"in a raw string with an escaped quote", `x = r"\"` + deep + "\"\n", -1},
		{"in a triple-quoted string", "x = \"\"\"\n\"\n" + deep + "\n\"\"\"\n", -1},
		{"in a comment", "# " + deep + "\nx = 1\n", -1},
		{"after an unterminated one-line string", "x = 'abc\ny = " + deep, len("x = 'abc\ny = ") + MaxPython},
		{"closers never go below zero", ")))" + deep, 3 + MaxPython},
	}
	for _, tc := range tests {
		if got := Python([]byte(tc.src)); got != tc.want {
			t.Errorf("%s: Python = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestRuby(t *testing.T) {
	deep := strings.Repeat("(", MaxRuby+1)
	tests := []struct {
		name, src string
		want      int
	}{
		{"at the bound", "x = " + nested("(", ")", MaxRuby) + "\n", -1},
		{"one past", "x = " + nested("(", ")", MaxRuby+1) + "\n", 4 + MaxRuby},
		{"blocks and hashes", "x = " + nested("[{", "}]", MaxRuby/2+1), 4 + MaxRuby},
		{"siblings do not add up", strings.Repeat("add_column(:t, :c, default: -> { now() })\n", 1000), -1},
		{"in strings", "a = '" + deep + "'\nb = \"" + deep + "\"\nc = :\"" + deep + "\"\n", -1},
		{"in a comment", "# " + deep + "\nx = 1\n", -1},
		{"in =begin", "=begin\n" + deep + "\n=end\nx = 1\n", -1},
		{"in a heredoc", "execute <<~SQL, <<-'B'\n  " + deep + "\n  SQL\n" + deep + "\n    B\nx = 1\n", -1},
		{"code after a heredoc", "execute <<~SQL\n  ((\n  SQL\nx = " + deep, len("execute <<~SQL\n  ((\n  SQL\nx = ") + MaxRuby},
		{"in %-literals", "a = %w(a (b) " + deep + ")\nb = %q{" + deep + "}\n", -1},
		{"predicates end names", strings.Repeat("foo(x.nil?)\n", 2*MaxRuby), -1},
		{"append is not a heredoc", strings.Repeat("list <<item\n", 10) + "x = " + deep, len("list <<item\n")*10 + 4 + MaxRuby},
		{"character literals and globals", "a = ?(\nb = $'\nc = " + deep, len("a = ?(\nb = $'\nc = ") + MaxRuby},
	}
	for _, tc := range tests {
		if got := Ruby([]byte(tc.src)); got != tc.want {
			t.Errorf("%s: Ruby = %d, want %d", tc.name, got, tc.want)
		}
	}
}
