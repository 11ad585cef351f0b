package lsp_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/internal/refs/scan"
	"github.com/schemagate/schemagate/rules"
)

// gitRepo commits files into a new repository at dir.
func gitRepo(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for p, text := range files {
		writeFile(t, filepath.Join(dir, p), text)
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"commit", "-q", "-m", "the deployed release"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// wantCheck is what `schemagate check` reports for one file of the
// working tree of repo.
func wantCheck(t *testing.T, repo, file string) (findings []rules.Finding, release string) {
	t.Helper()
	cfg, err := config.Load(filepath.Join(repo, "schemagate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := gitrev.Open(repo)
	if err != nil {
		t.Fatal(err)
	}
	commit, err := r.Resolve(cfg.Previous)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := r.FS(commit)
	if err != nil {
		t.Fatal(err)
	}
	defer prev.Close()
	release = commit[:7] + " (" + cfg.Previous + ")"
	// What `schemagate check` says, through the same scope it reads.
	in := (&check.Scope{Config: cfg}).Input()
	in.Previous = []check.Tree{{Name: release, FS: prev}}
	in.New = check.Tree{Name: "working tree", FS: os.DirFS(repo)}
	res, err := check.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.File == file {
			findings = append(findings, f)
		}
	}
	return findings, release
}

// With previous: in schemagate.yaml, a pending migration also gets
// check's compatibility findings, with the places in the deployed
// release as related information; a deployed migration that was edited
// gets check's finding about that.
func TestCheckFindings(t *testing.T) {
	repo := t.TempDir()
	gitRepo(t, repo, map[string]string{
		"schemagate.yaml":              "previous: main\nmigrations:\n  - dir: db/migrations\n",
		"db/migrations/001_create.sql": "CREATE TABLE customers (id bigint PRIMARY KEY, nickname text);\n",
		"queries/customers.sql":        "-- name: Nick :one\nSELECT nickname FROM customers WHERE id = $1;\n",
	})
	file := "db/migrations/002_drop_nickname.sql"
	text := "-- 👋 drop the nickname\nALTER TABLE customers DROP COLUMN nickname;\n"
	writeFile(t, filepath.Join(repo, file), text) // pending: not in main
	findings, release := wantCheck(t, repo, file)
	if !slices.ContainsFunc(findings, func(f rules.Finding) bool { return f.Category == rules.Compatibility && f.Severity == rules.Error }) {
		t.Fatalf("the scenario has no compatibility error: %v", findings)
	}

	c := startServer(t, lsp.Options{Linter: lsp.NewLinter(lsp.LinterOptions{Cache: &scan.Cache{Dir: t.TempDir()}})})
	c.initialize(repo, editorCaps(), nil)
	uri := c.open(filepath.Join(repo, file), text)

	// Lint's findings come first, while the references are indexed.
	if diff := cmp.Diff(wantDiagnostics(t, file, text), c.waitVersion(uri, 1).Diagnostics); diff != "" {
		t.Errorf("first diagnostics (-want +got):\n%s", diff)
	}
	c.waitLog("checking pending migrations against " + release)
	got := c.waitVersion(uri, 1)
	want := toDiagnostics(text, findings)
	if diff := cmp.Diff(want, got.Diagnostics, cmpopts.IgnoreFields(lsp.Diagnostic{}, "RelatedInformation")); diff != "" {
		t.Errorf("diagnostics with check (-want +got):\n%s", diff)
	}
	for i, f := range findings {
		var wantLocs, gotLocs []lsp.Location
		for _, ev := range f.Evidence {
			line := ev.Line - 1
			wantLocs = append(wantLocs, lsp.Location{URI: fileURI(filepath.Join(repo, ev.File)), Range: lsp.Range{Start: lsp.Position{Line: line}, End: lsp.Position{Line: line + 1}}})
		}
		if i < len(got.Diagnostics) {
			for j, ri := range got.Diagnostics[i].RelatedInformation {
				gotLocs = append(gotLocs, ri.Location)
				rel := f.Release
				if j < len(f.Evidence) && f.Evidence[j].Release != "" {
					rel = f.Evidence[j].Release
				}
				if !strings.Contains(ri.Message, rel) || !strings.Contains(ri.Message, "SELECT nickname") {
					t.Errorf("related information %q does not name the release %q and the query", ri.Message, rel)
				}
			}
		}
		if diff := cmp.Diff(wantLocs, gotLocs); diff != "" {
			t.Errorf("%s: related locations (-want +got):\n%s", f.Rule, diff)
		}
	}
	hasEvidence := slices.ContainsFunc(got.Diagnostics, func(d lsp.Diagnostic) bool {
		return slices.ContainsFunc(d.RelatedInformation, func(ri lsp.DiagnosticRelatedInformation) bool {
			return strings.HasSuffix(ri.Location.URI, "queries/customers.sql") && ri.Location.Range.Start.Line == 1
		})
	})
	if !hasEvidence {
		t.Errorf("no diagnostic points at queries/customers.sql line 2: %+v", got.Diagnostics)
	}

	// A compatibility error gets no ignore action: its suppression needs
	// a reason a person writes, which the action could not ask for.
	for i, d := range got.Diagnostics {
		if i >= len(findings) || findings[i].Category != rules.Compatibility || findings[i].Severity != rules.Error {
			continue
		}
		actions := c.codeActions(uri, d)
		for _, a := range actions {
			if len(a.Diagnostics) == 1 && a.Diagnostics[0].Code == d.Code && strings.HasPrefix(a.Title, "Ignore ") {
				t.Errorf("%s, a compatibility error, is offered %q", d.Code, a.Title)
			}
		}
	}

	// An edit that drops nothing the release uses is checked from the
	// same indexes.
	safe := "-- 👋 a new column\nALTER TABLE customers ADD COLUMN email text;\n"
	writeFile(t, filepath.Join(repo, file), safe)
	findings, _ = wantCheck(t, repo, file)
	c.change(uri, 2, safe)
	start := time.Now()
	if diff := cmp.Diff(toDiagnostics(safe, findings), c.waitVersion(uri, 2).Diagnostics); diff != "" {
		t.Errorf("after the edit (-want +got):\n%s", diff)
	}
	t.Logf("check on edit: %s (with the debounce)", time.Since(start))

	// A deployed migration edited in the working tree.
	deployed := "db/migrations/001_create.sql"
	edited := "CREATE TABLE customers (id bigint PRIMARY KEY, nickname text, email text);\n"
	d := c.open(filepath.Join(repo, deployed), edited)
	got = c.waitVersion(d, 1)
	if !slices.Contains(codes(got.Diagnostics), rules.ReleasedMigrationModified.Name) {
		t.Errorf("edited deployed migration: %v, want %s", codes(got.Diagnostics), rules.ReleasedMigrationModified.Name)
	}

	// The "check" setting turns it off.
	c.notify("workspace/didChangeConfiguration", lsp.DidChangeConfigurationParams{Settings: []byte(`{"schemagate":{"check":false}}`)})
	deadline := time.After(30 * time.Second)
	for seen := 0; seen < 2; {
		select {
		case p := <-c.diags:
			if p.URI == d {
				seen++
				if slices.Contains(codes(p.Diagnostics), rules.ReleasedMigrationModified.Name) {
					t.Errorf("check off: %v", codes(p.Diagnostics))
				}
			}
			if p.URI == uri {
				seen++
				if diff := cmp.Diff(wantDiagnostics(t, file, safe), p.Diagnostics); diff != "" {
					t.Errorf("check off (-want +got):\n%s", diff)
				}
			}
		case <-deadline:
			t.Fatal("not linted again after the setting changed")
		}
	}
	c.shutdown()
}

// Without a git repository check cannot run: the user is told, and gets
// lint's findings.
func TestCheckWithoutRepository(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "schemagate.yaml"), "previous: main\n")
	c := startServer(t, lsp.Options{Linter: lsp.NewLinter(lsp.LinterOptions{NoCache: true})})
	c.initialize(root, editorCaps(), nil)
	file := "db/migrations/002_drop.sql"
	text := "ALTER TABLE customers DROP COLUMN nickname;\n"
	uri := c.open(filepath.Join(root, file), text)
	if diff := cmp.Diff(wantDiagnostics(t, file, text), c.waitVersion(uri, 1).Diagnostics); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	c.waitLog("not check's")
	c.notify("textDocument/didSave", lsp.DidSaveTextDocumentParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}})
	if diff := cmp.Diff(wantDiagnostics(t, file, text), c.waitVersion(uri, 1).Diagnostics); diff != "" {
		t.Errorf("after save (-want +got):\n%s", diff)
	}
	c.shutdown()
}

// A workspace where discovery finds no migrations tells the user where it
// looked and how to name them, as lint and check would.
func TestWorkspaceWithoutMigrations(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "src", "main.go"), "package main\n")
	c := startServer(t, lsp.Options{Linter: lsp.NewLinter(lsp.LinterOptions{NoCache: true})})
	c.initialize(root, editorCaps(), nil)
	l := c.waitLog("no migrations found in " + root)
	if l.Type != lsp.MessageWarning || !strings.Contains(l.Message, "schemagate.yaml: migrations: [{dir: ") {
		t.Errorf("message %+v", l)
	}
	c.shutdown()
}
