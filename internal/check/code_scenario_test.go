package check_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/cli"
	"github.com/schemagate/schemagate/internal/testutil"
	"github.com/schemagate/schemagate/rules"
)

// Each testdata/check-code/<layout> is a project whose migrations are
// written in code: previous/ is the deployed release; unsafe/ and safe/
// are laid over it as the new release (unsafe/ drops or renames a column
// previous/ still reads, safe/ does not). want.txt says:
//
//	config <dir> <format>          the schemagate.yaml migrations entry
//	noconfig found | skip <reason> whether discovery finds the layout without it
//	unsafe <severity> <rule> <file>:<line> evidence=<file>:<line>
//
// `schemagate check --previous previous` runs on the repository as a
// user runs it: unsafe must exit 1 with exactly the listed errors, at the
// call in the migration's own file; safe must exit 0 with no error.
func TestCodeMigrationScenarios(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "check-code", "*"))
	if err != nil || len(dirs) < 7 {
		t.Fatalf("want the seven layouts, found %d (%v)", len(dirs), err)
	}
	for _, dir := range dirs {
		spec := readCodeSpec(t, filepath.Join(dir, "want.txt"))
		for _, variant := range []string{"unsafe", "safe"} {
			for _, configured := range []bool{true, false} {
				name := filepath.Base(dir) + "/" + variant
				if !configured {
					name += "/without-config"
				}
				t.Run(name, func(t *testing.T) {
					if !configured && spec.skip != "" {
						t.Skip(spec.skip)
					}
					repo := commitOverlay(t, dir, variant, configured, spec)
					code, stdout, stderr := runCheck(t, repo)
					var doc struct {
						Findings []rules.Finding `json:"findings"`
					}
					if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
						t.Fatalf("exit %d, output is not JSON: %v\nstdout:\n%s\nstderr:\n%s", code, err, stdout, stderr)
					}
					var got []scenarioFinding
					for _, f := range doc.Findings {
						if f.Severity != rules.Error {
							continue
						}
						var ev []string
						for _, e := range f.Evidence {
							ev = append(ev, fmt.Sprintf("%s:%d", e.File, e.Line))
						}
						got = append(got, scenarioFinding{f.Severity.String(), f.Rule, fmt.Sprintf("%s:%d", f.File, f.Span.Start.Line), strings.Join(ev, ",")})
					}
					sort.Slice(got, func(i, j int) bool { return fmt.Sprint(got[i]) < fmt.Sprint(got[j]) })
					want, wantCode := spec.unsafe, cli.ExitFindings
					if variant == "safe" {
						want, wantCode = nil, cli.ExitClean
					}
					if code != wantCode {
						t.Errorf("exit code %d, want %d\nstderr:\n%s\nfindings:\n%s", code, wantCode, stderr, dump(doc.Findings))
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("errors (-want +got):\n%s\nall findings:\n%s", diff, dump(doc.Findings))
					}
				})
			}
		}
	}
}

type codeSpec struct {
	dir, format string
	skip        string
	unsafe      []scenarioFinding
}

func readCodeSpec(t *testing.T, p string) codeSpec {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var s codeSpec
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, rest, _ := strings.Cut(line, " ")
		switch key {
		case "config":
			s.dir, s.format, _ = strings.Cut(rest, " ")
		case "noconfig":
			if reason, ok := strings.CutPrefix(rest, "skip "); ok {
				s.skip = reason
			} else if rest != "found" {
				t.Fatalf("%s: noconfig %q: want found or skip <reason>", p, rest)
			}
		case "unsafe":
			m := reWantLine.FindStringSubmatch(rest)
			if m == nil {
				t.Fatalf("%s: bad line %q", p, line)
			}
			s.unsafe = append(s.unsafe, scenarioFinding{m[1], m[2], m[3], m[4]})
		default:
			t.Fatalf("%s: bad line %q", p, line)
		}
	}
	if s.dir == "" || len(s.unsafe) == 0 {
		t.Fatalf("%s: needs a config line and an unsafe line", p)
	}
	sort.Slice(s.unsafe, func(i, j int) bool { return fmt.Sprint(s.unsafe[i]) < fmt.Sprint(s.unsafe[j]) })
	return s
}

// commitOverlay commits previous/ (tagged "previous"), then lays the
// variant's files over it and commits that as the new release, with a
// schemagate.yaml naming the migration directory when configured.
func commitOverlay(t *testing.T, dir, variant string, configured bool, spec codeSpec) string {
	t.Helper()
	repo := t.TempDir()
	testutil.Git(t, repo, "init", "-q", "-b", "main")
	testutil.CopyTree(t, filepath.Join(dir, "previous"), repo)
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "previous release")
	testutil.Git(t, repo, "tag", "previous")
	testutil.CopyTree(t, filepath.Join(dir, variant), repo)
	if configured {
		cfg := fmt.Sprintf("migrations:\n  - dir: %s\n    format: %s\n", spec.dir, spec.format)
		if err := os.WriteFile(filepath.Join(repo, "schemagate.yaml"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "new release")
	return repo
}

func runCheck(t *testing.T, repo string) (int, string, string) {
	t.Helper()
	t.Chdir(repo)
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"check", "--previous", "previous", "--format", "json", "--no-cache"}, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}
