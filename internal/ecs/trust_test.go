package ecs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/ecs"
	"github.com/schemagate/schemagate/internal/ecs/ecstest"
)

// The gate believes only answers about the task it started: an answer about
// another task, or one listing the deciding container twice, ends the wait
// without a verdict (exit 2) however good it looks, and says what became of
// the task.
func TestRunRefusesUntrustworthyAnswers(t *testing.T) {
	const arn = "arn:aws:ecs:us-east-1:123456789012:task/shop/00000000000000000000000a11ce0001"
	const other = "arn:aws:ecs:us-east-1:123456789012:task/shop/0000000000000000000000000bad0001"
	tests := []struct {
		name         string
		script       ecstest.TaskScript
		stopOnCancel bool
		wantLine     string
	}{
		{
			name:     "another task's ARN, stopped with exit code 0",
			script:   ecstest.TaskScript{ForeignARN: other, FaultAfterPolls: 2},
			wantLine: "migration task " + arn + ` gave no verdict: DescribeTasks answered about task "` + other + `", not the task started (the task was RUNNING); the task was left running`,
		},
		{
			name:         "another task's ARN, with stop on cancel",
			script:       ecstest.TaskScript{ForeignARN: other, FaultAfterPolls: 2},
			stopOnCancel: true,
			wantLine:     "migration task " + arn + ` gave no verdict: DescribeTasks answered about task "` + other + `", not the task started (the task was RUNNING); StopTask was sent`,
		},
		{
			name: "migration container listed twice: exit 1, then exit 0",
			script: ecstest.TaskScript{
				Duplicates:      map[string]ecstest.ContainerOutcome{"app": {ExitCode: 1, Reason: "migration failed"}},
				FaultAfterPolls: 2,
			},
			wantLine: "migration task " + arn + " gave no verdict: DescribeTasks listed container app twice, so its exit code is not known (the task was RUNNING); the task was left running",
		},
		{
			name: "a container listed twice while the task runs",
			script: ecstest.TaskScript{
				Statuses:   []string{"PROVISIONING", "RUNNING", "RUNNING", "STOPPED"},
				Duplicates: map[string]ecstest.ContainerOutcome{"datadog-agent": {}},
			},
			wantLine: "migration task " + arn + " gave no verdict: DescribeTasks listed container datadog-agent twice, so its exit code is not known (the task was PROVISIONING); the task was left running",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, r, _ := shopServer(t, tt.script)
			spec := baseSpec()
			spec.StopOnCancel = tt.stopOnCancel
			res, err := r.Run(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			if res.OK() || !res.Refused || res.ExitStatus() != 2 {
				t.Errorf("OK() %v, Refused %v, ExitStatus() %d; want false, true, 2", res.OK(), res.Refused, res.ExitStatus())
			}
			if got := res.Line(); got != tt.wantLine {
				t.Errorf("Line() =\n  %q\nwant\n  %q", got, tt.wantLine)
			}
			var stops []map[string]any
			for _, s := range srv.Requests("StopTask") {
				stops = append(stops, s.Body)
			}
			var want []map[string]any
			if tt.stopOnCancel {
				want = []map[string]any{{"cluster": "shop", "task": arn, "reason": "schemagate: migration gate refused an answer about the task"}}
			}
			if diff := cmp.Diff(want, stops); diff != "" {
				t.Errorf("StopTask requests (-want +got):\n%s", diff)
			}
		})
	}
}

// An endpoint that stops answering ends the wait without a verdict; the
// line says the task was left running, or that StopTask was sent.
func TestRunLostEndpointSaysWhatBecameOfTheTask(t *testing.T) {
	const arn = "arn:aws:ecs:us-east-1:123456789012:task/shop/00000000000000000000000a11ce0001"
	srv := ecstest.New(t)
	srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
	srv.QueueTask(ecstest.TaskScript{Statuses: []string{"PROVISIONING", "RUNNING"}})
	go func() {
		<-srv.WaitFor("DescribeTasks", 2)
		srv.FailNext("DescribeTasks", 100, ecstest.Fault{Type: "ServerException", Message: "Service unavailable", Status: 500})
	}()
	r, _ := newRunner(t, srv)
	spec := baseSpec()
	spec.StopOnCancel = true
	res, err := r.Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	want := "migration task " + arn + " gave no verdict: lost track of the task while it was RUNNING: DescribeTasks: ServerException: Service unavailable; StopTask was sent"
	if got := res.Line(); got != want || res.ExitStatus() != 2 || !res.StopRequested {
		t.Errorf("Line() = %q (exit %d, StopRequested %v)\nwant     %q (exit 2, true)", got, res.ExitStatus(), res.StopRequested, want)
	}
}

// Container log lines and the endpoint's reasons reach the terminal with
// their control characters escaped.
func TestRunEscapesControlCharacters(t *testing.T) {
	_, r, out := shopServer(t, ecstest.TaskScript{
		StoppedReason: "Essential container in task exited\x1b[8m",
		Containers:    map[string]ecstest.ContainerOutcome{"app": {ExitCode: 1, Reason: "bad\x07"}},
		Logs: []ecstest.LogEvent{
			{Message: "\x1b[2J\x1b[31mred\x1b[0m\ttab", AfterPolls: 2},
			{Message: "\x1b]0;owned\x07title back\x08space cr\rhere", AfterPolls: 2},
			{Message: "c1 \u009b31m nul \x00 del \x7f ok é", AfterPolls: 2},
		},
	})
	res, err := r.Run(context.Background(), baseSpec())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines(out.String()) {
		if strings.HasPrefix(l, "app | ") || strings.Contains(l, "STOPPED") {
			got = append(got, l[strings.Index(l, " ")+1:])
		}
	}
	want := []string{
		`| \x1b[2J\x1b[31mred\x1b[0m` + "\ttab",
		`| \x1b]0;owned\x07title back\x08space cr\x0dhere`,
		`| c1 \u009b31m nul \x00 del \x7f ok é`,
		`task 00000000000000000000000a11ce0001: STOPPED (EssentialContainerExited: Essential container in task exited\x1b[8m; container app exit code 1 (bad\x07); container datadog-agent exit code 0)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("printed lines (-want +got):\n%s", diff)
	}
	if line := res.Line(); !strings.HasSuffix(line, `container app exited with code 1: bad\x07`) {
		t.Errorf("Line() = %q: the reason's control character is not escaped", line)
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, tab\tand é ü ✓", "plain text, tab\tand é ü ✓"},
		{"\x1b[31mred", `\x1b[31mred`},
		{"a\rb\nc", `a\x0db\x0ac`},
		{"\x00\x1f\x7f", `\x00\x1f\x7f`},
		{"\u0085\u009b\u00a0", `\u0085\u009b` + "\u00a0"},
		{"\x9b1m \xc3", `\x9b1m \xc3`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ecs.Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
