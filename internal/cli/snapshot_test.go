package cli

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/ecs/ecstest"
	"github.com/schemagate/schemagate/internal/snapshot"
	"github.com/schemagate/schemagate/internal/snapshot/s3test"
	"github.com/schemagate/schemagate/internal/testutil"
	"github.com/schemagate/schemagate/rules"
)

// jsonReport is the part of check's JSON report the tests compare.
type jsonReport struct {
	Notes    []string        `json:"notes"`
	Findings []rules.Finding `json:"findings"`
}

func parseReport(t *testing.T, out string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	return r
}

// exportTree copies a scenario's new release into a directory with no
// .git, as a pipeline's source artifact is.
func exportTree(t *testing.T, scenario string) string {
	t.Helper()
	dir := t.TempDir()
	testutil.CopyTree(t, filepath.Join(repoRoot(t), "testdata", "check", scenario, "new"), dir)
	return dir
}

func revParse(t *testing.T, repo, rev string) string {
	t.Helper()
	return strings.TrimSpace(testutil.Git(t, repo, "rev-parse", rev))
}

// Every two-release scenario gives the same report when the previous
// release comes from a snapshot and the new one is a tree without .git
// (or a snapshot too) as when both come from git.
func TestScenariosThroughSnapshots(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "check", "*"))
	if err != nil || len(dirs) < 15 {
		t.Fatalf("want the check scenarios, found %d (%v)", len(dirs), err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	withFindings := 0
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			repo := scenarioRepo(t, name)
			commit := revParse(t, repo, "previous")
			snaps := t.TempDir()
			prevSnap := filepath.Join(snaps, "previous.json.gz")
			newSnap := filepath.Join(snaps, "new.json")
			for _, args := range [][]string{{"snapshot", "--rev", "previous", "-o", prevSnap}, {"snapshot", "--rev", "HEAD", "-o", newSnap}} {
				if code, _, stderr := run(t, repo, "", args...); code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, stderr)
				}
			}
			export := exportTree(t, name)
			empty := t.TempDir()

			head := revParse(t, repo, "HEAD")
			for _, format := range []string{"json", "text"} {
				for _, how := range []struct {
					dir  string
					args []string
					git  []string // the same check from git
				}{
					{export, []string{"--previous-snapshot", prevSnap}, []string{"--previous", commit}},
					{empty, []string{"--previous-snapshot", prevSnap, "--new-snapshot", newSnap}, []string{"--previous", commit, "--new", head}},
				} {
					wantCode, want, wantErr := run(t, repo, "", append([]string{"check", "--format", format, "--color", "never"}, how.git...)...)
					if wantCode == ExitError {
						t.Fatalf("check from git: exit 2: %s", wantErr)
					}
					args := append([]string{"check", "--format", format, "--color", "never"}, how.args...)
					code, got, stderr := run(t, how.dir, "", args...)
					if code != wantCode {
						t.Errorf("%v: exit %d, want %d as from git (stderr %s)", how.args, code, wantCode, stderr)
					}
					if format == "json" {
						w, g := parseReport(t, want), parseReport(t, got)
						if diff := cmp.Diff(w.Findings, g.Findings); diff != "" {
							t.Errorf("%v: findings (-git +snapshot):\n%s", how.args, diff)
						}
						if diff := cmp.Diff(w.Notes, g.Notes); diff != "" {
							t.Errorf("%v: notes (-git +snapshot):\n%s", how.args, diff)
						}
						if len(w.Findings) > 0 && how.dir == export {
							withFindings++
						}
					}
					if got != want {
						t.Errorf("%v: the %s report differs from git's:\n%s", how.args, format, cmp.Diff(want, got))
					}
				}
			}
		})
	}
	if withFindings < 10 {
		t.Errorf("only %d scenarios had findings: the comparison proves little", withFindings)
	}
}

func TestSnapshotCommand(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("CODEBUILD_RESOLVED_SOURCE_VERSION", "")
	repo := scenarioRepo(t, "rails-structure-drop")
	head := revParse(t, repo, "HEAD")
	out := t.TempDir()

	// The same revision gives the same bytes.
	var runs [][]byte
	for i := range 2 {
		p := filepath.Join(out, []string{"a.json.gz", "b.json.gz"}[i])
		code, _, stderr := run(t, repo, "", "snapshot", "--rev", "HEAD", "-o", p, "--no-cache")
		if code != 0 || !strings.Contains(stderr, "snapshot of "+head[:7]+": 2 rails migrations in db/migrate; 3 files stored for check") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, data)
	}
	if !bytes.Equal(runs[0], runs[1]) {
		t.Error("two snapshots of one revision differ")
	}

	// The working tree (the checkout of HEAD) gives the same document but
	// for the git tree id, and standard output is the default.
	code, stdout, stderr := run(t, repo, "", "snapshot")
	if code != 0 {
		t.Fatalf("working tree: exit %d: %s", code, stderr)
	}
	fromRev, err := snapshot.Decode(bytes.NewReader(runs[0]), "a.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	fromTree, err := snapshot.Decode(strings.NewReader(stdout), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	if fromRev.TreeID == "" || fromTree.TreeID != "" || fromTree.Revision != head {
		t.Errorf("tree ids %q and %q, working tree revision %q", fromRev.TreeID, fromTree.TreeID, fromTree.Revision)
	}
	fromTree.TreeID = fromRev.TreeID
	a, _ := fromRev.Marshal(false)
	b, _ := fromTree.Marshal(false)
	if !bytes.Equal(a, b) {
		t.Errorf("working tree snapshot differs from its commit's:\n%s", cmp.Diff(string(a), string(b)))
	}
	var files []string
	for _, f := range fromRev.Files {
		files = append(files, f.Path)
	}
	if diff := cmp.Diff([]string{"db/migrate/20240101000000_create_users.rb", "db/migrate/20240301000000_remove_karma_from_users.rb", "db/structure.sql"}, files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if fromRev.Catalog.Tables["public.users"] == nil {
		t.Error("the catalog of a Rails app comes from db/structure.sql")
	}

	export := exportTree(t, "rails-structure-drop")
	cases := []struct {
		name string
		dir  string
		env  string // CODEBUILD_RESOLVED_SOURCE_VERSION
		args []string
		code int
		want string // in stderr
	}{
		{"rev without git", export, "", []string{"snapshot", "--rev", "HEAD"}, ExitError, "snapshot --rev reads git: git revision HEAD ("},
		{"no name without git", export, "", []string{"snapshot", "-o", filepath.Join(out, "x.json")}, ExitError, "name the release with --revision"},
		{"CodeBuild's source version names it", export, strings.Repeat("ab12", 10), []string{"snapshot", "-o", filepath.Join(out, "cb.json")}, 0, "snapshot of ab12ab1:"},
		{"named release", export, "", []string{"snapshot", "--revision", "v1.4.2", "-o", filepath.Join(out, "v.json")}, 0, "snapshot of v1.4.2:"},
		{"bad revision name", export, "", []string{"snapshot", "--revision", "feature/x"}, ExitError, `revision "feature/x"`},
		{"bad upload URL", repo, "", []string{"snapshot", "--upload", "s3://snaps/shop"}, ExitError, "must end in /"},
		{"missing revision", repo, "", []string{"snapshot", "--rev", "v9.9.9"}, ExitError, `revision "v9.9.9" not found`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("CODEBUILD_RESOLVED_SOURCE_VERSION", c.env)
			code, _, stderr := run(t, c.dir, "", c.args...)
			if code != c.code || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, c.code, stderr, c.want)
			}
			if c.code == ExitError && strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("the error should be one line: %q", stderr)
			}
		})
	}
}

// s3Env starts the fake S3 and points the AWS chain at its fake identity.
func s3Env(t *testing.T) *s3test.Server {
	t.Helper()
	srv := s3test.New(t, "snaps")
	t.Setenv("AWS_ACCESS_KEY_ID", s3test.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.SecretAccessKey)
	t.Setenv("AWS_REGION", s3test.Region)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	return srv
}

func TestCheckFromS3(t *testing.T) {
	srv := s3Env(t)
	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	commit := revParse(t, repo, "previous")
	code, _, stderr := run(t, repo, "", "snapshot", "--rev", "previous", "--upload", "s3://snaps/shop/", "--endpoint-url", srv.URL)
	if code != 0 || !strings.Contains(stderr, "-> s3://snaps/shop/"+commit+".json.gz") {
		t.Fatalf("upload: exit %d: %s", code, stderr)
	}
	if _, ok := srv.Object("snaps", "shop/"+commit+".json.gz"); !ok {
		t.Fatalf("nothing at shop/%s.json.gz (keys %v)", commit, srv.Keys("snaps"))
	}
	_, want, _ := run(t, repo, "", "check", "--previous", commit, "--format", "json")
	wantFindings := parseReport(t, want).Findings
	if len(wantFindings) == 0 {
		t.Fatal("the scenario has no findings")
	}

	export := exportTree(t, "go-sqlc-unsafe-drop")
	s3 := []string{"--endpoint-url", srv.URL}
	cases := []struct {
		name  string
		args  []string
		code  int
		err   []string // in stderr
		notes []string // in the report's notes
	}{
		{"revision looked up under the prefix", []string{"--previous", commit, "--previous-snapshot-from", "s3://snaps/shop/"}, ExitFindings, nil, nil},
		{"object named", []string{"--previous-snapshot", "s3://snaps/shop/" + commit + ".json.gz"}, ExitFindings, nil, nil},
		{"no snapshot at the key", []string{"--previous", "deadbee", "--previous-snapshot-from", "s3://snaps/shop/"}, ExitError,
			[]string{"looked for the snapshot s3://snaps/shop/deadbee.json.gz: no such key", "fetch the history", "CODEBUILD_CLONE_REF", "schemagate snapshot --upload s3://BUCKET/PREFIX/", "--if-previous-missing lint"}, nil},
		{"no snapshot, lint only", []string{"--previous", "deadbee", "--previous-snapshot-from", "s3://snaps/shop/", "--if-previous-missing", "lint"}, ExitClean,
			[]string{"WARNING: NOT CHECKED"}, []string{"WARNING: NOT CHECKED against the releases that may still run: the snapshot s3://snaps/shop/deadbee.json.gz: no such key could not be read (--if-previous-missing lint)", "WARNING: only operational lint ran, over all 2 migration(s) of the working tree, since the pending ones cannot be told apart", "migrations: db/migrations (goose, 2, discovered)"}},
		{"no git, no snapshot", []string{"--previous", commit}, ExitError, []string{"looked for git revision " + commit + " (", "not a git repository", "--previous-snapshot-from"}, nil},
		{"bad prefix", []string{"--previous", commit, "--previous-snapshot-from", "s3://snaps/shop"}, ExitError, []string{"--previous-snapshot-from: s3://snaps/shop: a snapshot prefix must end in /"}, nil},
		{"bad if-previous-missing", []string{"--previous", commit, "--if-previous-missing", "guess"}, ExitError, []string{`--if-previous-missing "guess": want fail or lint`}, nil},
		{"snapshot and revisions", []string{"--previous", commit, "--previous-snapshot", "x.json"}, ExitError, []string{"--previous-snapshot names the releases itself"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append(append([]string{"check", "--format", "json"}, c.args...), s3...)
			code, out, stderr := run(t, export, "", args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, stderr)
			}
			for _, w := range c.err {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, s3test.SecretAccessKey) || strings.Contains(out, s3test.SecretAccessKey) {
				t.Error("the secret key was printed")
			}
			if code == ExitError {
				if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
					t.Errorf("the error should be one line: %q", stderr)
				}
				return
			}
			r := parseReport(t, out)
			if c.notes != nil {
				if diff := cmp.Diff(c.notes, r.Notes); diff != "" {
					t.Errorf("notes (-want +got):\n%s", diff)
				}
				return
			}
			if diff := cmp.Diff(wantFindings, r.Findings); diff != "" {
				t.Errorf("findings (-git +S3 snapshot):\n%s", diff)
			}
		})
	}
}

// Snapshots that cannot be trusted stop the check, even with
// --if-previous-missing lint: only a missing snapshot may be passed over.
func TestBadSnapshotsAreNeverTrusted(t *testing.T) {
	srv := s3Env(t)
	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	commit := revParse(t, repo, "previous")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json.gz")
	if code, _, stderr := run(t, repo, "", "snapshot", "--rev", "previous", "-o", good); code != 0 {
		t.Fatal(stderr)
	}
	gz, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Decode(bytes.NewReader(gz), "good")
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := s.Marshal(false)
	var doc map[string]any
	if err := json.Unmarshal(plain, &doc); err != nil {
		t.Fatal(err)
	}
	// Without its reference list the release would seem to use nothing,
	// and the drop it needs would pass.
	delete(doc["references"].(map[string]any), "refs")
	noRefs, _ := json.Marshal(doc)
	if err := json.Unmarshal(plain, &doc); err != nil {
		t.Fatal(err)
	}
	doc["format"], doc["min_format"], doc["schemagate_version"] = 2, 2, "v2.0.0"
	newer, _ := json.Marshal(doc)

	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	truncated := write("truncated.json.gz", gz[:len(gz)*2/3])
	other := write("newer.json", newer)
	withoutRefs := write("norefs.json", noRefs)
	srv.Put("snaps", "shop/c3c3c3c.json.gz", gz) // the snapshot of commit, under another revision's key

	export := exportTree(t, "go-sqlc-unsafe-drop")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"truncated gzip", []string{"--previous-snapshot", truncated}, truncated + ": not a usable snapshot: gzip: the data ends early (truncated)"},
		{"another format version", []string{"--previous-snapshot", other}, "snapshot format 2 (written by schemagate v2.0.0, readable from format 2) is newer than schemagate " + ToolVersion() + " reads (formats 1 to 1)"},
		{"no reference list", []string{"--previous-snapshot", withoutRefs}, withoutRefs + `: not a usable snapshot: the required section "references.refs" is missing`},
		{"revision differs from its key", []string{"--previous", "c3c3c3c", "--previous-snapshot-from", "s3://snaps/shop/"}, "s3://snaps/shop/c3c3c3c.json.gz: not a usable snapshot: it is the snapshot of revision " + commit + ", not of c3c3c3c"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"check", "--if-previous-missing", "lint", "--endpoint-url", srv.URL}, c.args...)
			code, out, stderr := run(t, export, "", args...)
			if code != ExitError || !strings.Contains(stderr, c.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, stderr, c.want)
			}
		})
	}
}

// A shallow clone that lacks the deployed revision is explained, not
// guessed.
func TestShallowCloneExplainsMissingHistory(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	commit := revParse(t, repo, "previous")
	shallow := filepath.Join(t.TempDir(), "shallow")
	testutil.Git(t, filepath.Dir(shallow), "clone", "-q", "--depth", "1", "file://"+repo, shallow)
	code, _, stderr := run(t, shallow, "", "check", "--previous", commit)
	for _, want := range []string{"looked for git revision " + commit, "shallow clone", "git fetch --unshallow", "CODEBUILD_CLONE_REF", "--previous-snapshot-from"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, stderr)
		}
	}
	if code != ExitError {
		t.Errorf("exit %d, want 2", code)
	}
}

// The --if-previous-missing lint escape hatch lets gate go on, loudly.
func TestGateExecIfPreviousMissingLint(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	export := exportTree(t, "go-sqlc-safe-drop")
	code, out, stderr := run(t, export, "", "gate", "exec", "--previous", "3f2c1ab", "--", "true")
	if code != ExitError || !strings.Contains(stderr, "could not be read") {
		t.Errorf("default: exit %d, stdout %s, stderr %s", code, out, stderr)
	}
	code, out, stderr = run(t, export, "", "gate", "exec", "--previous", "3f2c1ab", "--if-previous-missing", "lint", "--", "echo", "migrated")
	if code != 0 || !strings.Contains(out, "migrated") {
		t.Errorf("lint: exit %d, stdout %s, stderr %s", code, out, stderr)
	}
	if !strings.Contains(out, "WARNING: NOT CHECKED against the releases that may still run") || !strings.Contains(stderr, "WARNING: NOT CHECKED") {
		t.Errorf("the report and stderr must say the check did not run:\n%s\n%s", out, stderr)
	}
}

// threeReleases commits release A (reads users.legacy_score), B (no longer
// does) and C (drops the column), and returns the repository and the
// commits of A and B.
func threeReleases(t *testing.T) (repo, a, b string) {
	t.Helper()
	repo = t.TempDir()
	testutil.Git(t, repo, "init", "-q", "-b", "main")
	write := func(p, text string) {
		full := filepath.Join(repo, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commit := func(msg string) string {
		testutil.Git(t, repo, "add", "-A")
		testutil.Git(t, repo, "commit", "-q", "-m", msg)
		return revParse(t, repo, "HEAD")
	}
	write("db/migrations/001_create_users.sql", "CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL,\n  legacy_score integer\n);\n")
	write("db/query/users.sql", "-- name: GetUser :one\nSELECT id, email, legacy_score FROM users WHERE id = $1;\n")
	a = commit("A reads legacy_score")
	write("db/query/users.sql", "-- name: GetUser :one\nSELECT id, email FROM users WHERE id = $1;\n")
	b = commit("B stops reading it")
	write("db/migrations/002_drop_legacy_score.sql", "SET lock_timeout = '5s';\nALTER TABLE users DROP COLUMN legacy_score;\n")
	commit("C drops it")
	return repo, a, b
}

// ecsAndS3 serves ECS (and CloudWatch Logs) and S3 on one endpoint, as
// LocalStack does: --endpoint-url is one URL for every service.
func ecsAndS3(t *testing.T) (*ecstest.Server, *s3test.Server) {
	t.Helper()
	ecsSrv := ecsServer(t)
	s3Srv := s3test.New(t, "snaps")
	u, err := url.Parse(ecsSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	s3Srv.Fallback = httputil.NewSingleHostReverseProxy(u)
	return ecsSrv, s3Srv
}

func webTaskDef(srv *ecstest.Server, tag string) ecstest.TaskDefinition {
	return srv.AddTaskDefinition(ecstest.TaskDefinition{Family: "shop-web", ContainerDefinitions: []ecstest.ContainerDefinition{
		{Name: "web", Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:" + tag},
	}})
}

// A blue/green (CODE_DEPLOY) service runs the new task set and keeps the
// old one through the termination wait: the gate fetches both releases'
// snapshots and fails a migration that only the older one cannot
// survive, naming it. A rolling service with two deployments is the
// same; a release with no revision tag is a clear error.
func TestPreviousFromServiceChecksEveryRelease(t *testing.T) {
	repo, a, b := threeReleases(t)
	shortA, shortB := a[:7], b[:7]
	ecsSrv, s3Srv := ecsAndS3(t)
	for _, r := range []struct{ commit, tag string }{{a, shortA}, {b, shortB}} {
		code, _, stderr := run(t, repo, "", "snapshot", "--rev", r.commit, "--revision", r.tag, "--upload", "s3://snaps/shop/", "--endpoint-url", s3Srv.URL, "--region", ecstest.Region)
		if code != 0 {
			t.Fatalf("snapshot of %s: %s", r.tag, stderr)
		}
	}
	tdA, tdB, tdLatest := webTaskDef(ecsSrv, shortA), webTaskDef(ecsSrv, shortB), webTaskDef(ecsSrv, "latest")
	codeDeploy := &ecstest.DeploymentController{Type: "CODE_DEPLOY"}
	ecsSrv.AddService("shop", ecstest.Service{ServiceName: "web-bluegreen", DeploymentController: codeDeploy, TaskSets: []ecstest.TaskSet{
		{ID: "ecs-svc/green", Status: "PRIMARY", TaskDefinition: tdB.TaskDefinitionArn},
		{ID: "ecs-svc/blue", Status: "ACTIVE", TaskDefinition: tdA.TaskDefinitionArn},
	}})
	ecsSrv.AddService("shop", ecstest.Service{ServiceName: "web-settled", DeploymentController: codeDeploy, TaskSets: []ecstest.TaskSet{
		{ID: "ecs-svc/green", Status: "PRIMARY", TaskDefinition: tdB.TaskDefinitionArn},
	}})
	ecsSrv.AddService("shop", ecstest.Service{ServiceName: "web-rolling", Deployments: []ecstest.Deployment{
		{ID: "ecs-svc/2", Status: "PRIMARY", TaskDefinition: tdB.TaskDefinitionArn, RolloutState: "IN_PROGRESS"},
		{ID: "ecs-svc/1", Status: "ACTIVE", TaskDefinition: tdA.TaskDefinitionArn, RolloutState: "COMPLETED"},
	}})
	ecsSrv.AddService("shop", ecstest.Service{ServiceName: "web-untagged", Deployments: []ecstest.Deployment{
		{ID: "ecs-svc/3", Status: "PRIMARY", TaskDefinition: tdLatest.TaskDefinitionArn},
	}})
	ecsSrv.AddService("shop", ecstest.Service{ServiceName: "web-unsnapshotted", Deployments: []ecstest.Deployment{
		{ID: "ecs-svc/4", Status: "PRIMARY", TaskDefinition: webTaskDef(ecsSrv, "e5e5e5e").TaskDefinitionArn},
	}})

	// The migrate stage: the build stage's artifact, no .git.
	export := t.TempDir()
	tarball := filepath.Join(t.TempDir(), "src.tar")
	testutil.Git(t, repo, "archive", "-o", tarball, "HEAD")
	untar(t, tarball, export)

	aws := []string{"--cluster", "shop", "--previous-snapshot-from", "s3://snaps/shop/", "--region", ecstest.Region, "--endpoint-url", s3Srv.URL}
	gate := func(service string, extra ...string) []string {
		args := []string{"gate", "ecs", "--task-definition", "shop-migrate", "--subnets", "subnet-1", "--security-groups", "sg-1",
			"--container", "app", "--command", "bin/migrate", "--poll-interval", "1ms", "--format", "json", "--previous-from-service", service}
		return append(append(args, aws...), extra...)
	}

	t.Run("blue/green: the older task set's release fails the gate", func(t *testing.T) {
		gets := len(s3Srv.Requests("GetObject"))
		code, out, stderr := run(t, export, "", gate("web-bluegreen")...)
		if code != ExitFindings {
			t.Fatalf("exit %d, want 1; stderr %s", code, stderr)
		}
		if n := ecsSrv.Count("RunTask"); n != 0 {
			t.Errorf("RunTask called %d times", n)
		}
		var keys []string
		for _, r := range s3Srv.Requests("GetObject")[gets:] {
			keys = append(keys, r.Key)
		}
		slices.Sort(keys)
		wantKeys := []string{"shop/" + shortA + ".json.gz", "shop/" + shortB + ".json.gz"}
		slices.Sort(wantKeys)
		if diff := cmp.Diff(wantKeys, keys); diff != "" {
			t.Errorf("snapshots fetched (-want +got):\n%s", diff)
		}
		for _, want := range []string{"service web-bluegreen runs " + shortB + " (taskSet PRIMARY", "service web-bluegreen runs " + shortA + " (taskSet ACTIVE"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		r := parseReport(t, out)
		var broken []string
		for _, f := range r.Findings {
			if f.Rule == "drop-column" {
				broken = append(broken, f.Release)
				for _, e := range f.Evidence {
					if e.Release != shortA || e.File != "db/query/users.sql" || e.Line != 2 {
						t.Errorf("evidence %+v, want release %s db/query/users.sql:2", e, shortA)
					}
				}
			}
		}
		if diff := cmp.Diff([]string{shortA}, broken); diff != "" {
			t.Errorf("releases named by drop-column (-want +got):\n%s\n%s", diff, out)
		}
		if !slices.Contains(r.Notes, "1 pending migration(s) checked against the running release "+shortB+", "+shortA) {
			t.Errorf("notes %q", r.Notes)
		}
	})

	t.Run("only the new release runs: the migration runs", func(t *testing.T) {
		ecsSrv.QueueTask(ecstest.TaskScript{})
		code, _, stderr := run(t, export, "", gate("web-settled")...)
		if code != ExitClean {
			t.Fatalf("exit %d, want 0; stderr %s", code, stderr)
		}
		reqs := ecsSrv.Requests("RunTask")
		if len(reqs) != 1 {
			t.Fatalf("RunTask called %d times", len(reqs))
		}
		tags, _ := json.Marshal(reqs[0].Body["tags"])
		if !strings.Contains(string(tags), `{"key":"schemagate:previous","value":"`+shortB+`"}`) {
			t.Errorf("tags %s", tags)
		}
	})

	t.Run("rolling deployment, with check", func(t *testing.T) {
		args := append([]string{"check", "--format", "json", "--previous-from-service", "web-rolling"}, aws...)
		code, out, stderr := run(t, export, "", args...)
		if code != ExitFindings {
			t.Fatalf("exit %d, want 1; stderr %s", code, stderr)
		}
		found := false
		for _, f := range parseReport(t, out).Findings {
			if f.Rule == "drop-column" && f.Release == shortA {
				found = true
			}
		}
		if !found {
			t.Errorf("no drop-column finding naming %s:\n%s", shortA, out)
		}
	})

	t.Run("no revision tag", func(t *testing.T) {
		code, _, stderr := run(t, export, "", gate("web-untagged")...)
		if code != ExitError || !strings.Contains(stderr, "finding the deployed release of service web-untagged") || !strings.Contains(stderr, "is tagged latest, which names no revision") {
			t.Errorf("exit %d, stderr %s", code, stderr)
		}
	})

	t.Run("no snapshot for the running release", func(t *testing.T) {
		code, _, stderr := run(t, export, "", gate("web-unsnapshotted")...)
		if code != ExitError || !strings.Contains(stderr, "looked for the snapshot s3://snaps/shop/e5e5e5e.json.gz: no such key") {
			t.Errorf("exit %d, stderr %s", code, stderr)
		}
	})

	t.Run("--previous and --previous-from-service exclude each other", func(t *testing.T) {
		code, _, stderr := run(t, export, "", gate("web-settled", "--previous", shortB)...)
		if code != ExitError || !strings.Contains(stderr, "exclude each other") {
			t.Errorf("exit %d, stderr %s", code, stderr)
		}
	})

	for _, r := range ecsSrv.Requests("") {
		if r.AccessKeyID != ecstest.AccessKeyID {
			t.Errorf("%s signed with %q", r.Operation, r.AccessKeyID)
		}
	}
}

// untar extracts a git archive, as a pipeline unpacks its source artifact.
func untar(t *testing.T, tarball, dir string) {
	t.Helper()
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
