package ecs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TaskSpec says which task to run and how.
type TaskSpec struct {
	Cluster          string // empty means the "default" cluster
	TaskDefinition   string // family, family:revision or ARN
	Subnets          []string
	SecurityGroups   []string
	AssignPublicIP   bool
	LaunchType       string // FARGATE, EC2, ...; excludes CapacityProvider
	CapacityProvider string
	Container        string   // the migration container; empty means the only essential one
	Command          []string // overrides the container's command
	// Env overrides container environment variables (e.g.
	// SKIP_POST_DEPLOYMENT_MIGRATIONS). Only the names are ever printed.
	Env       map[string]string
	StartedBy string
	Tags      map[string]string
	Timeout   time.Duration // 0 means wait as long as it takes
	// StopOnCancel sends StopTask when the wait is canceled or times out;
	// otherwise the task is left to finish on its own.
	StopOnCancel bool
}

// PollConfig is the DescribeTasks backoff: it starts at Initial, doubles while
// nothing changes up to Max, and drops back to Initial on a state change.
type PollConfig struct {
	Initial, Max time.Duration
}

// DefaultPoll is used for zero fields of Runner.Poll.
var DefaultPoll = PollConfig{Initial: 2 * time.Second, Max: 10 * time.Second}

// Runner runs migration tasks.
type Runner struct {
	ECS  *ecs.Client
	Logs *cloudwatchlogs.Client // nil: no log streaming
	Out  io.Writer              // progress and log lines; nil discards them
	Now  func() time.Time       // clock for the timestamps; nil means time.Now
	Poll PollConfig
}

// cleanupTimeout bounds the calls made after a cancel or timeout (last logs, StopTask).
const cleanupTimeout = 15 * time.Second

// maxDescribeFailures is how many polls in a row may fail (each after the
// SDK's own retries) before the runner gives up on the task.
const maxDescribeFailures = 3

var errTimeout = errors.New("migration timeout")

// printf prints one line. Much of what it prints comes from the task or the
// endpoint (log lines, reasons, errors), so control characters are escaped.
func (r *Runner) printf(format string, args ...any) {
	if r.Out != nil {
		fmt.Fprintln(r.Out, Printable(fmt.Sprintf(format, args...)))
	}
}

func (r *Runner) stamp() string {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	return now().UTC().Format(time.RFC3339)
}

func (r *Runner) poll() PollConfig {
	p := r.Poll
	if p.Initial <= 0 {
		p.Initial = DefaultPoll.Initial
	}
	if p.Max < p.Initial {
		p.Max = max(p.Initial, DefaultPoll.Max)
	}
	return p
}

// Validate checks the spec without asking ECS.
func (spec TaskSpec) Validate() error {
	if spec.TaskDefinition == "" {
		return errors.New("no task definition given")
	}
	if spec.LaunchType != "" && spec.CapacityProvider != "" {
		return fmt.Errorf("launch type %s and capacity provider %s exclude each other: give one", spec.LaunchType, spec.CapacityProvider)
	}
	if spec.LaunchType != "" && !slices.Contains(types.LaunchType("").Values(), types.LaunchType(spec.LaunchType)) {
		return fmt.Errorf("unknown launch type %q (want one of %v)", spec.LaunchType, types.LaunchType("").Values())
	}
	if len(spec.Subnets) == 0 && (len(spec.SecurityGroups) > 0 || spec.AssignPublicIP) {
		return errors.New("security groups and a public IP need subnets (awsvpc network configuration)")
	}
	return nil
}

// runTaskInput is the RunTask request for spec, running task definition tdARN
// with the overrides aimed at container.
func runTaskInput(spec TaskSpec, tdARN, container string) *ecs.RunTaskInput {
	in := &ecs.RunTaskInput{
		TaskDefinition: aws.String(tdARN),
		Count:          aws.Int32(1),
	}
	if spec.Cluster != "" {
		in.Cluster = aws.String(spec.Cluster)
	}
	if spec.LaunchType != "" {
		in.LaunchType = types.LaunchType(spec.LaunchType)
	}
	if spec.CapacityProvider != "" {
		in.CapacityProviderStrategy = []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String(spec.CapacityProvider), Weight: 1}}
	}
	if len(spec.Subnets) > 0 {
		ip := types.AssignPublicIpDisabled
		if spec.AssignPublicIP {
			ip = types.AssignPublicIpEnabled
		}
		in.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets:        spec.Subnets,
			SecurityGroups: spec.SecurityGroups,
			AssignPublicIp: ip,
		}}
	}
	if len(spec.Command) > 0 || len(spec.Env) > 0 {
		co := types.ContainerOverride{Name: aws.String(container), Command: spec.Command}
		for _, k := range sortedKeys(spec.Env) {
			co.Environment = append(co.Environment, types.KeyValuePair{Name: aws.String(k), Value: aws.String(spec.Env[k])})
		}
		in.Overrides = &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{co}}
	}
	if spec.StartedBy != "" {
		in.StartedBy = aws.String(spec.StartedBy)
	}
	for _, k := range sortedKeys(spec.Tags) {
		in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(spec.Tags[k])})
	}
	return in
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Run starts the migration task and waits for its end. The error is non-nil
// only when no task was started because the spec, the task definition or
// the AWS API (after the SDK's retries) stood in the way. Once a task runs,
// everything is told by the Result, including the ends without a verdict:
// cancellation of ctx (the signal path), the timeout, an endpoint that
// stopped answering, and an answer about the task that cannot be believed.
func (r *Runner) Run(ctx context.Context, spec TaskSpec) (Result, error) {
	res := Result{TaskDefinition: spec.TaskDefinition}
	if err := spec.Validate(); err != nil {
		return res, err
	}
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if spec.Timeout > 0 {
		t := time.AfterFunc(spec.Timeout, func() { cancel(errTimeout) })
		defer t.Stop()
	}
	// interrupted fills res for a wait cut short by a cancel or the timeout.
	interrupted := func(what string) bool {
		if wctx.Err() == nil {
			return false
		}
		cause := context.Cause(wctx)
		switch {
		case errors.Is(cause, errTimeout):
			res.TimedOut = true
			res.Reason = fmt.Sprintf("no end seen within %s: %s", spec.Timeout, what)
		case cause != nil && cause.Error() != context.Canceled.Error():
			// A signal: NotifyContext's cause names it (and matches
			// context.Canceled, so errors.Is cannot tell it apart).
			res.Canceled = true
			res.Reason = "interrupted (" + cause.Error() + ") when " + what + "; the migration's end was not seen"
		default:
			res.Canceled = true
			res.Reason = "interrupted when " + what + "; the migration's end was not seen"
		}
		return true
	}

	tdOut, err := r.ECS.DescribeTaskDefinition(wctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(spec.TaskDefinition)})
	if err != nil {
		if interrupted("the task had not been started") {
			return res, nil
		}
		return res, fmt.Errorf("describing task definition %s: %s", spec.TaskDefinition, apiErrText(err))
	}
	td := tdOut.TaskDefinition
	if td == nil {
		return res, fmt.Errorf("describing task definition %s: empty answer", spec.TaskDefinition)
	}
	res.TaskDefinition = aws.ToString(td.TaskDefinitionArn)
	target, err := pickContainer(td, spec.Container)
	if err != nil {
		return res, err
	}
	res.Container = aws.ToString(target.Name)

	// Run exactly the revision described, so the logs read are the task's.
	in := runTaskInput(spec, res.TaskDefinition, res.Container)
	r.printf("%s starting migration task: cluster %s, task definition %s, container %s%s",
		r.stamp(), clusterOrDefault(spec.Cluster), taskDefName(td), res.Container, describeOverrides(spec))
	out, err := r.ECS.RunTask(wctx, in)
	if err != nil {
		if interrupted("RunTask was in flight, so a task may have started") {
			return res, nil
		}
		return res, fmt.Errorf("RunTask for %s: %s", taskDefName(td), apiErrText(err))
	}
	if len(out.Failures) > 0 || len(out.Tasks) == 0 {
		res.Reason = "RunTask failed: " + failureText(out.Failures)
		if len(out.Tasks) > 0 {
			// count is 1, so a task and a failure together should not happen; never ignore the task.
			res.TaskARN = aws.ToString(out.Tasks[0].TaskArn)
		}
		return res, nil
	}
	task := out.Tasks[0]
	res.TaskARN = aws.ToString(task.TaskArn)
	id := taskID(res.TaskARN)
	r.printf("%s started task %s", r.stamp(), res.TaskARN)
	refused := checkTask(task, res.TaskARN, "RunTask")

	var tail *logTail
	if r.Logs != nil {
		src, note := awslogsSource(target, id)
		if note != "" {
			r.printf("note: %s", note)
		} else {
			tail = &logTail{
				client: r.Logs, src: src, container: res.Container,
				print: func(line string) { r.printf("%s", line) },
				warn:  func(format string, args ...any) { r.printf("warning: "+format, args...) },
			}
		}
	}

	cleanup := func() {
		cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer ccancel()
		if started(res.LastStatus) {
			tail.poll(cctx)
		}
		if !spec.StopOnCancel {
			res.Reason += "; the task was left running"
			return
		}
		_, err := r.ECS.StopTask(cctx, &ecs.StopTaskInput{
			Cluster: in.Cluster,
			Task:    aws.String(res.TaskARN),
			Reason:  aws.String("schemagate: migration gate " + res.gaveUp()),
		})
		if err != nil {
			res.Reason += "; StopTask failed: " + apiErrText(err)
			return
		}
		res.StopRequested = true
		res.Reason += "; StopTask was sent"
	}

	p := r.poll()
	delay := p.Initial
	failures := 0
	for {
		if refused != nil {
			res.Refused = true
			res.Reason = fmt.Sprintf("%v (the task was %s)", refused, orUnknown(res.LastStatus))
			cleanup()
			return res, nil
		}
		if st := aws.ToString(task.LastStatus); st != res.LastStatus {
			if st == "STOPPED" {
				cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
				tail.poll(cctx) // the last lines, before the verdict
				ccancel()
			}
			res.LastStatus = st
			r.printf("%s task %s: %s%s", r.stamp(), id, st, stopDetail(task))
			delay = p.Initial
		}
		if res.LastStatus == "STOPPED" {
			tail.finish()
			judge(&res, task, td)
			return res, nil
		}
		if started(res.LastStatus) {
			tail.poll(wctx)
		}

		timer := time.NewTimer(delay)
		select {
		case <-wctx.Done():
			timer.Stop()
		case <-timer.C:
		}
		if interrupted("the task was " + res.LastStatus) {
			cleanup()
			return res, nil
		}
		delay = min(delay*2, p.Max)

		dt, err := r.ECS.DescribeTasks(wctx, &ecs.DescribeTasksInput{Cluster: in.Cluster, Tasks: []string{res.TaskARN}})
		if err != nil {
			if interrupted("the task was " + res.LastStatus) {
				cleanup()
				return res, nil
			}
			failures++
			if failures >= maxDescribeFailures {
				res.Lost = true
				res.Reason = fmt.Sprintf("lost track of the task while it was %s: DescribeTasks: %s", res.LastStatus, apiErrText(err))
				cleanup()
				return res, nil
			}
			r.printf("warning: DescribeTasks: %s (will retry)", apiErrText(err))
			continue
		}
		failures = 0
		if len(dt.Tasks) == 0 {
			// Stopped tasks stay visible for about an hour, so MISSING here
			// means the end happened out of sight.
			res.Reason = fmt.Sprintf("the task vanished while it was %s (DescribeTasks: %s); its end was not seen", res.LastStatus, failureText(dt.Failures))
			return res, nil
		}
		task, refused = dt.Tasks[0], checkTask(dt.Tasks[0], res.TaskARN, "DescribeTasks")
		if len(dt.Tasks) > 1 {
			refused = fmt.Errorf("DescribeTasks answered with %d tasks for the one asked about", len(dt.Tasks))
		}
	}
}

// checkTask says why a description of the task started as arn cannot be
// believed: it is about another task, or it lists a container twice (so
// which exit code decides would be a guess). op names the call that gave it.
func checkTask(t types.Task, arn, op string) error {
	if got := aws.ToString(t.TaskArn); got != arn {
		return fmt.Errorf("%s answered about task %q, not the task started", op, got)
	}
	seen := map[string]bool{}
	for _, c := range t.Containers {
		name := aws.ToString(c.Name)
		if seen[name] {
			return fmt.Errorf("%s listed container %s twice, so its exit code is not known", op, name)
		}
		seen[name] = true
	}
	return nil
}

func orUnknown(status string) string { return cmp.Or(status, "not yet described") }

// started says whether the containers may be running and logging.
func started(status string) bool {
	switch status {
	case "", "PROVISIONING", "PENDING", "ACTIVATING":
		return false
	}
	return true
}

func clusterOrDefault(c string) string { return cmp.Or(c, "default") }

// describeOverrides tells what RunTask overrides, naming environment
// variables but never their values.
func describeOverrides(spec TaskSpec) string {
	var b strings.Builder
	if len(spec.Command) > 0 {
		fmt.Fprintf(&b, ", command %q", spec.Command)
	}
	if len(spec.Env) > 0 {
		fmt.Fprintf(&b, ", environment overrides %s", strings.Join(sortedKeys(spec.Env), ", "))
	}
	return b.String()
}

func failureText(fs []types.Failure) string {
	if len(fs) == 0 {
		return "no task and no failure in the answer"
	}
	var parts []string
	for _, f := range fs {
		s := aws.ToString(f.Reason)
		if d := aws.ToString(f.Detail); d != "" {
			s += ": " + d
		}
		if a := aws.ToString(f.Arn); a != "" {
			s += " (" + a + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func stopDetail(t types.Task) string {
	if aws.ToString(t.LastStatus) != "STOPPED" {
		return ""
	}
	var parts []string
	if t.StopCode != "" || t.StoppedReason != nil {
		parts = append(parts, joinNonEmpty(": ", string(t.StopCode), aws.ToString(t.StoppedReason)))
	}
	for _, c := range t.Containers {
		s := "container " + aws.ToString(c.Name)
		if c.ExitCode != nil {
			s += fmt.Sprintf(" exit code %d", *c.ExitCode)
		} else {
			s += " no exit code"
		}
		if reason := aws.ToString(c.Reason); reason != "" {
			s += " (" + reason + ")"
		}
		parts = append(parts, s)
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// judge reads the verdict off a STOPPED task: success only when the deciding
// container exited 0, no other essential container failed, and the task was
// not stopped from outside.
func judge(res *Result, t types.Task, td *types.TaskDefinition) {
	res.StopCode = string(t.StopCode)
	res.StoppedReason = aws.ToString(t.StoppedReason)
	stop := joinNonEmpty(": ", res.StopCode, res.StoppedReason)

	var target *types.Container
	for i, c := range t.Containers {
		if aws.ToString(c.Name) == res.Container {
			target = &t.Containers[i]
		}
	}
	if target != nil {
		res.ExitCode = target.ExitCode
	}
	switch {
	case t.StopCode == types.TaskStopCodeTaskFailedToStart:
		res.Reason = stop
		if target != nil {
			if cr := aws.ToString(target.Reason); cr != "" && !strings.Contains(res.StoppedReason, cr) {
				res.Reason += "; container " + res.Container + ": " + cr
			}
		}
		return
	case target == nil:
		res.Reason = fmt.Sprintf("container %s is not in the stopped task (%s)", res.Container, stop)
		return
	case target.ExitCode == nil:
		res.Reason = fmt.Sprintf("container %s has no exit code: %s", res.Container, joinNonEmpty("; ", aws.ToString(target.Reason), stop))
		return
	case *target.ExitCode != 0:
		res.Reason = fmt.Sprintf("container %s exited with code %d", res.Container, *target.ExitCode)
		if cr := aws.ToString(target.Reason); cr != "" {
			res.Reason += ": " + cr
		}
		if t.StopCode != "" && t.StopCode != types.TaskStopCodeEssentialContainerExited {
			res.Reason += " (" + stop + ")"
		}
		return
	}
	essential := map[string]bool{}
	for _, c := range td.ContainerDefinitions {
		essential[aws.ToString(c.Name)] = isEssential(c)
	}
	for _, c := range t.Containers {
		name := aws.ToString(c.Name)
		if name == res.Container || !essential[name] {
			continue
		}
		if c.ExitCode != nil && *c.ExitCode != 0 {
			res.Reason = fmt.Sprintf("essential container %s exited with code %d", name, *c.ExitCode)
			if cr := aws.ToString(c.Reason); cr != "" {
				res.Reason += ": " + cr
			}
			return
		}
	}
	if t.StopCode != "" && t.StopCode != types.TaskStopCodeEssentialContainerExited {
		res.Reason = "the task was stopped from outside (" + stop + "), so the migration may not have finished"
	}
}
