package refs

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// A release's references as the extractors report them.
func sampleRefs() []Reference {
	return []Reference{
		{Table: "users", Column: "email", Usage: Select, Certainty: Resolved, Source: GoCode, File: "internal/store/users.go", Line: 40, Col: 12},
		{Table: "users", Usage: Select, Certainty: Resolved, Source: GoCode, File: "internal/store/users.go", Line: 40, Col: 30},
		{Schema: "public", Table: "users", Column: "name", Usage: Update, Certainty: Resolved, Source: SQLFile, File: "queries/users.sql", Line: 3, Col: 18},
		{Table: "users", Column: "email", Usage: Select, Certainty: Ambiguous, Source: SQLFile, File: "queries/users.sql", Line: 9, Col: 8},
		{Table: "orders", Column: "email", Usage: Select, Certainty: Ambiguous, Source: SQLFile, File: "queries/users.sql", Line: 9, Col: 8},
		{Table: "users", Usage: Wildcard, Certainty: Resolved, Source: RubyCode, File: "app/models/report.rb", Line: 5, Col: 3},
		{Table: "users", Usage: Model, Certainty: Resolved, Source: ActiveRecord, File: "app/models/user.rb", Line: 1, Ignored: []string{"legacy_email"}},
		{Table: "users", Usage: Model, Certainty: Resolved, Source: Django, File: "accounts/models.py", Line: 7, Columns: []string{"id", "email"}},
		{Table: "users", Usage: Insert, Certainty: Resolved, Source: SQLFile, File: "queries/users.sql", Line: 20, Columns: []string{"email", "name"}},
		{Table: "users", Usage: Insert, Certainty: Resolved, Source: PythonCode, File: "scripts/import.py", Line: 12},
		{Table: "Users", Column: "Legacy_Email", Usage: Select, Certainty: Resolved, Source: JavaCode, File: "src/Legacy.java", Line: 77},
		{Schema: "billing", Table: "users", Column: "email", Usage: Select, Certainty: Resolved, Source: SQLFile, File: "queries/billing.sql", Line: 2},
		{Table: "", Column: "email", Usage: Select, Certainty: NameOnly, Source: JSCode, File: "web/api.js", Line: 3},
		{Table: "normalize_email", Usage: Other, Certainty: Resolved, Source: SQLFile, File: "queries/users.sql", Line: 30},
	}
}

func where(rs []Reference) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.File+":"+strconv.Itoa(r.Line)+" "+string(r.Usage))
	}
	return out
}

func TestIndexColumn(t *testing.T) {
	x := NewIndex(sampleRefs())
	tests := []struct {
		schema, table, column string
		want                  []string
	}{
		{"", "users", "email", []string{
			"accounts/models.py:7 model", // Django maps email
			"app/models/report.rb:5 wildcard",
			"app/models/user.rb:1 model",
			"internal/store/users.go:40 select",
			"queries/users.sql:9 select", // ambiguous with orders
			"queries/users.sql:20 insert",
			"scripts/import.py:12 insert", // lists no columns: writes every one
		}},
		{"public", "USERS", "legacy_email", []string{
			// ignored by the ActiveRecord model, not mapped by Django, not
			// listed by the INSERT with columns
			"app/models/report.rb:5 wildcard",
			"scripts/import.py:12 insert",
			"src/Legacy.java:77 select",
		}},
		{"billing", "users", "email", []string{"queries/billing.sql:2 select"}},
		{"", "orders", "email", []string{"queries/users.sql:9 select"}},
		{"", "missing", "email", []string{}},
	}
	for _, tc := range tests {
		got := where(x.Column(tc.schema, tc.table, tc.column))
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Column(%q, %q, %q) (-want +got):\n%s", tc.schema, tc.table, tc.column, diff)
		}
	}
	for _, r := range x.Column("", "users", "email") {
		if r.Direct() != (r.Column != "") {
			t.Errorf("Direct() of %+v", r)
		}
	}
}

func TestIndexQueries(t *testing.T) {
	x := NewIndex(sampleRefs())
	if diff := cmp.Diff([]string{"app/models/report.rb:5 wildcard", "accounts/models.py:7 model", "app/models/user.rb:1 model"},
		where(x.Wildcards("public", "users")), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("Wildcards (-want +got):\n%s", diff)
	}
	ins := x.Inserts("", "users")
	if diff := cmp.Diff([][]string{{"email", "name"}, nil}, [][]string{ins[0].Columns, ins[1].Columns}); diff != "" || len(ins) != 2 {
		t.Errorf("Inserts: %d, columns (-want +got):\n%s", len(ins), diff)
	}
	if got := len(x.Table("", "users")); got != 10 {
		t.Errorf("Table(users) has %d references, want 10", got)
	}
	if diff := cmp.Diff([]string{"billing.users", "orders", "users"}, x.Tables()); diff != "" {
		t.Errorf("Tables (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"web/api.js:3 select"}, where(x.NameOnly("EMAIL"))); diff != "" {
		t.Errorf("NameOnly (-want +got):\n%s", diff)
	}
	if got := where(x.Table("", "normalize_email")); len(got) != 1 {
		t.Errorf("function references: %v", got)
	}

	var nilIndex *Index
	if nilIndex.Column("", "users", "email") != nil || nilIndex.Tables() != nil || nilIndex.Wildcards("", "users") != nil {
		t.Error("a nil index answers with something")
	}
}

func TestIndexDeterministic(t *testing.T) {
	refs := sampleRefs()
	refs = append(refs, refs[0], refs[3]) // exact duplicates collapse
	want := NewIndex(sampleRefs())
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		rng.Shuffle(len(refs), func(i, j int) { refs[i], refs[j] = refs[j], refs[i] })
		got := NewIndex(refs)
		if diff := cmp.Diff(want.Refs, got.Refs); diff != "" {
			t.Fatalf("index depends on input order (-want +got):\n%s", diff)
		}
	}
	if len(want.Refs) != len(sampleRefs()) {
		t.Errorf("index has %d references, want %d", len(want.Refs), len(sampleRefs()))
	}
}

func TestIndexJSON(t *testing.T) {
	x := NewIndex(sampleRefs())
	data, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), `{"version":1,"refs":[{`) {
		t.Errorf("encoding starts %.40s", data)
	}
	var back Index
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(x.Refs, back.Refs); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	again, _ := json.Marshal(&back)
	if string(again) != string(data) {
		t.Error("encoding is not stable across a round trip")
	}
	if got := where(back.Column("", "users", "legacy_email")); len(got) != 3 {
		t.Errorf("decoded index answers %v", got)
	}

	empty, _ := json.Marshal(NewIndex(nil))
	if string(empty) != `{"version":1,"refs":[]}` {
		t.Errorf("empty index encodes as %s", empty)
	}

	for _, bad := range []string{`{"version":2,"refs":[]}`, `{"refs":[]}`, `{"version":1,"refs":{}}`, `[`} {
		var x Index
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("decoding %s: no error", bad)
		}
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("é", 200)
	tests := []struct{ in, want string }{
		{"   SELECT id FROM users  \t", "SELECT id FROM users"},
		{long, strings.Repeat("é", 159) + "…"},
		{strings.Repeat("a", 160), strings.Repeat("a", 160)},
	}
	for _, tc := range tests {
		if got := Snippet(tc.in); got != tc.want {
			t.Errorf("Snippet(%.20q...) = %.20q... (%d chars)", tc.in, got, len([]rune(got)))
		}
	}
}
