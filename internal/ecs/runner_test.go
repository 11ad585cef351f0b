package ecs_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/ecs"
	"github.com/schemagate/schemagate/internal/ecs/ecstest"
)

const dbPassword = "pg-Pa55w0rd!shop-prod"

func ptr[T any](v T) *T { return &v }

// shopTaskDef is a Rails app's task definition as teams write it: the app
// container logs to CloudWatch and carries secrets in its environment, a
// non-essential agent rides along.
func shopTaskDef(group string) ecstest.TaskDefinition {
	return ecstest.TaskDefinition{
		Family:      "shop-migrate",
		NetworkMode: "awsvpc",
		ContainerDefinitions: []ecstest.ContainerDefinition{
			{
				Name:      "app",
				Image:     "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:3f2c1ab",
				Essential: ptr(true),
				Command:   []string{"bundle", "exec", "puma"},
				Environment: []ecstest.KeyValue{
					{Name: "RAILS_ENV", Value: "production"},
					{Name: "DATABASE_PASSWORD", Value: dbPassword},
					{Name: "GIT_SHA", Value: "3f2c1ab9d0e4"},
				},
				LogConfiguration: &ecstest.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
					"awslogs-group":         group,
					"awslogs-region":        "us-east-1",
					"awslogs-stream-prefix": "migrate",
				}},
			},
			{Name: "datadog-agent", Image: "public.ecr.aws/datadog/agent:7", Essential: ptr(false)},
		},
	}
}

// stepClock starts at 10:00 in UTC+2 and moves one second per reading, so
// every printed timestamp is known and must come out in UTC.
func stepClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := t
		t = t.Add(time.Second)
		return now
	}
}

func newRunner(t *testing.T, srv *ecstest.Server) (*ecs.Runner, *bytes.Buffer) {
	t.Helper()
	e, l, err := ecs.NewClients(context.Background(), "", srv.URL, srv.LoadOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	out := &bytes.Buffer{}
	return &ecs.Runner{
		ECS:  e,
		Logs: l,
		Out:  out,
		Now:  stepClock(),
		Poll: ecs.PollConfig{Initial: time.Millisecond, Max: 4 * time.Millisecond},
	}, out
}

// shopServer is an endpoint with the shop's task definition and log group
// whose next task follows script, and a runner pointed at it.
func shopServer(t *testing.T, script ecstest.TaskScript) (*ecstest.Server, *ecs.Runner, *bytes.Buffer) {
	t.Helper()
	srv := ecstest.New(t)
	srv.CreateLogGroup("/ecs/shop")
	srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
	srv.QueueTask(script)
	r, out := newRunner(t, srv)
	return srv, r, out
}

func baseSpec() ecs.TaskSpec {
	return ecs.TaskSpec{
		Cluster:        "shop",
		TaskDefinition: "shop-migrate",
		Subnets:        []string{"subnet-0a1", "subnet-0b2"},
		SecurityGroups: []string{"sg-0c3"},
		LaunchType:     "FARGATE",
		Command:        []string{"bin/rails", "db:migrate"},
		Env:            map[string]string{"SKIP_POST_DEPLOYMENT_MIGRATIONS": "true"},
		StartedBy:      "schemagate/3f2c1ab",
		Tags:           map[string]string{"schemagate:revision": "3f2c1ab"},
		Timeout:        10 * time.Second,
	}
}

func lines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

func TestRunSuccessStreamsLogsInOrder(t *testing.T) {
	srv := ecstest.New(t)
	srv.CreateLogGroup("/ecs/shop")
	td := srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
	srv.QueueTask(ecstest.TaskScript{
		Statuses: []string{"PROVISIONING", "PENDING", "RUNNING", "RUNNING", "RUNNING", "STOPPED"},
		Logs: []ecstest.LogEvent{
			{Message: "== 20240501093000 AddNotesToOrders: migrating =====", AfterPolls: 2},
			{Message: "-- add_column(:orders, :notes, :text)\n", AfterPolls: 3},
			{Message: "   -> 0.0031s", AfterPolls: 3},
			{Message: "== 20240501093000 AddNotesToOrders: migrated (0.0032s) ====", AfterPolls: 5},
		},
	})
	r, out := newRunner(t, srv)

	res, err := r.Run(context.Background(), baseSpec())
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:ecs:us-east-1:123456789012:task/shop/00000000000000000000000a11ce0001"
	want := ecs.Result{
		TaskARN:        arn,
		TaskDefinition: td.TaskDefinitionArn,
		Container:      "app",
		LastStatus:     "STOPPED",
		ExitCode:       ptr(int32(0)),
		StopCode:       "EssentialContainerExited",
		StoppedReason:  "Essential container in task exited",
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if !res.OK() || res.ExitStatus() != 0 {
		t.Errorf("OK() = %v, ExitStatus() = %d; want true, 0", res.OK(), res.ExitStatus())
	}
	if got, want := res.Line(), "migration task "+arn+" succeeded: container app exited with code 0"; got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
	id := "00000000000000000000000a11ce0001"
	wantOut := []string{
		`2024-05-01T08:00:00Z starting migration task: cluster shop, task definition shop-migrate:1, container app, command ["bin/rails" "db:migrate"], environment overrides SKIP_POST_DEPLOYMENT_MIGRATIONS`,
		"2024-05-01T08:00:01Z started task " + arn,
		"2024-05-01T08:00:02Z task " + id + ": PROVISIONING",
		"2024-05-01T08:00:03Z task " + id + ": PENDING",
		"2024-05-01T08:00:04Z task " + id + ": RUNNING",
		"app | == 20240501093000 AddNotesToOrders: migrating =====",
		"app | -- add_column(:orders, :notes, :text)",
		"app |    -> 0.0031s",
		"app | == 20240501093000 AddNotesToOrders: migrated (0.0032s) ====",
		"2024-05-01T08:00:05Z task " + id + ": STOPPED (EssentialContainerExited: Essential container in task exited; container app exit code 0; container datadog-agent exit code 0)",
	}
	if diff := cmp.Diff(wantOut, lines(out.String())); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	// The stream read is the one the awslogs driver writes: prefix/container/taskID.
	for _, req := range srv.Requests("GetLogEvents") {
		if got := req.Body["logStreamName"]; got != "migrate/app/"+id {
			t.Errorf("GetLogEvents stream = %v, want migrate/app/%s", got, id)
		}
		if got := req.Body["logGroupName"]; got != "/ecs/shop" {
			t.Errorf("GetLogEvents group = %v, want /ecs/shop", got)
		}
	}
}

func TestRunTaskRequest(t *testing.T) {
	const tdARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-migrate:1"
	tests := []struct {
		name   string
		mutate func(*ecs.TaskSpec)
		want   map[string]any
	}{
		{
			name:   "fargate with public IP, command and environment overrides",
			mutate: func(s *ecs.TaskSpec) { s.AssignPublicIP = true },
			want: map[string]any{
				"cluster":        "shop",
				"taskDefinition": tdARN,
				"count":          float64(1),
				"launchType":     "FARGATE",
				"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{
					"subnets":        []any{"subnet-0a1", "subnet-0b2"},
					"securityGroups": []any{"sg-0c3"},
					"assignPublicIp": "ENABLED",
				}},
				"overrides": map[string]any{"containerOverrides": []any{map[string]any{
					"name":        "app",
					"command":     []any{"bin/rails", "db:migrate"},
					"environment": []any{map[string]any{"name": "SKIP_POST_DEPLOYMENT_MIGRATIONS", "value": "true"}},
				}}},
				"startedBy": "schemagate/3f2c1ab",
				"tags":      []any{map[string]any{"key": "schemagate:revision", "value": "3f2c1ab"}},
			},
		},
		{
			name: "capacity provider, private subnets, named container, no overrides",
			mutate: func(s *ecs.TaskSpec) {
				s.Cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/shop"
				s.LaunchType = ""
				s.CapacityProvider = "FARGATE_SPOT"
				s.Container = "app"
				s.Command = nil
				s.Env = nil
				s.Tags = map[string]string{"schemagate:revision": "3f2c1ab", "schemagate:previous": "9e8d7c6"}
			},
			want: map[string]any{
				"cluster":                  "arn:aws:ecs:us-east-1:123456789012:cluster/shop",
				"taskDefinition":           tdARN,
				"count":                    float64(1),
				"capacityProviderStrategy": []any{map[string]any{"capacityProvider": "FARGATE_SPOT", "weight": float64(1)}},
				"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{
					"subnets":        []any{"subnet-0a1", "subnet-0b2"},
					"securityGroups": []any{"sg-0c3"},
					"assignPublicIp": "DISABLED",
				}},
				"startedBy": "schemagate/3f2c1ab",
				"tags": []any{
					map[string]any{"key": "schemagate:previous", "value": "9e8d7c6"},
					map[string]any{"key": "schemagate:revision", "value": "3f2c1ab"},
				},
			},
		},
		{
			name: "several environment overrides in name order",
			mutate: func(s *ecs.TaskSpec) {
				s.Env = map[string]string{"SKIP_POST_DEPLOYMENT_MIGRATIONS": "true", "DISABLE_DATABASE_ENVIRONMENT_CHECK": "1"}
				s.Command = nil
				s.StartedBy = ""
				s.Tags = nil
			},
			want: map[string]any{
				"cluster":        "shop",
				"taskDefinition": tdARN,
				"count":          float64(1),
				"launchType":     "FARGATE",
				"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{
					"subnets":        []any{"subnet-0a1", "subnet-0b2"},
					"securityGroups": []any{"sg-0c3"},
					"assignPublicIp": "DISABLED",
				}},
				"overrides": map[string]any{"containerOverrides": []any{map[string]any{
					"name": "app",
					"environment": []any{
						map[string]any{"name": "DISABLE_DATABASE_ENVIRONMENT_CHECK", "value": "1"},
						map[string]any{"name": "SKIP_POST_DEPLOYMENT_MIGRATIONS", "value": "true"},
					},
				}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ecstest.New(t)
			srv.CreateLogGroup("/ecs/shop")
			srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
			r, _ := newRunner(t, srv)
			spec := baseSpec()
			tt.mutate(&spec)
			res, err := r.Run(context.Background(), spec)
			if err != nil || !res.OK() {
				t.Fatalf("Run: %v, %s", err, res.Line())
			}
			reqs := srv.Requests("RunTask")
			if len(reqs) != 1 {
				t.Fatalf("%d RunTask requests, want 1", len(reqs))
			}
			body := reqs[0].Body
			if tok, _ := body["clientToken"].(string); tok == "" {
				t.Errorf("RunTask has no clientToken: retries could start a second task")
			}
			if diff := cmp.Diff(tt.want, body, cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k == "clientToken" })); diff != "" {
				t.Errorf("RunTask body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunFailures(t *testing.T) {
	const tdARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-migrate:1"
	const arn = "arn:aws:ecs:us-east-1:123456789012:task/shop/00000000000000000000000a11ce0001"
	pullErr := "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:3f2c1ab: not found"
	initErr := "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: AccessDeniedException"
	tests := []struct {
		name     string
		script   ecstest.TaskScript
		want     ecs.Result
		wantLine string
	}{
		{
			name:   "RunTask failure: missing task definition",
			script: ecstest.TaskScript{Failures: []ecstest.Failure{{Arn: tdARN, Reason: "MISSING"}}},
			want: ecs.Result{TaskDefinition: tdARN, Container: "app",
				Reason: "RunTask failed: MISSING (" + tdARN + ")"},
			wantLine: "migration task for task definition " + tdARN + " could not start: RunTask failed: MISSING (" + tdARN + ")",
		},
		{
			name: "RunTask failure: no capacity",
			script: ecstest.TaskScript{Failures: []ecstest.Failure{{
				Arn: "arn:aws:ecs:us-east-1:123456789012:container-instance/shop/9f1e", Reason: "RESOURCE:MEMORY"}}},
			want: ecs.Result{TaskDefinition: tdARN, Container: "app",
				Reason: "RunTask failed: RESOURCE:MEMORY (arn:aws:ecs:us-east-1:123456789012:container-instance/shop/9f1e)"},
			wantLine: "migration task for task definition " + tdARN + " could not start: RunTask failed: RESOURCE:MEMORY (arn:aws:ecs:us-east-1:123456789012:container-instance/shop/9f1e)",
		},
		{
			name: "image pull failure",
			script: ecstest.TaskScript{
				Statuses:      []string{"PROVISIONING", "PENDING", "STOPPED"},
				StopCode:      "TaskFailedToStart",
				StoppedReason: pullErr,
				Containers: map[string]ecstest.ContainerOutcome{
					"app":           {NoExitCode: true, Reason: pullErr},
					"datadog-agent": {NoExitCode: true},
				},
			},
			want: ecs.Result{TaskARN: arn, TaskDefinition: tdARN, Container: "app", LastStatus: "STOPPED",
				StopCode: "TaskFailedToStart", StoppedReason: pullErr, Reason: "TaskFailedToStart: " + pullErr},
			wantLine: "migration task " + arn + " failed: TaskFailedToStart: " + pullErr,
		},
		{
			name: "resource initialization failure",
			script: ecstest.TaskScript{
				Statuses:      []string{"PROVISIONING", "STOPPED"},
				StopCode:      "TaskFailedToStart",
				StoppedReason: initErr,
				Containers: map[string]ecstest.ContainerOutcome{
					"app":           {NoExitCode: true},
					"datadog-agent": {NoExitCode: true},
				},
			},
			want: ecs.Result{TaskARN: arn, TaskDefinition: tdARN, Container: "app", LastStatus: "STOPPED",
				StopCode: "TaskFailedToStart", StoppedReason: initErr, Reason: "TaskFailedToStart: " + initErr},
			wantLine: "migration task " + arn + " failed: TaskFailedToStart: " + initErr,
		},
		{
			name: "out of memory",
			script: ecstest.TaskScript{
				Containers: map[string]ecstest.ContainerOutcome{
					"app": {ExitCode: 137, Reason: "OutOfMemoryError: Container killed due to memory usage"}},
			},
			want: ecs.Result{TaskARN: arn, TaskDefinition: tdARN, Container: "app", LastStatus: "STOPPED", ExitCode: ptr(int32(137)),
				StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited",
				Reason: "container app exited with code 137: OutOfMemoryError: Container killed due to memory usage"},
			wantLine: "migration task " + arn + " failed: container app exited with code 137: OutOfMemoryError: Container killed due to memory usage",
		},
		{
			name: "migration exits non-zero",
			script: ecstest.TaskScript{
				Containers: map[string]ecstest.ContainerOutcome{"app": {ExitCode: 1}},
				Logs: []ecstest.LogEvent{
					{Message: "rails aborted!", AfterPolls: 2},
					{Message: "PG::LockNotAvailable: ERROR:  canceling statement due to lock timeout", AfterPolls: 2},
				},
			},
			want: ecs.Result{TaskARN: arn, TaskDefinition: tdARN, Container: "app", LastStatus: "STOPPED", ExitCode: ptr(int32(1)),
				StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited",
				Reason: "container app exited with code 1"},
			wantLine: "migration task " + arn + " failed: container app exited with code 1",
		},
		{
			name: "stopped from outside although the container exited 0",
			script: ecstest.TaskScript{
				StopCode: "UserInitiated", StoppedReason: "Task stopped by user",
			},
			want: ecs.Result{TaskARN: arn, TaskDefinition: tdARN, Container: "app", LastStatus: "STOPPED", ExitCode: ptr(int32(0)),
				StopCode: "UserInitiated", StoppedReason: "Task stopped by user",
				Reason: "the task was stopped from outside (UserInitiated: Task stopped by user), so the migration may not have finished"},
			wantLine: "migration task " + arn + " failed: the task was stopped from outside (UserInitiated: Task stopped by user), so the migration may not have finished",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r, _ := shopServer(t, tt.script)
			res, err := r.Run(context.Background(), baseSpec())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if got := res.Line(); got != tt.wantLine {
				t.Errorf("Line() =\n  %q\nwant\n  %q", got, tt.wantLine)
			}
			if res.OK() || res.ExitStatus() != 1 {
				t.Errorf("OK() = %v, ExitStatus() = %d; want false, 1", res.OK(), res.ExitStatus())
			}
		})
	}
}

func TestRunEssentialSidecarFails(t *testing.T) {
	srv := ecstest.New(t)
	td := shopTaskDef("/ecs/shop")
	td.ContainerDefinitions[1] = ecstest.ContainerDefinition{Name: "envoy", Image: "envoyproxy/envoy:v1.30", Essential: ptr(true)}
	srv.CreateLogGroup("/ecs/shop")
	srv.AddTaskDefinition(td)
	srv.QueueTask(ecstest.TaskScript{Containers: map[string]ecstest.ContainerOutcome{"envoy": {ExitCode: 1}}})
	r, _ := newRunner(t, srv)

	spec := baseSpec()
	spec.Container = ""
	if _, err := r.Run(context.Background(), spec); err == nil || err.Error() != "task definition shop-migrate:1 has 2 essential containers (app, envoy): name the one that runs the migration" {
		t.Errorf("Run without a container name = %v, want the two-essential-containers error", err)
	}
	if n := srv.Count("RunTask"); n != 0 {
		t.Errorf("RunTask called %d times before the container was known", n)
	}

	spec.Container = "app"
	res, err := r.Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if want := "essential container envoy exited with code 1"; res.Reason != want || res.OK() {
		t.Errorf("Reason = %q, OK = %v; want %q, false", res.Reason, res.OK(), want)
	}
}

func TestRunTimeoutAndCancel(t *testing.T) {
	const arn = "arn:aws:ecs:us-east-1:123456789012:task/shop/00000000000000000000000a11ce0001"
	tests := []struct {
		name         string
		cancel       bool
		stopOnCancel bool
		wantReason   string
		wantStatus   int
		wantLine     string
	}{
		{
			name:       "timeout leaves the task running",
			wantReason: "no end seen within 150ms: the task was RUNNING; the task was left running",
			wantStatus: 2,
			wantLine:   "migration task " + arn + " timed out: no end seen within 150ms: the task was RUNNING; the task was left running",
		},
		{
			name:         "timeout with stop on cancel",
			stopOnCancel: true,
			wantReason:   "no end seen within 150ms: the task was RUNNING; StopTask was sent",
			wantStatus:   2,
			wantLine:     "migration task " + arn + " timed out: no end seen within 150ms: the task was RUNNING; StopTask was sent",
		},
		{
			name:       "cancel leaves the task running",
			cancel:     true,
			wantReason: "interrupted when the task was RUNNING; the migration's end was not seen; the task was left running",
			wantStatus: 1,
			wantLine:   "migration task " + arn + " canceled: interrupted when the task was RUNNING; the migration's end was not seen; the task was left running",
		},
		{
			name:         "cancel with stop on cancel",
			cancel:       true,
			stopOnCancel: true,
			wantReason:   "interrupted when the task was RUNNING; the migration's end was not seen; StopTask was sent",
			wantStatus:   1,
			wantLine:     "migration task " + arn + " canceled: interrupted when the task was RUNNING; the migration's end was not seen; StopTask was sent",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ecstest.New(t)
			srv.CreateLogGroup("/ecs/shop")
			srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
			srv.QueueTask(ecstest.TaskScript{
				Statuses: []string{"PROVISIONING", "PENDING", "RUNNING"}, // never stops
				Logs:     []ecstest.LogEvent{{Message: "== AddIndexToOrders: migrating", AfterPolls: 2}},
			})
			r, out := newRunner(t, srv)
			spec := baseSpec()
			spec.StopOnCancel = tt.stopOnCancel
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				spec.Timeout = 0
				go func() {
					<-srv.WaitFor("DescribeTasks", 4)
					cancel() // what SIGINT does in the gate command
				}()
			} else {
				spec.Timeout = 150 * time.Millisecond
			}
			res, err := r.Run(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if res.TaskARN != arn || res.LastStatus != "RUNNING" || res.ExitCode != nil {
				t.Errorf("TaskARN %q, LastStatus %q, ExitCode %v; want %s, RUNNING, nil", res.TaskARN, res.LastStatus, res.ExitCode, arn)
			}
			if res.Reason != tt.wantReason {
				t.Errorf("Reason = %q, want %q", res.Reason, tt.wantReason)
			}
			if res.TimedOut == tt.cancel || res.Canceled != tt.cancel || res.StopRequested != tt.stopOnCancel {
				t.Errorf("TimedOut %v, Canceled %v, StopRequested %v", res.TimedOut, res.Canceled, res.StopRequested)
			}
			if res.OK() || res.ExitStatus() != tt.wantStatus {
				t.Errorf("OK() = %v, ExitStatus() = %d; want false, %d", res.OK(), res.ExitStatus(), tt.wantStatus)
			}
			if got := res.Line(); got != tt.wantLine {
				t.Errorf("Line() = %q, want %q", got, tt.wantLine)
			}
			stops := srv.Requests("StopTask")
			if !tt.stopOnCancel {
				if len(stops) != 0 {
					t.Errorf("StopTask sent %d times without StopOnCancel", len(stops))
				}
			} else {
				reason := "schemagate: migration gate timed out"
				if tt.cancel {
					reason = "schemagate: migration gate canceled"
				}
				var bodies []map[string]any
				for _, s := range stops {
					bodies = append(bodies, s.Body)
				}
				want := []map[string]any{{"cluster": "shop", "task": arn, "reason": reason}}
				if diff := cmp.Diff(want, bodies); diff != "" {
					t.Errorf("StopTask requests (-want +got):\n%s", diff)
				}
			}
			if !strings.Contains(out.String(), "app | == AddIndexToOrders: migrating\n") {
				t.Errorf("the log line written before the interruption is missing:\n%s", out)
			}
		})
	}
}

func TestRunRetriesThrottling(t *testing.T) {
	srv := ecstest.New(t)
	srv.CreateLogGroup("/ecs/shop")
	srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
	srv.QueueTask(ecstest.TaskScript{Logs: []ecstest.LogEvent{{Message: "migrated", AfterPolls: 2}}})
	srv.FailNext("DescribeTaskDefinition", 1, ecstest.Throttling)
	srv.FailNext("RunTask", 2, ecstest.Throttling)
	srv.FailNext("DescribeTasks", 3, ecstest.Throttling)
	srv.FailNext("GetLogEvents", 2, ecstest.Throttling)
	r, out := newRunner(t, srv)

	res, err := r.Run(context.Background(), baseSpec())
	if err != nil || !res.OK() {
		t.Fatalf("Run = %v, %s", err, res.Line())
	}
	runs := srv.Requests("RunTask")
	if len(runs) != 3 {
		t.Fatalf("RunTask sent %d times, want 3 (2 throttled + 1)", len(runs))
	}
	for _, r := range runs[1:] {
		if r.Body["clientToken"] != runs[0].Body["clientToken"] {
			t.Errorf("retried RunTask changed clientToken: %v then %v", runs[0].Body["clientToken"], r.Body["clientToken"])
		}
	}
	if strings.Contains(out.String(), "warning") || !strings.Contains(out.String(), "app | migrated\n") {
		t.Errorf("throttling should be retried silently and the logs still read:\n%s", out)
	}
}

func TestRunAPIErrorsAfterRetries(t *testing.T) {
	t.Run("RunTask keeps being throttled", func(t *testing.T) {
		srv := ecstest.New(t)
		srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
		srv.FailNext("RunTask", 10, ecstest.Throttling)
		r, _ := newRunner(t, srv)
		res, err := r.Run(context.Background(), baseSpec())
		if want := "RunTask for shop-migrate:1: ThrottlingException: Rate exceeded"; err == nil || err.Error() != want {
			t.Errorf("error = %v, want %q", err, want)
		}
		if res.OK() || srv.Count("RunTask") != 4 {
			t.Errorf("OK() = %v after %d RunTask calls; want false after 4 (the retryer's max attempts)", res.OK(), srv.Count("RunTask"))
		}
	})
	t.Run("task definition does not exist", func(t *testing.T) {
		srv := ecstest.New(t)
		r, _ := newRunner(t, srv)
		_, err := r.Run(context.Background(), baseSpec())
		if want := "describing task definition shop-migrate: ClientException: Unable to describe task definition."; err == nil || err.Error() != want {
			t.Errorf("error = %v, want %q", err, want)
		}
	})
	t.Run("DescribeTasks keeps failing", func(t *testing.T) {
		srv := ecstest.New(t)
		srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
		srv.FailNext("DescribeTasks", 100, ecstest.Fault{Type: "ServerException", Message: "Service unavailable", Status: 500})
		r, out := newRunner(t, srv)
		res, err := r.Run(context.Background(), baseSpec())
		arn := "arn:aws:ecs:us-east-1:123456789012:task/shop/00000000000000000000000a11ce0001"
		if err != nil {
			t.Errorf("error = %v; a started task's end is told by the Result", err)
		}
		if want := "migration task " + arn + " gave no verdict: lost track of the task while it was PROVISIONING: DescribeTasks: ServerException: Service unavailable; the task was left running"; res.Line() != want {
			t.Errorf("Line() = %q, want %q", res.Line(), want)
		}
		if !res.Lost || res.OK() || res.ExitStatus() != 2 {
			t.Errorf("Lost %v, OK() %v, ExitStatus() %d; want true, false, 2 (the endpoint is unreachable)", res.Lost, res.OK(), res.ExitStatus())
		}
		if n := srv.Count("DescribeTasks"); n != 12 {
			t.Errorf("DescribeTasks sent %d times, want 12 (3 polls x 4 attempts)", n)
		}
		if n := strings.Count(out.String(), "warning: DescribeTasks"); n != 2 {
			t.Errorf("%d DescribeTasks warnings, want 2:\n%s", n, out)
		}
	})
}

func TestRunLogGroupMissing(t *testing.T) {
	srv := ecstest.New(t)
	srv.AddTaskDefinition(shopTaskDef("/ecs/shop-typo")) // no such group
	srv.QueueTask(ecstest.TaskScript{
		Statuses: []string{"PROVISIONING", "PENDING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "STOPPED"},
		Logs:     []ecstest.LogEvent{{Message: "lost", AfterPolls: 2}},
	})
	r, out := newRunner(t, srv)
	res, err := r.Run(context.Background(), baseSpec())
	if err != nil || !res.OK() {
		t.Fatalf("Run = %v, %s; the verdict must not depend on the logs", err, res.Line())
	}
	var warnings []string
	for _, l := range lines(out.String()) {
		if strings.HasPrefix(l, "warning:") {
			warnings = append(warnings, l)
		}
	}
	want := []string{"warning: log group /ecs/shop-typo does not exist in us-east-1: the output of container app is not streamed; waiting for the verdict"}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if g, f := srv.Count("GetLogEvents"), srv.Count("FilterLogEvents"); g != 1 || f != 1 {
		t.Errorf("GetLogEvents %d, FilterLogEvents %d calls; want 1 and 1 (give up after the first miss)", g, f)
	}
}

func TestRunLogStreamAppearsLate(t *testing.T) {
	srv := ecstest.New(t)
	srv.CreateLogGroup("/ecs/shop")
	srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
	srv.QueueTask(ecstest.TaskScript{
		Statuses:    []string{"PROVISIONING", "PENDING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "STOPPED"},
		LateStreams: true,
		Logs: []ecstest.LogEvent{
			{Message: "== CreateRefunds: migrating", AfterPolls: 4},
			{Message: "== CreateRefunds: migrated", AfterPolls: 6},
		},
	})
	r, out := newRunner(t, srv)
	res, err := r.Run(context.Background(), baseSpec())
	if err != nil || !res.OK() {
		t.Fatalf("Run = %v, %s", err, res.Line())
	}
	var got []string
	for _, l := range lines(out.String()) {
		if strings.HasPrefix(l, "app | ") || strings.HasPrefix(l, "warning") {
			got = append(got, l)
		}
	}
	want := []string{"app | == CreateRefunds: migrating", "app | == CreateRefunds: migrated"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log lines (-want +got):\n%s", diff)
	}
	if f := srv.Count("FilterLogEvents"); f != 1 {
		t.Errorf("FilterLogEvents called %d times, want 1 (one check that the group exists)", f)
	}
}

func TestRunNoAwslogs(t *testing.T) {
	srv := ecstest.New(t)
	td := shopTaskDef("")
	td.ContainerDefinitions[0].LogConfiguration = &ecstest.LogConfiguration{LogDriver: "awsfirelens"}
	srv.AddTaskDefinition(td)
	r, out := newRunner(t, srv)
	res, err := r.Run(context.Background(), baseSpec())
	if err != nil || !res.OK() {
		t.Fatalf("Run = %v, %s", err, res.Line())
	}
	if !strings.Contains(out.String(), "note: container app logs with the awsfirelens driver, not awslogs: its output is not streamed\n") {
		t.Errorf("missing note about the log driver:\n%s", out)
	}
	if n := srv.Count("GetLogEvents"); n != 0 {
		t.Errorf("GetLogEvents called %d times for a container without awslogs", n)
	}
}

func TestRunSpecErrors(t *testing.T) {
	srv := ecstest.New(t)
	srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
	r, _ := newRunner(t, srv)
	tests := []struct {
		mutate func(*ecs.TaskSpec)
		want   string
	}{
		{func(s *ecs.TaskSpec) { s.CapacityProvider = "FARGATE_SPOT" }, "launch type FARGATE and capacity provider FARGATE_SPOT exclude each other: give one"},
		{func(s *ecs.TaskSpec) { s.LaunchType = "fargate" }, "unknown launch type \"fargate\" (want one of [EC2 FARGATE EXTERNAL MANAGED_INSTANCES])"},
		{func(s *ecs.TaskSpec) { s.Subnets = nil }, "security groups and a public IP need subnets (awsvpc network configuration)"},
		{func(s *ecs.TaskSpec) { s.TaskDefinition = "" }, "no task definition given"},
		{func(s *ecs.TaskSpec) { s.Container = "web" }, `task definition shop-migrate:1 has no container "web" (it has: app, datadog-agent)`},
	}
	for _, tt := range tests {
		spec := baseSpec()
		tt.mutate(&spec)
		_, err := r.Run(context.Background(), spec)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Run = %v, want %q", err, tt.want)
		}
	}
	if n := srv.Count("RunTask"); n != 0 {
		t.Errorf("RunTask sent %d times for invalid specs", n)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	const overrideSecret = "tok_live_9c1f0d6e5b4a"
	srv := ecstest.New(t)
	srv.CreateLogGroup("/ecs/shop")
	td := srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
	srv.AddService("shop", ecstest.Service{ServiceName: "web", Deployments: []ecstest.Deployment{
		{ID: "ecs-svc/1", Status: "PRIMARY", TaskDefinition: td.TaskDefinitionArn}}})
	srv.QueueTask(ecstest.TaskScript{
		Containers: map[string]ecstest.ContainerOutcome{"app": {ExitCode: 1}},
		Logs:       []ecstest.LogEvent{{Message: "connecting to db", AfterPolls: 2}},
	})
	r, out := newRunner(t, srv)
	spec := baseSpec()
	spec.Env["MIGRATION_API_TOKEN"] = overrideSecret
	res, err := r.Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	_, relErr := r.DeployedReleases(context.Background(), "shop", "web", "env:DATABASE_PASSWORD")
	if relErr == nil {
		t.Fatal("a password is not a revision")
	}
	shown := out.String() + "\n" + res.Line() + "\n" + fmt.Sprint(relErr)
	// The secret did reach AWS (the override is real) ...
	if !strings.Contains(fmt.Sprint(srv.Requests("RunTask")[0].Body), overrideSecret) {
		t.Fatalf("the environment override was not sent")
	}
	// ... but nothing shown contains it, the task definition's password or the credentials.
	for _, secret := range []string{dbPassword, overrideSecret, ecstest.SecretAccessKey} {
		if strings.Contains(shown, secret) {
			t.Errorf("output contains the secret %q:\n%s", secret, shown)
		}
	}
	if !strings.Contains(out.String(), "environment overrides MIGRATION_API_TOKEN, SKIP_POST_DEPLOYMENT_MIGRATIONS") {
		t.Errorf("override names should be listed:\n%s", out)
	}
}

func TestRunTaskVanishes(t *testing.T) {
	srv := ecstest.New(t)
	srv.AddTaskDefinition(shopTaskDef(""))
	srv.QueueTask(ecstest.TaskScript{Statuses: []string{"PROVISIONING", "PENDING", "RUNNING"}})
	r, out := newRunner(t, srv)
	go func() {
		<-srv.WaitFor("DescribeTasks", 3)
		srv.ExpireTasks()
	}()
	res, err := r.Run(context.Background(), baseSpec())
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:ecs:us-east-1:123456789012:task/shop/00000000000000000000000a11ce0001"
	want := "migration task " + arn + " failed: the task vanished while it was RUNNING (DescribeTasks: MISSING (" + arn + ")); its end was not seen"
	if res.Line() != want || res.OK() || res.ExitStatus() != 1 {
		t.Errorf("Line() = %q (OK %v, status %d), want %q", res.Line(), res.OK(), res.ExitStatus(), want)
	}
	if strings.Contains(out.String(), "never written") {
		t.Errorf("no log warning expected for a task without awslogs:\n%s", out)
	}
}
