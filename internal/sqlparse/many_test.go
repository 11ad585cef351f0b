package sqlparse

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	pg "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/schemagate/schemagate/internal/source"
)

// TestParseManyIsParseEach: ParseMany gives each text what Parse gives
// it alone, also when the texts joined would run into each other.
func TestParseManyIsParseEach(t *testing.T) {
	texts := []string{
		`ALTER TABLE "users" ADD "a" integer`,
		"CREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b)",
		"SELECT 1;",
		"  SELECT 'x' /* trailing */  ",
		"-- only a comment",
		"",
		"ALTER TABLE t ADD b int -- hides the semicolon",
		"ALTER TABLE t ADD c int",
		"ALTER TABLE t ADD (",
		"SELECT 'unterminated",
		"SELECT $$ dollar $$, 'é' AS ü",
		"COMMENT ON COLUMN t.a IS 'it''s'",
		"SELECT " + strings.Repeat("(", 2*MaxDepth()) + "1" + strings.Repeat(")", 2*MaxDepth()),
		"SELECT 2\n",
	}
	// Every text at every place of a batch: with and without its
	// neighbours, first and last.
	var cases [][]string
	for i := range texts {
		cases = append(cases, texts[i:], texts[:i+1], []string{texts[i]})
	}
	for _, c := range cases {
		files := make([]*source.File, len(c))
		for i, s := range c {
			files[i] = source.NewFile(fmt.Sprintf("f%d.sql", i), []byte(s))
		}
		got := ParseMany(files)
		if len(got) != len(files) {
			t.Fatalf("%d results for %d texts", len(got), len(files))
		}
		for i, f := range files {
			want := Parse(f)
			if diff := cmp.Diff(absolute(want), absolute(got[i]), protocmp.Transform()); diff != "" {
				t.Errorf("text %q among %q: ParseMany differs from Parse (-Parse +ParseMany):\n%s", c[i], c, diff)
			}
		}
	}
}

// absolute moves the node locations of res to offsets in the text
// (Base+location, what users of a Statement read) and Base to 0: parsed
// in a batch, locations count from the start of the batch.
func absolute(res Result) Result {
	out := Result{Errors: res.Errors}
	for _, st := range res.Statements {
		n := proto.Clone(st.Node)
		shiftLocations(n.ProtoReflect(), int32(st.Base))
		st.Node, st.Base = n.(*pg.Node), 0
		out.Statements = append(out.Statements, st)
	}
	return out
}

func shiftLocations(m protoreflect.Message, by int32) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Name() == "location" && fd.Kind() == protoreflect.Int32Kind:
			if v.Int() >= 0 {
				m.Set(fd, protoreflect.ValueOfInt32(int32(v.Int())+by))
			}
		case fd.Kind() != protoreflect.MessageKind || fd.IsMap():
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				shiftLocations(l.Get(i).Message(), by)
			}
		default:
			shiftLocations(v.Message(), by)
		}
		return true
	})
}

// TestParseQueued: every queued text is parsed, in queue order, as its
// own file at the path given, and the queue is empty afterwards with its
// array kept.
func TestParseQueued(t *testing.T) {
	queue := make([]string, 0, 8)
	queue = append(queue, "SELECT 1;", "ALTER TABLE t ADD COLUMN c int;", "SELEC 2;")
	var got []string
	ParseQueued(&queue, "q.sql", func(s string) string { return s }, func(s string, f *source.File, res Result) {
		if f.Path != "q.sql" || string(f.Text) != s {
			t.Errorf("file %q %q for entry %q", f.Path, f.Text, s)
		}
		got = append(got, fmt.Sprintf("%s statements=%d errors=%d", s, len(res.Statements), len(res.Errors)))
	})
	want := []string{"SELECT 1; statements=1 errors=0", "ALTER TABLE t ADD COLUMN c int; statements=1 errors=0", "SELEC 2; statements=0 errors=1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if len(queue) != 0 || cap(queue) != 8 {
		t.Errorf("queue after: len %d cap %d, want 0 and 8", len(queue), cap(queue))
	}
	ParseQueued(&queue, "q.sql", func(s string) string { return s }, func(string, *source.File, Result) { t.Error("an empty queue parsed something") })
}

// What a callback queues while the queue is flushed waits for the next
// flush: it is neither lost nor parsed in this one.
func TestParseQueuedKeepsWhatIsQueuedMeanwhile(t *testing.T) {
	queue := []string{"SELECT 1", "SELECT 2"}
	var parsed []string
	ParseQueued(&queue, "q.sql", func(s string) string { return s }, func(s string, _ *source.File, res Result) {
		parsed = append(parsed, s)
		if s == "SELECT 1" {
			queue = append(queue, "SELECT 3")
		}
	})
	if diff := cmp.Diff([]string{"SELECT 1", "SELECT 2"}, parsed); diff != "" {
		t.Errorf("first flush parsed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"SELECT 3"}, queue); diff != "" {
		t.Errorf("left queued (-want +got):\n%s", diff)
	}
}
