package report

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// TestSARIFSchema validates the output against the OASIS SARIF 2.1.0
// JSON schema (testdata/sarif-schema-2.1.0.json), formats included.
func TestSARIFSchema(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const loc = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(loc, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(loc)
	if err != nil {
		t.Fatal(err)
	}

	odd := fixture(t)
	odd.Findings = append(odd.Findings,
		rules.Finding{Rule: "syntax-error", Severity: rules.Error, Category: rules.Correctness, File: "/abs/db/schema.sql", Message: "syntax error at or near \"TABL\""},
		rules.Finding{Rule: "missing-down", Severity: rules.Hint, Category: rules.Reliability, Message: "no down migration"},
	)
	for name, r := range map[string]*Report{"full": fixture(t), "empty": {}, "odd": odd, "failed": failedRun()} {
		out := render(t, "sarif", r, Options{})
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s report is not valid SARIF 2.1.0: %v", name, err)
		}
	}
}

// sarifDoc is what GitHub code scanning reads from a SARIF file.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string `json:"id"`
					Name             string `json:"name"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					FullDescription *struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					HelpURI string `json:"helpUri"`
					Help    *struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties struct {
						Tags []string `json:"tags"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations           []sarifTestLocation `json:"locations"`
			RelatedLocations    []sarifTestLocation `json:"relatedLocations"`
			PartialFingerprints map[string]string   `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

type sarifTestLocation struct {
	PhysicalLocation *struct {
		ArtifactLocation struct {
			URI       string `json:"uri"`
			URIBaseID string `json:"uriBaseId"`
		} `json:"artifactLocation"`
		Region *struct {
			StartLine   int `json:"startLine"`
			StartColumn int `json:"startColumn"`
			EndLine     int `json:"endLine"`
			EndColumn   int `json:"endColumn"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

func parseSARIF(t *testing.T, r *Report, opt Options) sarifDoc {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal([]byte(render(t, "sarif", r, opt)), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// regionText extracts a region from text the way a SARIF consumer does
// with columnKind unicodeCodePoints: lines 1-based, columns counting
// code points, endColumn exclusive.
func regionText(text string, startLine, startCol, endLine, endCol int) string {
	lines := strings.SplitAfter(text, "\n")
	offset := func(line, col int) int {
		off := 0
		for _, l := range lines[:line-1] {
			off += len(l)
		}
		for i := 1; i < col; i++ {
			_, size := utf8.DecodeRuneInString(text[off:])
			off += size
		}
		return off
	}
	return text[offset(startLine, startCol):offset(endLine, endCol)]
}

// TestSARIFGitHub checks what GitHub code scanning requires of an
// upload, and that every region points at exactly the finding's text.
func TestSARIFGitHub(t *testing.T) {
	r := fixture(t)
	r.Files[backfillPath] = source.NewFile(backfillPath, []byte(backfillRB)) // to check its region too
	doc := parseSARIF(t, r, Options{})

	if doc.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || doc.Version != "2.1.0" {
		t.Errorf("$schema %q version %q", doc.Schema, doc.Version)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	d := run.Tool.Driver
	if d.Name != "schemagate" || d.Version != "0.3.0" || !strings.HasPrefix(d.InformationURI, "https://") {
		t.Errorf("driver: name %q version %q informationUri %q", d.Name, d.Version, d.InformationURI)
	}
	var notes []string
	for _, n := range run.Invocations[0].ToolExecutionNotifications {
		notes = append(notes, n.Message.Text)
	}
	if diff := cmp.Diff(r.Notes, notes); diff != "" || !run.Invocations[0].ExecutionSuccessful {
		t.Errorf("invocation notes (-want +got):\n%s", diff)
	}

	// One descriptor per rule with findings, complete for GitHub.
	ruleIDs := map[string]bool{}
	for _, f := range r.Findings {
		ruleIDs[f.Rule] = true
	}
	if len(d.Rules) != len(ruleIDs) {
		t.Errorf("%d rule descriptors for %d rules with findings", len(d.Rules), len(ruleIDs))
	}
	seen := map[string]bool{}
	for _, rd := range d.Rules {
		meta := testRules[rd.ID]
		if meta == nil || seen[rd.ID] {
			t.Errorf("rule %q: unknown or listed twice", rd.ID)
			continue
		}
		seen[rd.ID] = true
		if rd.Name == "" || strings.Contains(rd.Name, "-") {
			t.Errorf("rule %s: name %q is not an identifier", rd.ID, rd.Name)
		}
		if rd.ShortDescription.Text != meta.Summary || rd.FullDescription == nil || rd.FullDescription.Text != meta.Doc {
			t.Errorf("rule %s: descriptions %q / %v", rd.ID, rd.ShortDescription.Text, rd.FullDescription)
		}
		if rd.HelpURI != meta.URL() {
			t.Errorf("rule %s: helpUri %q, want %q", rd.ID, rd.HelpURI, meta.URL())
		}
		if rd.Help == nil || !strings.Contains(rd.Help.Text, meta.Doc) || !strings.Contains(rd.Help.Markdown, meta.URL()) {
			t.Errorf("rule %s: help %+v", rd.ID, rd.Help)
		}
		for _, s := range meta.Steps {
			if !strings.Contains(rd.Help.Markdown, s) {
				t.Errorf("rule %s: help lacks step %q", rd.ID, s)
			}
		}
		if want := sarifLevelOf(meta.Severity); rd.DefaultConfiguration.Level != want {
			t.Errorf("rule %s: level %q, want %q", rd.ID, rd.DefaultConfiguration.Level, want)
		}
		if diff := cmp.Diff([]string{string(meta.Category)}, rd.Properties.Tags); diff != "" {
			t.Errorf("rule %s tags (-want +got):\n%s", rd.ID, diff)
		}
	}

	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	for i, res := range run.Results {
		f := r.Findings[i]
		if res.RuleID != f.Rule || res.RuleIndex == nil || *res.RuleIndex < 0 || *res.RuleIndex >= len(d.Rules) || d.Rules[*res.RuleIndex].ID != f.Rule {
			t.Errorf("result %d: ruleId %q ruleIndex %v do not match the rules array", i, res.RuleID, res.RuleIndex)
		}
		if want := sarifLevelOf(f.Severity); res.Level != want {
			t.Errorf("result %d: level %q, want %q", i, res.Level, want)
		}
		if !strings.HasPrefix(res.Message.Text, f.Message) || !strings.Contains(res.Message.Text, f.Hint) {
			t.Errorf("result %d: message %q lacks the message or the hint", i, res.Message.Text)
		}
		if len(res.PartialFingerprints) == 0 {
			t.Errorf("result %d: no partialFingerprints", i)
		}
		if len(res.RelatedLocations) != len(f.Evidence) {
			t.Errorf("result %d: %d related locations for %d evidence", i, len(res.RelatedLocations), len(f.Evidence))
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation == nil || res.Locations[0].PhysicalLocation.Region == nil {
			t.Errorf("result %d: want one physical location with a region, got %+v", i, res.Locations)
			continue
		}
		pl := res.Locations[0].PhysicalLocation
		u, err := url.Parse(pl.ArtifactLocation.URI)
		if err != nil || u.IsAbs() || strings.HasPrefix(u.Path, "/") || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: uri %q (base %q) is not relative to the source root", i, pl.ArtifactLocation.URI, pl.ArtifactLocation.URIBaseID)
		} else if u.Path != f.File {
			t.Errorf("result %d: uri %q names %q, want %q", i, pl.ArtifactLocation.URI, u.Path, f.File)
		}
		reg := pl.Region
		if reg.StartLine < 1 || reg.StartColumn < 1 || reg.EndLine < reg.StartLine || reg.EndColumn < 1 {
			t.Errorf("result %d: region %+v is not 1-based and ordered", i, *reg)
			continue
		}
		text := string(r.Files[f.File].Text)
		got := regionText(text, reg.StartLine, reg.StartColumn, reg.EndLine, reg.EndColumn)
		if want := text[f.Span.Start.Offset:f.Span.End.Offset]; got != want {
			t.Errorf("result %d: region selects %q, want %q", i, got, want)
		}
	}
}

func sarifLevelOf(s rules.Severity) string {
	return map[rules.Severity]string{rules.Error: "error", rules.Warning: "warning", rules.Hint: "note"}[s]
}

func fingerprints(t *testing.T, r *Report) []string {
	t.Helper()
	var out []string
	for _, res := range parseSARIF(t, r, Options{Rules: testLookup}).Runs[0].Results {
		out = append(out, res.PartialFingerprints[fingerprintKey])
	}
	return out
}

func TestSARIFFingerprints(t *testing.T) {
	base := fingerprints(t, fixture(t))
	if diff := cmp.Diff(base, fingerprints(t, fixture(t))); diff != "" {
		t.Errorf("fingerprints differ between identical runs:\n%s", diff)
	}

	// Lines added above a finding must not turn it into a new alert.
	moved := fixture(t)
	for i := range moved.Findings {
		moved.Findings[i].Span.Start.Line += 7
		moved.Findings[i].Span.End.Line += 7
		moved.Findings[i].Span.Start.Offset += 120
		moved.Findings[i].Span.End.Offset += 120
	}
	if diff := cmp.Diff(base, fingerprints(t, moved)); diff != "" {
		t.Errorf("fingerprints change when a finding moves down (-before +after):\n%s", diff)
	}

	// The same problem twice in one file is two alerts.
	dup := fixture(t)
	twin := dup.Findings[1]
	twin.Span.Start.Line += 10
	twin.Span.End.Line += 10
	dup.Findings = append(dup.Findings, twin)
	got := fingerprints(t, dup)
	if got[1] == got[len(got)-1] {
		t.Errorf("two occurrences share fingerprint %q", got[1])
	}

	// A different column named in the message is a different alert.
	other := fixture(t)
	other.Findings[0].Message = strings.ReplaceAll(other.Findings[0].Message, "email_antigo", "telefone")
	if got := fingerprints(t, other); got[0] == base[0] {
		t.Error("fingerprint ignores the message")
	}

	uniq := map[string]bool{}
	for _, fp := range base {
		if uniq[fp] {
			t.Errorf("fingerprint %q used twice", fp)
		}
		uniq[fp] = true
	}
}

func TestSARIFLocations(t *testing.T) {
	tests := []struct {
		name    string
		finding rules.Finding
		want    []sarifLocation
	}{
		{
			name:    "whole file points at line 1",
			finding: rules.Finding{File: "db/structure.sql"},
			want: []sarifLocation{{PhysicalLocation: &sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: "db/structure.sql", URIBaseID: "%SRCROOT%"},
				Region:           &sarifRegion{StartLine: 1},
			}}},
		},
		{
			name:    "no file has no location",
			finding: rules.Finding{},
		},
		{
			name: "absolute path is a file URI without a base",
			finding: rules.Finding{File: "/srv/app/db/migrate/001 init.sql", Span: source.Span{
				Start: source.Pos{Offset: 0, Line: 1, Column: 1}, End: source.Pos{Offset: 5, Line: 1, Column: 6}}},
			want: []sarifLocation{{PhysicalLocation: &sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: "file:///srv/app/db/migrate/001%20init.sql"},
				Region:           &sarifRegion{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 6},
			}}},
		},
		{
			name: "dot-relative path and a colon in the first segment",
			finding: rules.Finding{File: "./c:weird/x.sql", Span: source.Span{
				Start: source.Pos{Offset: 9, Line: 2, Column: 4}, End: source.Pos{Offset: 9, Line: 2, Column: 4}}},
			want: []sarifLocation{{PhysicalLocation: &sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: "./c:weird/x.sql", URIBaseID: "%SRCROOT%"},
				Region:           &sarifRegion{StartLine: 2, StartColumn: 4, EndLine: 2, EndColumn: 4},
			}}},
		},
		{
			name: "end before start collapses to the start",
			finding: rules.Finding{File: "a.sql", Span: source.Span{
				Start: source.Pos{Offset: 9, Line: 3, Column: 4}, End: source.Pos{Offset: 2, Line: 1, Column: 3}}},
			want: []sarifLocation{{PhysicalLocation: &sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: "a.sql", URIBaseID: "%SRCROOT%"},
				Region:           &sarifRegion{StartLine: 3, StartColumn: 4, EndLine: 3, EndColumn: 4},
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, sarifLocations(&tt.finding)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestSARIFRuleMetadata covers a finding of a rule outside the list and
// the default lookup (rules.Lookup) when Options.Rules is nil.
func TestSARIFRuleMetadata(t *testing.T) {
	// A rule from the list with a severity other than the finding's: the
	// metadata must come from rules.Lookup, not from the finding.
	registered := rules.MigrationFormat
	r := &Report{Findings: []rules.Finding{
		{Rule: registered.Name, Severity: rules.Error, Category: rules.Transaction, File: "a.sql", Message: "m1"},
		{Rule: "report-test-unregistered", Severity: rules.Error, Category: rules.Correctness, File: "b.sql", Message: "made by a tool outside the registry"},
	}}
	var doc sarifDoc
	var buf strings.Builder
	if err := Write(&buf, "sarif", r, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(buf.String()), &doc); err != nil {
		t.Fatal(err)
	}
	rs := doc.Runs[0].Tool.Driver.Rules
	if len(rs) != 2 {
		t.Fatalf("%d rules, want 2", len(rs))
	}
	reg, unknown := rs[0], rs[1]
	if reg.ID != registered.Name || reg.ShortDescription.Text != registered.Summary || reg.HelpURI != registered.URL() || reg.DefaultConfiguration.Level != "warning" {
		t.Errorf("registered rule: %+v", reg)
	}
	if unknown.ID != "report-test-unregistered" || unknown.Name != "ReportTestUnregistered" || unknown.ShortDescription.Text == "" ||
		unknown.HelpURI != "" || unknown.DefaultConfiguration.Level != "error" || !cmp.Equal(unknown.Properties.Tags, []string{"correctness"}) {
		t.Errorf("unregistered rule: %+v", unknown)
	}
	for i, res := range doc.Runs[0].Results {
		if rs[*res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex %d is %s, not %s", i, *res.RuleIndex, rs[*res.RuleIndex].ID, res.RuleID)
		}
	}
}

func TestPascalCase(t *testing.T) {
	for in, want := range map[string]string{
		"drop-column-referenced": "DropColumnReferenced",
		"syntax-error":           "SyntaxError",
		"x":                      "X",
		"--odd--name":            "OddName",
		"ünïcode-rule":           "ÜnïcodeRule",
	} {
		if got := pascalCase(in); got != want {
			t.Errorf("pascalCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// failedRun is a run that exits 2: one migration could not be read, so the
// finding for the other is only part of the answer.
func failedRun() *Report {
	f := source.NewFile("db/migrations/002_index.sql", []byte("CREATE INDEX users_email ON users (email);\n"))
	return &Report{
		Tool: "schemagate", Version: "0.3.0", Command: "lint",
		Findings: []rules.Finding{{
			Rule: "require-concurrent-index-creation", Severity: rules.Warning, Category: rules.Locking,
			File: f.Path, Span: f.Span(0, 41),
			Message: "CREATE INDEX on users without CONCURRENTLY blocks writes to the table until the index is built",
		}},
		Files:  map[string]*source.File{f.Path: f},
		Errors: []string{"db/migrations/003_seed.sql: binary file", "db/migrations/004_link.sql: cannot read: symlink db/migrations/004_link.sql leads outside db/migrations (to ../../.env): not followed"},
	}
}

// A run that exits 2 says so: executionSuccessful is false and each error
// is an error notification, ahead of the notes; the findings of the files
// that were read are still there.
func TestSARIFFailedRun(t *testing.T) {
	r := failedRun()
	r.Notes = []string{"1 pending migration(s) checked"}
	var doc struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool `json:"executionSuccessful"`
				ToolExecutionNotifications []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(render(t, "sarif", r, Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	inv := doc.Runs[0].Invocations[0]
	var got []string
	for _, n := range inv.ToolExecutionNotifications {
		got = append(got, n.Level+": "+n.Message.Text)
	}
	want := []string{"error: " + r.Errors[0], "error: " + r.Errors[1], "note: " + r.Notes[0]}
	if diff := cmp.Diff(want, got); diff != "" || inv.ExecutionSuccessful {
		t.Errorf("executionSuccessful %v, notifications (-want +got):\n%s", inv.ExecutionSuccessful, diff)
	}
	if len(doc.Runs[0].Results) != 1 {
		t.Errorf("%d results, want the finding of the file that was read", len(doc.Runs[0].Results))
	}
}
