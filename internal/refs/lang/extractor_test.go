package lang

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
)

// ref is what the extractor tests compare of a Reference.
type ref struct {
	Table     string
	Usage     refs.Usage
	Line, Col int
}

func TestExtractor(t *testing.T) {
	tests := []struct {
		file    string
		source  refs.Source
		want    []ref
		skipped []int // lines of literals the resolver rejected
	}{
		{"user_report.rb", refs.RubyCode, []ref{
			{"users", refs.Select, 5, 46},
			{"users", refs.Select, 15, 14}, // inside the <<~ heredoc
			{"plans", refs.Select, 16, 14},
			{"users", refs.Update, 24, 14}, // <<- heredoc
			{"legacy_users", refs.Select, 31, 19},
			{"audit_events", refs.Delete, 36, 32},
			{"purges", refs.Insert, 37, 32},
			{"users", refs.Select, 42, 17}, // second of three adjacent literals
			{"users", refs.Select, 50, 31},
			{"users", refs.Select, 51, 30},
			{"teams", refs.Select, 52, 31},
		}, nil},
		{"reports.py", refs.PythonCode, []ref{
			{"accounts_user", refs.Select, 6, 12},
			{"billing_subscription", refs.Select, 20, 15},
			{"billing_subscription", refs.Update, 25, 25},
			{"audit_log", refs.Delete, 26, 31},
			{"audit_log", refs.Insert, 27, 30},
			{"sessions", refs.Delete, 29, 30},
		}, []int{24, 28}}, // a table name from {table}; str.format of a column list
		{"orders.ts", refs.TSCode, []ref{
			{"orders", refs.Select, 12, 13},
			{"orders", refs.Update, 21, 14},
			{"order_drafts", refs.Delete, 24, 25},
			{"order_events", refs.Insert, 25, 25},
			{"orders", refs.Select, 31, 50}, // inside the CTE; "totals" is not a table
		}, nil},
		{"OrderDao.java", refs.JavaCode, []ref{
			{"orders", refs.Select, 10, 15},
			{"orders", refs.Select, 15, 16}, // text block
			{"orders", refs.Update, 27, 67}, // after a \t escape
			{"order_events", refs.Delete, 39, 25},
		}, []int{34}}, // String.format of table names
		{"queries.sql.go", refs.GoCode, []ref{
			{"users", refs.Select, 13, 29},
			{"users", refs.Update, 25, 8},
		}, nil},
		{"store.go", refs.GoCode, []ref{
			// Once, at the constant, though read there and where it is
			// concatenated.
			{"users", refs.Select, 11, 54},
			{"sessions", refs.Delete, 30, 31},
			{"audit", refs.Insert, 32, 32},
		}, []int{13, 24}}, // Sprintf of table names
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src := readTestdata(t, tt.file)
			e := NewExtractor(Detect(tt.file), tableResolver)
			if !e.Match("some/dir/" + tt.file) {
				t.Errorf("Match(%q) = false", tt.file)
			}
			got, skipped, err := e.ExtractDetailed(tt.file, src)
			if err != nil {
				t.Fatal(err)
			}
			var gotRefs []ref
			lines := strings.Split(string(src), "\n")
			for _, r := range got {
				gotRefs = append(gotRefs, ref{r.Table, r.Usage, r.Line, r.Col})
				if r.File != tt.file || r.Source != tt.source || r.Certainty != refs.Resolved {
					t.Errorf("%+v: want File %q, Source %q", r, tt.file, tt.source)
				}
				if want := strings.TrimSpace(lines[r.Line-1]); r.Snippet != want {
					t.Errorf("Snippet %q, want %q", r.Snippet, want)
				}
				if !MaybeSQL(r.SQL) || !strings.Contains(r.SQL, r.Table) {
					t.Errorf("SQL %q of %s", r.SQL, r.Table)
				}
			}
			if diff := cmp.Diff(tt.want, gotRefs); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
			var skippedLines []int
			for _, s := range skipped {
				skippedLines = append(skippedLines, s.Line)
				if s.Err == nil {
					t.Errorf("skipped literal at %d:%d without a reason", s.Line, s.Column)
				}
			}
			if diff := cmp.Diff(tt.skipped, skippedLines); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			st := e.Stats()
			wantStats := Stats{Files: 1, Literals: int64(len(literalsOf(t, tt.file, src))), Skipped: int64(len(tt.skipped)), References: int64(len(tt.want))}
			if diff := cmp.Diff(wantStats, st); diff != "" {
				t.Errorf("Stats (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractorSnippetAndResolverErrors(t *testing.T) {
	long := "q = \"SELECT a FROM t WHERE b IN (" + strings.Repeat("'é', ", 60) + "'x')\"\n"
	e := NewExtractor(Ruby, tableResolver)
	got, err := e.Extract("long.rb", []byte(long))
	if err != nil || len(got) != 1 {
		t.Fatalf("Extract: %v, %v", got, err)
	}
	want := []rune(strings.TrimSpace(long))[:maxSnippet]
	if diff := cmp.Diff(string(want), got[0].Snippet); diff != "" {
		t.Errorf("Snippet (-want +got):\n%s", diff)
	}

	// A resolver that fails: nothing is returned, everything is counted.
	failing := NewExtractor(Python, func(string) ([]refs.Reference, error) { return nil, errors.New("no") })
	src := readTestdata(t, "reports.py")
	out, err := failing.Extract("reports.py", src)
	if err != nil || len(out) != 0 {
		t.Fatalf("Extract = %v, %v; want nothing", out, err)
	}
	n := int64(len(literalsOf(t, "reports.py", src)))
	if diff := cmp.Diff(Stats{Files: 1, Literals: n, Skipped: n}, failing.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

func TestExtractorNames(t *testing.T) {
	var got []string
	for _, l := range []Language{Go, Ruby, Python, JavaScript, TypeScript, Java} {
		var e refs.Extractor = NewExtractor(l, tableResolver)
		got = append(got, e.Name())
	}
	want := []string{"go-sql-strings", "ruby-sql-strings", "python-sql-strings", "javascript-sql-strings", "typescript-sql-strings", "java-sql-strings"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}
