package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/ecs/ecstest"
	"github.com/schemagate/schemagate/internal/testutil"
)

func scenarioRepo(t *testing.T, name string) string {
	t.Helper()
	return testutil.CommitScenario(t, filepath.Join(repoRoot(t), "testdata", "check", name))
}

func ecsServer(t *testing.T) *ecstest.Server {
	t.Helper()
	srv := ecstest.New(t)
	srv.CreateLogGroup("/ecs/shop")
	yes := true
	srv.AddTaskDefinition(ecstest.TaskDefinition{
		Family: "shop-migrate", NetworkMode: "awsvpc",
		ContainerDefinitions: []ecstest.ContainerDefinition{{
			Name: "app", Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:3f2c1ab", Essential: &yes,
			Environment: []ecstest.KeyValue{{Name: "DATABASE_PASSWORD", Value: "hunter2-secret"}},
			LogConfiguration: &ecstest.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
				"awslogs-group": "/ecs/shop", "awslogs-region": ecstest.Region, "awslogs-stream-prefix": "migrate",
			}},
		}},
	})
	t.Setenv("AWS_ACCESS_KEY_ID", ecstest.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", ecstest.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	return srv
}

func gateArgs(srv *ecstest.Server, extra ...string) []string {
	return append([]string{"gate", "ecs", "--cluster", "shop", "--task-definition", "shop-migrate",
		"--subnets", "subnet-1,subnet-2", "--security-groups", "sg-1",
		"--container", "app", "--command", "bin/rails db:migrate",
		"--previous", "previous", "--region", ecstest.Region, "--endpoint-url", srv.URL, "--poll-interval", "1ms"}, extra...)
}

func TestGateECSCheckFailsSoRunTaskIsNeverCalled(t *testing.T) {
	srv := ecsServer(t)
	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	code, out, stderr := run(t, repo, "", gateArgs(srv)...)
	if code != ExitFindings {
		t.Errorf("exit %d, want 1; stderr %s", code, stderr)
	}
	if !strings.Contains(out, "drop-column") || !strings.Contains(stderr, "the migration was not started") {
		t.Errorf("report:\n%s\nstderr: %s", out, stderr)
	}
	if n := srv.Count("RunTask"); n != 0 {
		t.Errorf("RunTask called %d times", n)
	}
}

func TestGateECSRunsTheMigrationWhenTheCheckPasses(t *testing.T) {
	srv := ecsServer(t)
	srv.QueueTask(ecstest.TaskScript{Logs: []ecstest.LogEvent{{Message: "== 2 DropLegacyScore: migrated", AfterPolls: 1}}})
	repo := scenarioRepo(t, "go-sqlc-safe-drop")
	code, _, stderr := run(t, repo, "", gateArgs(srv, "--assign-public-ip")...)
	if code != ExitClean {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"app | == 2 DropLegacyScore: migrated", "RUNNING", "succeeded: container app exited with code 0"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "hunter2-secret") || strings.Contains(stderr, ecstest.SecretAccessKey) {
		t.Errorf("a secret was printed:\n%s", stderr)
	}
	reqs := srv.Requests("RunTask")
	if len(reqs) != 1 {
		t.Fatalf("RunTask called %d times", len(reqs))
	}
	body := reqs[0].Body
	delete(body, "clientToken")
	delete(body, "taskDefinition")
	want := map[string]any{
		"cluster":    "shop",
		"count":      float64(1),
		"launchType": "FARGATE",
		"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{
			"subnets": []any{"subnet-1", "subnet-2"}, "securityGroups": []any{"sg-1"}, "assignPublicIp": "ENABLED",
		}},
		"overrides": map[string]any{"containerOverrides": []any{map[string]any{
			"name": "app", "command": []any{"bin/rails", "db:migrate"},
		}}},
		"startedBy": "schemagate",
		"tags": []any{
			map[string]any{"key": "schemagate:phase", "value": "pre-deploy"},
			map[string]any{"key": "schemagate:previous", "value": "previous"},
		},
	}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("RunTask request (-want +got):\n%s", diff)
	}
}

func TestGateECSFailedMigrationFailsThePipeline(t *testing.T) {
	srv := ecsServer(t)
	srv.QueueTask(ecstest.TaskScript{Containers: map[string]ecstest.ContainerOutcome{"app": {ExitCode: 1}}})
	repo := scenarioRepo(t, "go-sqlc-safe-drop")
	code, _, stderr := run(t, repo, "", gateArgs(srv)...)
	if code != ExitFindings {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "arn:aws:ecs:") || !strings.Contains(stderr, "exit") {
		t.Errorf("stderr lacks the task ARN and reason:\n%s", stderr)
	}
}

func TestGateExec(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	marker := filepath.Join(t.TempDir(), "ran")
	script := "echo migrating; touch " + marker + "; exit 3"

	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	code, _, _ := run(t, repo, "", "gate", "exec", "--previous", "previous", "--", "sh", "-c", script)
	if code != ExitFindings {
		t.Errorf("unsafe: exit %d, want 1", code)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("the migration command ran although the check failed")
	}

	repo = scenarioRepo(t, "go-sqlc-safe-drop")
	code, out, stderr := run(t, repo, "", "gate", "exec", "--previous", "previous", "--", "sh", "-c", script)
	if code != 3 {
		t.Errorf("safe: exit %d, want the command's 3 (stderr %s)", code, stderr)
	}
	if !strings.Contains(out, "migrating") {
		t.Errorf("the command's output was not streamed:\n%s", out)
	}
	code, _, _ = run(t, repo, "", "gate", "exec", "--previous", "previous", "--", "true")
	if code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
}

// Every signal that ends a CI job (SIGINT, SIGTERM, SIGHUP when the
// runner's session goes away, SIGQUIT) ends the gate the same way: one
// line naming the task and its last state, and the task stopped only with
// --stop-on-cancel. The gate runs as a process of its own and gets a real
// signal.
func TestGateECSSignals(t *testing.T) {
	const arn = "arn:aws:ecs:us-east-1:123456789012:task/shop/00000000000000000000000a11ce0001"
	repo := scenarioRepo(t, "go-sqlc-safe-drop")
	tests := []struct {
		sig          syscall.Signal
		cause        string
		stopOnCancel bool
	}{
		{syscall.SIGINT, "interrupt signal received", false},
		{syscall.SIGTERM, "terminated signal received", true},
		{syscall.SIGHUP, "hangup signal received", false},
		{syscall.SIGHUP, "hangup signal received", true},
		{syscall.SIGQUIT, "quit signal received", false},
		{syscall.SIGQUIT, "quit signal received", true},
	}
	for _, tt := range tests {
		name := tt.sig.String()
		if tt.stopOnCancel {
			name += " with --stop-on-cancel"
		}
		t.Run(name, func(t *testing.T) {
			srv := ecsServer(t)
			srv.QueueTask(ecstest.TaskScript{
				Statuses: []string{"PROVISIONING", "PENDING", "RUNNING"}, // never stops
				Logs:     []ecstest.LogEvent{{Message: "== 2 DropLegacyScore: migrating", AfterPolls: 2}},
			})
			args := gateArgs(srv)
			if tt.stopOnCancel {
				args = append(args, "--stop-on-cancel")
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Dir = repo
			cmd.Env = append(os.Environ(), envRunMain+"=1")
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-srv.WaitFor("DescribeTasks", 4):
			case <-time.After(2 * time.Minute):
				_ = cmd.Process.Kill()
				t.Fatalf("the task was never polled; stderr:\n%s", errOut.String())
			}
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != ExitFindings {
				t.Errorf("exit %v, want 1; stderr:\n%s", err, errOut.String())
			}
			stderrLines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			want := "schemagate: migration task " + arn + " canceled: interrupted (" + tt.cause + ") when the task was RUNNING; the migration's end was not seen; the task was left running"
			if tt.stopOnCancel {
				want = strings.TrimSuffix(want, "the task was left running") + "StopTask was sent"
			}
			if got := stderrLines[len(stderrLines)-1]; got != want {
				t.Errorf("last line of stderr:\n  %q\nwant\n  %q\nstderr:\n%s", got, want, errOut.String())
			}
			if n := srv.Count("StopTask"); (n == 1) != tt.stopOnCancel {
				t.Errorf("StopTask sent %d times (--stop-on-cancel %v)", n, tt.stopOnCancel)
			}
		})
	}
}

// An answer about another task is no verdict: exit 2 and one line that says
// the task was left running, however well the other task did.
func TestGateECSRefusesAnswerAboutAnotherTask(t *testing.T) {
	const arn = "arn:aws:ecs:us-east-1:123456789012:task/shop/00000000000000000000000a11ce0001"
	const other = "arn:aws:ecs:us-east-1:123456789012:task/shop/ffffffffffffffffffffffffffffffff"
	srv := ecsServer(t)
	srv.QueueTask(ecstest.TaskScript{ForeignARN: other})
	repo := scenarioRepo(t, "go-sqlc-safe-drop")
	code, _, stderr := run(t, repo, "", gateArgs(srv)...)
	if code != ExitError {
		t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	want := "schemagate: migration task " + arn + ` gave no verdict: DescribeTasks answered about task "` + other + `", not the task started (the task was PROVISIONING); the task was left running`
	if got := lines[len(lines)-1]; got != want {
		t.Errorf("last line:\n  %q\nwant\n  %q", got, want)
	}
}
