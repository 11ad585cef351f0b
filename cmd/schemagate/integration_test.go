package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// The tests here run the real binary the way the integrations do: a
// release build's --version, the pre-commit hooks through pre-commit
// itself, and the GitHub action's scripts.

const (
	testVersion = "v0.1.0-test.1"
	testCommit  = "0123456789abcdef0123456789abcdef01234567"
	testDate    = "2026-12-06T16:00:00Z"
)

// builds are the binaries the tests built, by their -ldflags.
var (
	buildsMu sync.Mutex
	builds   = map[string]*builtBinary{}
)

type builtBinary struct {
	once sync.Once
	path string
	err  error
}

// buildBinary builds schemagate with ldflags, once per test run.
func buildBinary(tb testing.TB, ldflags string) string {
	tb.Helper()
	buildsMu.Lock()
	b := builds[ldflags]
	if b == nil {
		b = &builtBinary{}
		builds[ldflags] = b
	}
	buildsMu.Unlock()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "schemagate-bin")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, "schemagate")
		out, err := exec.Command("go", "build", "-ldflags", ldflags, "-o", b.path, ".").CombinedOutput()
		if err != nil {
			b.err = errors.New(err.Error() + ": " + string(out))
		}
	})
	if b.err != nil {
		tb.Fatal(b.err)
	}
	return b.path
}

// releaseBinary is schemagate built with the -ldflags scripts/release.sh
// gives it.
func releaseBinary(t *testing.T) string {
	t.Helper()
	pkg := "github.com/schemagate/schemagate/internal/version"
	return buildBinary(t, "-X "+pkg+".Version="+testVersion+" -X "+pkg+".Commit="+testCommit+" -X "+pkg+".Date="+testDate)
}

func TestReleaseBuildVersion(t *testing.T) {
	out, err := exec.Command(releaseBinary(t), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("--version:\n%s", out)
	}
	want := []string{"schemagate " + testVersion, "  commit:   " + testCommit, "  built:    " + testDate}
	if diff := cmp.Diff(want, lines[:3]); diff != "" {
		t.Errorf("--version (-want +got):\n%s", diff)
	}
	if !regexp.MustCompile(`^  go:       go1\.\d+`).MatchString(lines[3]) ||
		!regexp.MustCompile(`^  pg_query: github\.com/pganalyze/pg_query_go/v5 v5\.\d+\.\d+ \(PostgreSQL \d+\.\d+ parser\)$`).MatchString(lines[4]) {
		t.Errorf("--version:\n%s", out)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// projectRepo is a git repository with one committed migration that has
// a finding and one new migration (not yet committed) that has another.
func projectRepo(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	git(t, repo, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(repo, "db/migrations/001_tables.up.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
	writeFile(t, filepath.Join(repo, "db/migrations/002_users_email.up.sql"), "CREATE INDEX users_email ON users (email);\n")
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "base")
	writeFile(t, filepath.Join(repo, "db/migrations/003_users_name.up.sql"), "ALTER TABLE users ADD COLUMN name text NOT NULL;\n")
	git(t, repo, "add", "-A")
	return repo
}

type hook struct {
	ID             string `yaml:"id"`
	Entry          string `yaml:"entry"`
	Language       string `yaml:"language"`
	PassFilenames  *bool  `yaml:"pass_filenames"`
	AlwaysRun      bool   `yaml:"always_run"`
	RequireSerial  bool   `yaml:"require_serial"`
	Name           string `yaml:"name"`
	Description    string `yaml:"description"`
	MinimumVersion string `yaml:"minimum_pre_commit_version"`
}

// The hooks run through pre-commit itself (try-repo, as a user tries a
// hooks repository) on a commit that adds a migration: the hook fails on
// the new migration's finding and says nothing of the committed one.
func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []hook
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	byID := map[string]hook{}
	for _, h := range hooks {
		byID[h.ID] = h
		if h.PassFilenames == nil || *h.PassFilenames || !strings.Contains(h.Entry, "--changed-from HEAD") {
			t.Errorf("hook %s: entry %q, pass_filenames %v: want lint --changed-from HEAD without file names", h.ID, h.Entry, h.PassFilenames)
		}
	}
	golang, system := byID["schemagate-lint"], byID["schemagate-lint-system"]
	if golang.Language != "golang" || system.Language != "system" || golang.Entry != system.Entry {
		t.Fatalf("want a golang hook and a system hook with the same entry: %+v", hooks)
	}

	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pre-commit is needed (scripts/deps.sh installs it)")
		}
		t.Skip("pre-commit is needed (apt-get install pre-commit)")
	}
	// A hooks repository holding this one's .pre-commit-hooks.yaml.
	hooksRepo := t.TempDir()
	git(t, hooksRepo, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(hooksRepo, ".pre-commit-hooks.yaml"), string(data))
	git(t, hooksRepo, "add", "-A")
	git(t, hooksRepo, "commit", "-q", "-m", "hooks")

	repo := projectRepo(t)
	cmd := exec.Command(preCommit, "try-repo", hooksRepo, "schemagate-lint-system", "--verbose", "--color", "never")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(),
		"PATH="+filepath.Dir(releaseBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PRE_COMMIT_HOME="+t.TempDir(), "NO_COLOR=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("pre-commit try-repo: %v, want exit 1 (the hook failed)\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"schemagate lint (installed)", "Failed", "003_users_name.up.sql", "add-column-not-null-without-default", "1 migration added or modified since HEAD"} {
		if !strings.Contains(text, want) {
			t.Errorf("pre-commit output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "002_users_email") {
		t.Errorf("the hook reported the committed migration:\n%s", text)
	}
}

// actionStep is a step of the composite action.
type actionStep struct {
	Name             string            `yaml:"name"`
	ID               string            `yaml:"id"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	Env              map[string]string `yaml:"env"`
	With             map[string]string `yaml:"with"`
	If               string            `yaml:"if"`
	WorkingDirectory string            `yaml:"working-directory"`
}

type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

var actionExpr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// The composite action installs the version it is given, checks, uploads
// the SARIF and fails on findings. Its shell steps run here as the runner
// runs them (bash, inputs through the environment, GITHUB_OUTPUT), with
// the real binary on PATH in place of the install step, on a pull
// request's checkout: the SARIF holds the finding, the exit code reaches
// the verdict step, which fails the job.
func TestGitHubAction(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using %q, want composite", a.Runs.Using)
	}
	if v := a.Inputs["version"].Default; !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(v) {
		t.Errorf("the version input's default %q is not a pinned release", v)
	}
	var uses []string
	for _, s := range a.Runs.Steps {
		if s.Uses != "" {
			uses = append(uses, strings.Split(s.Uses, "@")[0])
		}
	}
	if diff := cmp.Diff([]string{"actions/setup-go", "github/codeql-action/upload-sarif"}, uses); diff != "" {
		t.Errorf("actions the composite uses (-want +got):\n%s", diff)
	}

	repo := projectRepo(t)
	git(t, repo, "commit", "-q", "-m", "add name") // the pull request's head
	git(t, repo, "branch", "-f", "base", "HEAD~1")
	git(t, repo, "update-ref", "refs/remotes/origin/base", "base")
	outputs := filepath.Join(t.TempDir(), "github_output")
	writeFile(t, outputs, "")
	stepOutputs := map[string]map[string]string{}
	inputs := map[string]string{}
	for k, v := range a.Inputs {
		inputs[k] = v.Default
	}
	eval := func(expr string) string {
		switch {
		case strings.HasPrefix(expr, "inputs."):
			return inputs[strings.TrimPrefix(expr, "inputs.")]
		case strings.HasPrefix(expr, "steps."):
			parts := strings.Split(expr, ".") // steps.ID.outputs.NAME
			if len(parts) == 4 {
				return stepOutputs[parts[1]][parts[3]]
			}
		}
		t.Fatalf("action.yml: expression %q outside the inputs and step outputs", expr)
		return ""
	}
	subst := func(s string) string {
		return actionExpr.ReplaceAllStringFunc(s, func(m string) string { return eval(actionExpr.FindStringSubmatch(m)[1]) })
	}
	ran := 0
	verdict := -1
	for _, s := range a.Runs.Steps {
		if s.Uses != "" || s.Name == "Install schemagate" {
			continue // setup-go and the install need the network; the binary is on PATH
		}
		if actionExpr.MatchString(s.Run) {
			t.Errorf("step %q pastes an expression into its script (use env): %s", s.Name, s.Run)
		}
		if s.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash", s.Name, s.Shell)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
		cmd.Dir = filepath.Join(repo, subst(s.WorkingDirectory))
		cmd.Env = append(os.Environ(),
			"PATH="+filepath.Dir(releaseBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"),
			"GITHUB_OUTPUT="+outputs, "GITHUB_BASE_REF=base", "XDG_CACHE_HOME="+t.TempDir())
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+subst(v))
		}
		out, err := cmd.CombinedOutput()
		ran++
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if s.ID != "" {
			stepOutputs[s.ID] = readOutputs(t, outputs)
		}
		if s.Name == "Verdict" {
			verdict = code
		} else if code != 0 {
			t.Errorf("step %q exited %d:\n%s", s.Name, code, out)
		}
	}
	if ran != 2 {
		t.Errorf("ran %d shell steps, want the check and the verdict", ran)
	}
	if got := stepOutputs["check"]["exit-code"]; got != "1" {
		t.Errorf("the check step's exit-code output is %q, want 1 (findings)", got)
	}
	if verdict != 1 {
		t.Errorf("the verdict step exited %d, want 1: the job fails on findings", verdict)
	}
	sarif, err := os.ReadFile(filepath.Join(repo, inputs["sarif-file"]))
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif, &log); err != nil {
		t.Fatalf("the SARIF file: %v\n%s", err, sarif)
	}
	var rules []string
	for _, r := range log.Runs[0].Results {
		rules = append(rules, r.RuleID)
	}
	if !strings.Contains(strings.Join(rules, " "), "add-column-not-null-without-default") {
		t.Errorf("SARIF results %v lack the new migration's finding", rules)
	}
}

// readOutputs reads a GITHUB_OUTPUT file of NAME=VALUE lines.
func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}
