package check_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/testutil"
	"github.com/schemagate/schemagate/rules"
)

// Each testdata/check/<scenario> holds two trees, previous/ and new/,
// that the test commits into a fresh git repository, and want.txt with
// one line per expected compatibility (or released-migration, or
// invalid-suppression) finding:
//
//	<severity> <rule> <file>:<line> [evidence=<file>:<line>,...] [hint~=<text> | hint!~=<text>] [message~=<text> | message!~=<text>]
//
// Operational lint findings are covered by the rule cases and left out.

type scenarioFinding struct {
	Severity string
	Rule     string
	Where    string
	Evidence string
}

func TestScenarios(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "check", "*"))
	if err != nil || len(dirs) < 15 {
		t.Fatalf("want at least 15 scenarios, found %d (%v)", len(dirs), err)
	}
	fired := map[string]bool{}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			repo := testutil.CommitScenario(t, dir)
			want, messages := readWant(t, filepath.Join(dir, "want.txt"))
			for _, newSide := range []string{"revision", "working tree"} {
				res := runScenario(t, repo, newSide)
				got, gotMessages := summarize(res.Findings)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("new release as %s: findings (-want +got):\n%s\nall findings:\n%s", newSide, diff, dump(res.Findings))
				}
				checkMessages(t, messages, gotMessages)
				for _, f := range got {
					fired[f.Rule] = true
				}
				if len(res.Problems) > 0 {
					t.Errorf("problems: %v", res.Problems)
				}
			}
		})
	}
	for _, r := range rules.All() {
		if r.NeedsReferences && r.Checks() && !fired[r.Name] {
			t.Errorf("no scenario makes %s fire", r.Name)
		}
	}
}

func runScenario(t *testing.T, repoDir, newSide string) *check.Result {
	t.Helper()
	repo, err := gitrev.Open(repoDir)
	if err != nil {
		t.Fatal(err)
	}
	prevFS, err := repo.FS("previous")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { prevFS.Close() })
	in := check.Input{
		Previous: []check.Tree{{Name: "previous", FS: prevFS}},
		Index: func(tr check.Tree, _ []string) (*refs.Index, error) {
			idx, _, _, err := build.Index(tr.FS, build.Options{Exclude: []string{"db/migrations/**", "db/migrate/**", "db/post_migrate/**", "migrations/**", "prisma/migrations/**", "db/structure.sql", "alembic/versions/**"}})
			return idx, err
		},
	}
	if newSide == "revision" {
		newFS, err := repo.FS("HEAD")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { newFS.Close() })
		in.New = check.Tree{Name: "HEAD", FS: newFS}
	} else {
		in.New = check.Tree{Name: "working tree", FS: os.DirFS(repoDir)}
	}
	// A scenario may carry a schemagate.yaml in its new tree.
	if data, err := os.ReadFile(filepath.Join(repoDir, "schemagate.yaml")); err == nil {
		cfg, err := config.Parse("schemagate.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		in.Config, in.Dirs = cfg, cfg.Migrations
	}
	res, err := check.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func summarize(fs []rules.Finding) ([]scenarioFinding, map[string]string) {
	var out []scenarioFinding
	msgs := map[string]string{}
	for _, f := range fs {
		if f.Category != rules.Compatibility && !strings.HasPrefix(f.Rule, "released-migration") && f.Rule != rules.SchemaDumpMismatch.Name && f.Rule != rules.InvalidSuppression.Name {
			continue
		}
		if f.Rule == rules.AddColumnJSON.Name || f.Rule == rules.DropNotNull.Name {
			continue
		}
		var ev []string
		for _, e := range f.Evidence {
			ev = append(ev, fmt.Sprintf("%s:%d", e.File, e.Line))
		}
		sf := scenarioFinding{f.Severity.String(), f.Rule, fmt.Sprintf("%s:%d", f.File, f.Span.Start.Line), strings.Join(ev, ",")}
		out = append(out, sf)
		msgs[sf.Rule+" "+sf.Where] = f.Message
		msgs["hint: "+sf.Rule+" "+sf.Where] = f.Hint
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out, msgs
}

var reWantLine = regexp.MustCompile(`^(\w+) (\S+) (\S+)(?: evidence=(\S+))?(?: hint(!?)~=(.+?))?(?: message(!?)~=(.+))?$`)

// notPrefix marks a message key whose text must be absent (message!~=).
const notPrefix = "not: "

// checkMessages compares the message and hint texts a want.txt asks for
// with the findings' (see readWant).
func checkMessages(t *testing.T, want, got map[string]string) {
	t.Helper()
	for key, sub := range want {
		if k, ok := strings.CutPrefix(key, notPrefix); ok {
			if strings.Contains(got[k], sub) {
				t.Errorf("%s: message %q contains %q", k, got[k], sub)
			}
			continue
		}
		if !strings.Contains(got[key], sub) {
			t.Errorf("%s: message %q does not contain %q", key, got[key], sub)
		}
	}
}

func readWant(t *testing.T, path string) ([]scenarioFinding, map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []scenarioFinding
	msgs := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := reWantLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s: bad line %q", path, line)
		}
		out = append(out, scenarioFinding{m[1], m[2], m[3], m[4]})
		switch {
		case m[6] != "" && m[5] == "!":
			msgs[notPrefix+"hint: "+m[2]+" "+m[3]] = m[6]
		case m[6] != "":
			msgs["hint: "+m[2]+" "+m[3]] = m[6]
		}
		switch {
		case m[8] != "" && m[7] == "!":
			msgs[notPrefix+m[2]+" "+m[3]] = m[8]
		case m[8] != "":
			msgs[m[2]+" "+m[3]] = m[8]
		}
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out, msgs
}

func dump(fs []rules.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %s:%d %s\n", f.Severity, f.Rule, f.File, f.Span.Start.Line, f.Message)
	}
	return b.String()
}
