package ecstest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/ecs/ecstest"
)

// startLoggingTask starts a task whose container has written three lines by
// the time DescribeTasks has looked at it twice.
func startLoggingTask(t *testing.T, srv *ecstest.Server, e *ecs.Client) (taskID string) {
	t.Helper()
	srv.CreateLogGroup("/ecs/jobs")
	srv.AddTaskDefinition(ecstest.TaskDefinition{Family: "jobs", ContainerDefinitions: []ecstest.ContainerDefinition{{
		Name: "job", Image: "jobs:1",
		LogConfiguration: &ecstest.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group": "/ecs/jobs", "awslogs-stream-prefix": "p"}},
	}}})
	srv.QueueTask(ecstest.TaskScript{
		Statuses: []string{"PENDING", "RUNNING"},
		Logs: []ecstest.LogEvent{
			{Message: "step 1 ok", AfterPolls: 1},
			{Message: "step 2 failed: retrying", AfterPolls: 1},
			{Message: "step 2 ok", AfterPolls: 2},
		},
	})
	ctx := context.Background()
	out, err := e.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("batch"), TaskDefinition: aws.String("jobs")})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.Tasks[0].TaskArn)
	for range 2 {
		if _, err := e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("batch"), Tasks: []string{arn}}); err != nil {
			t.Fatal(err)
		}
	}
	return arn[len(arn)-32:]
}

func TestGetLogEventsPaging(t *testing.T) {
	srv := ecstest.New(t)
	ctx := context.Background()
	e, l, err := srv.Clients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stream := "p/job/" + startLoggingTask(t, srv, e)

	var got []string
	var token *string
	for range 5 {
		out, err := l.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
			LogGroupName: aws.String("/ecs/jobs"), LogStreamName: aws.String(stream),
			StartFromHead: aws.Bool(true), Limit: aws.Int32(2), NextToken: token,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range out.Events {
			got = append(got, aws.ToString(ev.Message))
		}
		if token != nil && aws.ToString(out.NextForwardToken) == *token {
			break // end of stream: the same token comes back
		}
		token = out.NextForwardToken
	}
	if diff := cmp.Diff([]string{"step 1 ok", "step 2 failed: retrying", "step 2 ok"}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	// Without startFromHead the newest events come back.
	out, err := l.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String("/ecs/jobs"), LogStreamName: aws.String(stream), Limit: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 || aws.ToString(out.Events[0].Message) != "step 2 ok" {
		t.Errorf("tail = %v, want the last event", out.Events)
	}

	_, err = l.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String("/ecs/jobs"), LogStreamName: aws.String("p/job/nope")})
	var nf *logtypes.ResourceNotFoundException
	if !errors.As(err, &nf) || nf.ErrorMessage() != "The specified log stream does not exist." {
		t.Errorf("missing stream: error = %v, want ResourceNotFoundException for the stream", err)
	}
}

func TestFilterLogEvents(t *testing.T) {
	srv := ecstest.New(t)
	ctx := context.Background()
	e, l, err := srv.Clients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := startLoggingTask(t, srv, e)

	var got []string
	var token *string
	for {
		out, err := l.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String("/ecs/jobs"), LogStreamNamePrefix: aws.String("p/job/"),
			FilterPattern: aws.String(`"step 2"`), Limit: aws.Int32(1), NextToken: token,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range out.Events {
			got = append(got, aws.ToString(ev.LogStreamName)+" "+aws.ToString(ev.Message))
		}
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	want := []string{"p/job/" + id + " step 2 failed: retrying", "p/job/" + id + " step 2 ok"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("filtered events (-want +got):\n%s", diff)
	}

	_, err = l.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/ecs/none")})
	var nf *logtypes.ResourceNotFoundException
	if !errors.As(err, &nf) || nf.ErrorMessage() != "The specified log group does not exist." {
		t.Errorf("missing group: error = %v", err)
	}
}

func TestErrorsAndRecording(t *testing.T) {
	srv := ecstest.New(t)
	ctx := context.Background()
	e, _, err := srv.Clients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("ghost:3")})
	var ce *ecstypes.ClientException
	if !errors.As(err, &ce) || ce.ErrorMessage() != "Unable to describe task definition." {
		t.Errorf("unknown task definition: error = %v, want ClientException", err)
	}

	srv.FailNext("DescribeServices", 2, ecstest.Throttling)
	out, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c"), Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Errorf("failures = %+v, want MISSING", out.Failures)
	}
	reqs := srv.Requests("DescribeServices")
	var bodies []map[string]any
	for _, r := range reqs {
		if r.Service != "ecs" || r.AccessKeyID != ecstest.AccessKeyID {
			t.Errorf("request %+v: want service ecs signed by %s", r, ecstest.AccessKeyID)
		}
		bodies = append(bodies, r.Body)
	}
	want := []map[string]any{}
	for range 3 {
		want = append(want, map[string]any{"cluster": "c", "services": []any{"web"}})
	}
	if diff := cmp.Diff(want, bodies); diff != "" {
		t.Errorf("recorded bodies (-want +got):\n%s", diff)
	}

	// A request for an operation the fake does not serve gets a typed error.
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader([]byte(`{}`)))
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DeleteCluster")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || string(body) != `{"__type":"UnknownOperationException","message":"operation DeleteCluster is not implemented by the fake"}` {
		t.Errorf("unknown operation: %d %s", resp.StatusCode, body)
	}
}
