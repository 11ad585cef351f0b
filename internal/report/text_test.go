package report

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// caretAt is a caret line: pad spaces, then n cells underlined.
func caretAt(pad, n int) string { return strings.Repeat(" ", pad) + "^" + strings.Repeat("~", n-1) }

func TestExcerpt(t *testing.T) {
	long := "INSERT INTO audit_log (payload) VALUES ('" + strings.Repeat("x", 150) + "'); DROP TABLE legacy_audit; -- " + strings.Repeat("y", 100)
	tests := []struct {
		name      string
		text      string
		span      string // underlined text; its first occurrence
		wantSrc   string
		wantCaret string
	}{
		{
			name:      "ascii",
			text:      "ALTER TABLE users DROP COLUMN email;\n",
			span:      "DROP COLUMN email",
			wantSrc:   "ALTER TABLE users DROP COLUMN email;",
			wantCaret: caretAt(18, 17),
		},
		{
			name:      "tabs expand to stops of 8",
			text:      "\tALTER TABLE orders\tALTER COLUMN total TYPE bigint;\n",
			span:      "ALTER COLUMN total",
			wantSrc:   "        ALTER TABLE orders      ALTER COLUMN total TYPE bigint;",
			wantCaret: caretAt(32, 18),
		},
		{
			name:      "a tab inside the span",
			text:      "ALTER TABLE t\tDROP x;\n",
			span:      "t\tDROP",
			wantSrc:   "ALTER TABLE t   DROP x;",
			wantCaret: caretAt(12, 8),
		},
		{
			name:      "two-byte characters count as one column",
			text:      "ALTER TABLE usuários DROP COLUMN endereço;\n",
			span:      "endereço",
			wantSrc:   "ALTER TABLE usuários DROP COLUMN endereço;",
			wantCaret: caretAt(33, 8),
		},
		{
			name:      "wide characters take two cells",
			text:      "ALTER TABLE \"顧客\" RENAME COLUMN \"氏名\" TO full_name;\n",
			span:      "\"氏名\"",
			wantSrc:   "ALTER TABLE \"顧客\" RENAME COLUMN \"氏名\" TO full_name;",
			wantCaret: caretAt(33, 6),
		},
		{
			name:      "combining marks take none",
			text:      "UPDATE cafe\u0301s SET price = 1;\n",
			span:      "SET",
			wantSrc:   "UPDATE cafe\u0301s SET price = 1;",
			wantCaret: caretAt(13, 3),
		},
		{
			name:      "multi-line span underlined to the end of its first line",
			text:      "CREATE INDEX orders_customer_idx\n    ON orders (customer_id);\n",
			span:      "INDEX orders_customer_idx\n    ON",
			wantSrc:   "CREATE INDEX orders_customer_idx",
			wantCaret: caretAt(7, 25),
		},
		{
			name:      "control characters shown as escapes, caret still aligned",
			text:      "SELECT '\x1b[2J' AS x;\n",
			span:      "AS",
			wantSrc:   `SELECT '\x1b[2J' AS x;`,
			wantCaret: caretAt(17, 2),
		},
		{
			name:      "CRLF line ending",
			text:      "DROP TABLE users;\r\nSELECT 1;\r\n",
			span:      "users",
			wantSrc:   "DROP TABLE users;",
			wantCaret: caretAt(11, 5),
		},
		{
			name:      "long line cut around the span",
			text:      long + "\n",
			span:      "DROP TABLE legacy_audit",
			wantSrc:   "…" + strings.Repeat("x", 20) + "'); DROP TABLE legacy_audit; -- " + strings.Repeat("y", 48) + "…",
			wantCaret: caretAt(25, 23),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := source.NewFile("a.sql", []byte(tt.text))
			finding := &rules.Finding{File: "a.sql", Span: spanOf(t, f, tt.span)}
			src, caret, ok := excerpt(f, finding)
			if !ok {
				t.Fatal("no excerpt")
			}
			if diff := cmp.Diff(tt.wantSrc+"\n"+tt.wantCaret, src+"\n"+caret); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestExcerptEdges(t *testing.T) {
	f := source.NewFile("a.sql", []byte("DROP TABLE users;\nSELECT 1;\n"))
	pos := func(line, col int) source.Pos { return source.Pos{Line: line, Column: col} }
	tests := []struct {
		name      string
		file      *source.File
		span      source.Span
		wantOK    bool
		wantCaret string
	}{
		{"empty span is one caret", f, source.Span{Start: pos(1, 6), End: pos(1, 6)}, true, "     ^"},
		{"end before start is one caret", f, source.Span{Start: pos(1, 6), End: pos(1, 2)}, true, "     ^"},
		{"just past the end of the line", f, source.Span{Start: pos(1, 18), End: pos(2, 1)}, true, "                 ^"},
		{"column beyond the line is clamped", f, source.Span{Start: pos(2, 400), End: pos(2, 500)}, true, "         ^"},
		{"no end position", f, source.Span{Start: pos(2, 3)}, true, "  ^"},
		{"column 0 means the line start", f, source.Span{Start: pos(1, 0), End: pos(1, 5)}, true, "^~~~"},
		{"line beyond the file", f, source.Span{Start: pos(9, 1), End: pos(9, 2)}, false, ""},
		{"no position", f, source.Span{}, false, ""},
		{"no file text", nil, source.Span{Start: pos(1, 1), End: pos(1, 5)}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, caret, ok := excerpt(tt.file, &rules.Finding{File: "a.sql", Span: tt.span})
			if ok != tt.wantOK || caret != tt.wantCaret {
				t.Errorf("got %q, %v; want %q, %v", caret, ok, tt.wantCaret, tt.wantOK)
			}
		})
	}
}

// TestTextMissingFile checks a finding whose file text is not in
// Report.Files keeps everything but the excerpt.
func TestTextMissingFile(t *testing.T) {
	out := render(t, "text", fixture(t), Options{})
	at := strings.Index(out, backfillPath)
	if at < 0 {
		t.Fatalf("no finding in %s:\n%s", backfillPath, out)
	}
	block := out[at:]
	want := backfillPath + ":4:5: hint[backfill-in-schema-migration] Order.update_all backfills every row of orders inside the schema migration\n" +
		"  hint: move the backfill to a separate data migration and batch it\n\n"
	if !strings.HasPrefix(block, want) {
		t.Errorf("got:\n%s\nwant prefix:\n%s", block, want)
	}
}

func TestTextNoPosition(t *testing.T) {
	r := &Report{Findings: []rules.Finding{
		{Rule: "missing-down", Severity: rules.Hint, File: "db/migrate/001_init.sql", Message: "no down migration"},
		{Rule: "config", Severity: rules.Error, Message: "no migrations directory"},
	}, Files: map[string]*source.File{"db/migrate/001_init.sql": source.NewFile("db/migrate/001_init.sql", []byte("CREATE TABLE t ();\n"))}}
	want := "db/migrate/001_init.sql: hint[missing-down] no down migration\n\n" +
		"error[config] no migrations directory\n\n" +
		"2 findings: 1 error, 1 hint\n"
	if diff := cmp.Diff(want, render(t, "text", r, Options{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

var caretShape = regexp.MustCompile(`^ *\^~*$`)

// FuzzExcerpt feeds arbitrary lines and positions: never a panic, always
// a caret line, never a raw control character.
func FuzzExcerpt(f *testing.F) {
	f.Add("ALTER TABLE \"顧客\"\tDROP x;\n", 1, 13, 1, 20)
	f.Add("a\x00b\xff\xfe\u202ec\r\nd", 1, 2, 2, 1)
	f.Add(strings.Repeat("é\t", 200), 1, 150, 1, 160)
	f.Add("", 1, 1, 1, 1)
	f.Fuzz(func(t *testing.T, text string, line, col, endLine, endCol int) {
		file := source.NewFile("a.sql", []byte(text))
		fd := &rules.Finding{File: "a.sql", Span: source.Span{
			Start: source.Pos{Line: line, Column: col},
			End:   source.Pos{Line: endLine, Column: endCol},
		}}
		src, caret, ok := excerpt(file, fd)
		if !ok {
			if line >= 1 && line <= file.LineCount() {
				t.Fatalf("no excerpt for line %d of %d", line, file.LineCount())
			}
			return
		}
		if !caretShape.MatchString(caret) {
			t.Fatalf("caret %q", caret)
		}
		for _, r := range src {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
				t.Fatalf("raw control character %U in %q", r, src)
			}
		}
		if !utf8.ValidString(src) {
			t.Fatalf("invalid UTF-8 in %q", src)
		}
	})
}

// A run that could not run and found nothing prints nothing: "no findings"
// beside exit code 2 reads as a clean result. One that found something in
// the files it read prints it, and says the answer is incomplete.
func TestTextOfARunThatCouldNotRun(t *testing.T) {
	if got := render(t, "text", &Report{Status: StatusError, Errors: []string{"/nonexistent: no such file or directory"}, Notes: []string{"read 0 migrations"}}, Options{}); got != "" {
		t.Errorf("text of a failed run with no findings: %q, want nothing", got)
	}
	out := render(t, "text", failedRun(), Options{})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !strings.Contains(out, "require-concurrent-index-creation") || !strings.HasPrefix(lines[len(lines)-1], "1 finding: 1 warning (incomplete") {
		t.Errorf("text of a failed run with a finding:\n%s", out)
	}
}

// The per-rule summary counts each rule's findings, most first, with the
// highest severity the rule reported.
func TestRuleSummary(t *testing.T) {
	var fs []rules.Finding
	add := func(rule string, sev rules.Severity, n int) {
		for range n {
			fs = append(fs, rules.Finding{Rule: rule, Severity: sev, File: "a.sql", Message: "m"})
		}
	}
	add("prefer-text-field", rules.Hint, 2)
	add("drop-column", rules.Error, 12)
	add("require-concurrent-index-creation", rules.Warning, 2)
	out := render(t, "text", &Report{Findings: fs, RuleSummary: true}, Options{})
	_, got, ok := strings.Cut(out, "\nper rule:\n")
	want := "  12  drop-column                        error\n" +
		"   2  prefer-text-field                  hint\n" +
		"   2  require-concurrent-index-creation  warning\n"
	if !ok {
		t.Fatalf("no per-rule summary:\n%s", out)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("per-rule summary (-want +got):\n%s", diff)
	}
	if out := render(t, "text", &Report{Findings: fs}, Options{}); strings.Contains(out, "per rule") {
		t.Errorf("summary without RuleSummary:\n%s", out)
	}
}
