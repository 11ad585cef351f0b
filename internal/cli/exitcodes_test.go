package cli

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/ecs/ecstest"
	"github.com/schemagate/schemagate/internal/snapshot/s3test"
)

// closedURL is an http:// address nothing listens on: a connection to it
// is refused at once.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// findingsText is what a run that found something prints, in any format:
// a run that could not run must print none of it.
var findingsText = []string{"no findings", "finding", "error[", "warning[", "hint["}

// TestExitCodeContract runs every command with each kind of failure (a
// bad flag, a bad path, a bad config, a database, ECS or S3 that cannot be
// reached or fails) and asserts exit code 2, one line on standard error,
// and on standard output nothing (text) or only the JSON error document.
func TestExitCodeContract(t *testing.T) {
	ecsSrv := ecsServer(t)
	s3Srv := s3test.New(t, "snaps")
	t.Setenv("AWS_REGION", ecstest.Region)
	t.Setenv("AWS_MAX_ATTEMPTS", "2") // a refused connection is retried once, not for seconds
	webTD := webTaskDef(ecsSrv, "abc1234")
	ecsSrv.AddService("shop", ecstest.Service{ServiceName: "web", Deployments: []ecstest.Deployment{
		{ID: "ecs-svc/1", Status: "PRIMARY", TaskDefinition: webTD.TaskDefinitionArn},
	}})
	down := closedURL(t)
	deadDB := "postgres://app:Dead-Db-Secret@127.0.0.1:1/app?connect_timeout=5"
	repo := scenarioRepo(t, "go-sqlc-safe-drop")
	badConfig := t.TempDir()
	if err := os.WriteFile(filepath.Join(badConfig, "schemagate.yaml"), []byte("migrations: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gateECS := func(endpoint string, extra ...string) []string {
		return append([]string{"gate", "ecs", "--cluster", "shop", "--task-definition", "shop-migrate",
			"--subnets", "subnet-1", "--security-groups", "sg-1", "--command", "bin/rails db:migrate",
			"--previous", "previous", "--region", ecstest.Region, "--endpoint-url", endpoint, "--poll-interval", "1ms"}, extra...)
	}
	cases := []struct {
		name  string
		dir   string
		args  []string
		fault func() // arms the endpoint before the run
		want  string // in the one line on standard error
	}{
		{name: "lint: a path that does not exist", args: []string{"lint", "/nonexistent"}, want: "/nonexistent"},
		{name: "lint: bad --format", dir: repo, args: []string{"lint", "--format", "xml"}, want: "--format"},
		{name: "lint: bad --fail-on", dir: repo, args: []string{"lint", "--fail-on", "sometimes"}, want: "--fail-on"},
		{name: "lint: bad config", dir: badConfig, args: []string{"lint"}, want: "schemagate.yaml"},
		{name: "lint: --changed-from a revision that does not exist", dir: repo, args: []string{"lint", "--changed-from", "no-such-rev"}, want: "no-such-rev"},
		{name: "rules: unknown category", args: []string{"rules", "--category", "nope"}, want: "--category"},
		{name: "explain: unknown rule", args: []string{"explain", "no-such-rule"}, want: "no-such-rule"},
		{name: "check: a previous release that does not exist", dir: repo, args: []string{"check", "--previous", "no-such-rev"}, want: "no-such-rev"},
		{name: "check: bad --fail-on is refused before the database is read", dir: repo, args: []string{"check", "--previous", "previous", "--fail-on", "sometimes", "--pending-from", deadDB}, want: "--fail-on"},
		{name: "check: --pending-from unreachable", dir: repo, args: []string{"check", "--previous", "previous", "--pending-from", deadDB}, want: "127.0.0.1:1"},
		{name: "check: --runtime-references unreachable", dir: repo, args: []string{"check", "--previous", "previous", "--runtime-references", deadDB}, want: "127.0.0.1:1"},
		{name: "check: S3 unreachable", dir: repo, args: []string{"check", "--previous-snapshot", "s3://snaps/shop/abc.json.gz", "--endpoint-url", down}, want: "snaps"},
		{name: "check: S3 fails", dir: repo, args: []string{"check", "--previous-snapshot", "s3://snaps/shop/abc.json.gz", "--endpoint-url", s3Srv.URL},
			fault: func() {
				s3Srv.FailNext("GetObject", 2, s3test.Fault{Status: 500, Code: "InternalError", Message: "We encountered an internal error."})
			}, want: "InternalError"},
		{name: "check: ECS unreachable reading the service", dir: repo, args: []string{"check", "--previous-from-service", "web", "--cluster", "shop", "--previous-snapshot-from", "s3://snaps/shop/", "--endpoint-url", down}, want: "web"},
		{name: "check: ECS fails describing the service's task definition", dir: repo, args: []string{"check", "--previous-from-service", "web", "--cluster", "shop", "--previous-snapshot-from", "s3://snaps/shop/", "--endpoint-url", ecsSrv.URL},
			fault: func() {
				ecsSrv.FailNext("DescribeTaskDefinition", 2, ecstest.Fault{Type: "ServerException", Message: "internal", Status: 500})
			}, want: "ServerException"},
		{name: "gate ecs: bad --fail-on is refused before anything runs", dir: repo, args: gateECS(ecsSrv.URL, "--fail-on", "sometimes"), want: "--fail-on"},
		{name: "gate ecs: ECS unreachable", dir: repo, args: gateECS(down), want: "task definition"},
		{name: "gate ecs: ECS fails describing the task definition", dir: repo, args: gateECS(ecsSrv.URL),
			fault: func() {
				ecsSrv.FailNext("DescribeTaskDefinition", 2, ecstest.Fault{Type: "ServerException", Message: "internal", Status: 500})
			}, want: "ServerException"},
		{name: "gate ecs: ECS fails at RunTask", dir: repo, args: gateECS(ecsSrv.URL),
			fault: func() {
				ecsSrv.FailNext("RunTask", 2, ecstest.Fault{Type: "ServerException", Message: "internal", Status: 500})
			}, want: "RunTask"},
		{name: "gate ecs: ECS reading the service unreachable", dir: repo, args: []string{"gate", "ecs", "--cluster", "shop", "--task-definition", "shop-migrate",
			"--subnets", "subnet-1", "--security-groups", "sg-1", "--previous-from-service", "web", "--previous-snapshot-from", "s3://snaps/shop/", "--endpoint-url", down}, want: "web"},
		{name: "gate ecs: --pending-from unreachable", dir: repo, args: gateECS(ecsSrv.URL, "--pending-from", deadDB), want: "127.0.0.1:1"},
		{name: "gate exec: --pending-from unreachable", dir: repo, args: []string{"gate", "exec", "--previous", "previous", "--pending-from", deadDB, "--", "true"}, want: "127.0.0.1:1"},
		{name: "gate exec: bad --if-unchecked", dir: repo, args: []string{"gate", "exec", "--previous", "previous", "--if-unchecked", "maybe", "--", "true"}, want: "--if-unchecked"},
		{name: "snapshot: S3 unreachable", dir: repo, args: []string{"snapshot", "--upload", "s3://snaps/shop/", "--endpoint-url", down}, want: "snaps"},
		{name: "snapshot: bad --upload is refused before the snapshot is taken", dir: repo, args: []string{"snapshot", "--upload", "https://snaps/shop/"}, want: "--upload"},
		{name: "snapshot: a revision that does not exist", dir: repo, args: []string{"snapshot", "--rev", "no-such-rev", "-o", filepath.Join(t.TempDir(), "s.json")}, want: "no-such-rev"},
		{name: "verify: database unreachable", dir: repo, args: []string{"verify", "--previous", "previous", "--database-url", deadDB}, want: "127.0.0.1:1"},
		{name: "verify: bad --fail-on", dir: repo, args: []string{"verify", "--previous", "previous", "--fail-on", "sometimes", "--database-url", deadDB}, want: "--fail-on"},
		{name: "refs: a revision that does not exist", dir: repo, args: []string{"refs", "--rev", "no-such-rev"}, want: "no-such-rev"},
		{name: "refs: pg_stat_statements unreachable", dir: repo, args: []string{"refs", "--from-pg-stat-statements", deadDB}, want: "127.0.0.1:1"},
	}
	for _, c := range cases {
		for _, format := range []string{"text", "json"} {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				args := c.args
				if format == "json" && slices.Contains(args, "--format") {
					t.Skip("the case sets --format")
				}
				if takesFormat(args) {
					at := 1
					if args[0] == "gate" {
						at = 2
					}
					args = append(append(append([]string{}, args[:at]...), "--format", format), args[at:]...)
				} else if format == "json" {
					t.Skip("no --format")
				}
				if c.fault != nil {
					c.fault()
				}
				runs := ecsSrv.Count("RunTask")
				code, out, stderr := run(t, c.dir, "", args...)
				if code != ExitError {
					t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, stderr)
				}
				if n := ecsSrv.Count("RunTask") - runs; n > 0 && !strings.Contains(c.name, "RunTask") {
					t.Errorf("RunTask was called %d times", n)
				}
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				if last := lines[len(lines)-1]; !strings.Contains(last, c.want) {
					t.Errorf("stderr's last line does not name %q:\n%s", c.want, stderr)
				}
				if strings.Contains(out+stderr, "Dead-Db-Secret") {
					t.Errorf("a password was printed")
				}
				if format == "text" || !takesFormat(args) {
					if out != "" {
						t.Errorf("stdout of a run that exits 2: %q, want nothing", out)
					}
					return
				}
				var doc struct {
					Status   string            `json:"status"`
					Error    string            `json:"error"`
					Findings []json.RawMessage `json:"findings"`
				}
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatalf("stdout is not the JSON error document: %v\n%s", err, out)
				}
				if doc.Status != "error" || doc.Error == "" || len(doc.Findings) != 0 {
					t.Errorf("JSON of a run that exits 2: %s", out)
				}
			})
		}
	}
}

// takesFormat reports whether the command has a --format flag.
func takesFormat(args []string) bool {
	switch args[0] {
	case "lint", "check", "gate", "verify", "refs":
		return true
	}
	return false
}

// A text run that exits 2 prints nothing a reader could take for a result.
func TestNoFindingsTextBesideExit2(t *testing.T) {
	code, out, _ := run(t, "", "", "lint", "/nonexistent")
	for _, s := range findingsText {
		if strings.Contains(out, s) {
			t.Errorf("exit %d, stdout %q contains %q", code, out, s)
		}
	}
}

// --help says --container defaults to the essential container: --command
// without it overrides that container's command.
func TestGateECSCommandWithoutContainer(t *testing.T) {
	srv := ecsServer(t)
	srv.QueueTask(ecstest.TaskScript{})
	repo := scenarioRepo(t, "go-sqlc-safe-drop")
	args := []string{"gate", "ecs", "--cluster", "shop", "--task-definition", "shop-migrate",
		"--subnets", "subnet-1", "--security-groups", "sg-1", "--command", "bin/rails db:migrate",
		"--previous", "previous", "--region", ecstest.Region, "--endpoint-url", srv.URL, "--poll-interval", "1ms"}
	code, out, stderr := run(t, repo, "", args...)
	if code != ExitClean {
		t.Fatalf("exit %d, want 0\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	reqs := srv.Requests("RunTask")
	if len(reqs) != 1 {
		t.Fatalf("RunTask called %d times", len(reqs))
	}
	got := reqs[0].Body["overrides"]
	want := map[string]any{"containerOverrides": []any{map[string]any{"name": "app", "command": []any{"bin/rails", "db:migrate"}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("overrides (-want +got):\n%s", diff)
	}
	if !strings.Contains(out, "no findings") {
		t.Errorf("the passing check's report is not on stdout after the verdict:\n%s", out)
	}
}

// explain suggests only rules whose names are close, and none when none is.
func TestExplainSuggestsOnlyCloseNames(t *testing.T) {
	cases := []struct {
		arg  string
		want string // in the error; "" for no suggestion
	}{
		{"drop-colum", "did you mean drop-column"},
		{"no-such-rule", ""},
		{"xyz", ""},
	}
	for _, c := range cases {
		code, out, stderr := run(t, "", "", "explain", c.arg)
		if code != ExitError || out != "" {
			t.Errorf("explain %s: exit %d, stdout %q", c.arg, code, out)
		}
		if c.want == "" && strings.Contains(stderr, "did you mean") {
			t.Errorf("explain %s suggests an unrelated rule: %s", c.arg, stderr)
		}
		if c.want != "" && !strings.Contains(stderr, c.want) {
			t.Errorf("explain %s: %s, want %q", c.arg, stderr, c.want)
		}
	}
}
