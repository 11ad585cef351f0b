package ecstest

import (
	"fmt"
	"strconv"
	"strings"
)

// task is a task the server started; its state is a function of the script
// and of how many times DescribeTasks has looked at it.
type task struct {
	arn, id          string
	clusterArn       string
	td               *TaskDefinition
	script           TaskScript
	polls            int
	startedBy        string
	launchType       string
	capacityProvider string
	tags             []Tag
	overrides        any
	stopRequested    bool
	stopReason       string
	emitted          int // script log events already written to their streams
}

var defaultStatuses = []string{"PROVISIONING", "PENDING", "RUNNING", "STOPPED"}

func (t *task) status() string {
	if t.stopRequested {
		return "STOPPED"
	}
	st := t.script.Statuses
	if len(st) == 0 {
		st = defaultStatuses
	}
	return st[min(t.polls, len(st)-1)]
}

// started reports whether the containers have been started: from RUNNING on,
// unless the task failed to start.
func (t *task) started() bool {
	if t.script.StopCode == "TaskFailedToStart" {
		return false
	}
	switch t.status() {
	case "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED":
		return true
	}
	return false
}

type containerView struct {
	ContainerArn string `json:"containerArn"`
	TaskArn      string `json:"taskArn"`
	Name         string `json:"name"`
	Image        string `json:"image,omitempty"`
	LastStatus   string `json:"lastStatus"`
	ExitCode     *int32 `json:"exitCode,omitempty"`
	Reason       string `json:"reason,omitempty"`
}

type taskView struct {
	TaskArn              string          `json:"taskArn"`
	ClusterArn           string          `json:"clusterArn"`
	TaskDefinitionArn    string          `json:"taskDefinitionArn"`
	LastStatus           string          `json:"lastStatus"`
	DesiredStatus        string          `json:"desiredStatus"`
	LaunchType           string          `json:"launchType,omitempty"`
	CapacityProviderName string          `json:"capacityProviderName,omitempty"`
	StartedBy            string          `json:"startedBy,omitempty"`
	StopCode             string          `json:"stopCode,omitempty"`
	StoppedReason        string          `json:"stoppedReason,omitempty"`
	Containers           []containerView `json:"containers"`
	Overrides            any             `json:"overrides,omitempty"`
	Tags                 []Tag           `json:"tags,omitempty"`
}

func (t *task) view() taskView {
	st := t.status()
	v := taskView{
		TaskArn:              t.arn,
		ClusterArn:           t.clusterArn,
		TaskDefinitionArn:    t.td.TaskDefinitionArn,
		LastStatus:           st,
		DesiredStatus:        "RUNNING",
		LaunchType:           t.launchType,
		CapacityProviderName: t.capacityProvider,
		StartedBy:            t.startedBy,
		Overrides:            t.overrides,
		Tags:                 t.tags,
	}
	switch st {
	case "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED":
		v.DesiredStatus = "STOPPED"
	}
	if t.stopRequested {
		v.DesiredStatus = "STOPPED"
	}
	if st == "STOPPED" {
		v.StopCode, v.StoppedReason = t.script.StopCode, t.script.StoppedReason
		if v.StopCode == "" {
			v.StopCode = "EssentialContainerExited"
		}
		if v.StoppedReason == "" {
			v.StoppedReason = "Essential container in task exited"
		}
		if t.stopRequested {
			v.StopCode, v.StoppedReason = "UserInitiated", t.stopReason
		}
	}
	faulty := t.polls > t.script.FaultAfterPolls // RunTask's answer is always right
	if faulty && t.script.ForeignARN != "" {
		v.TaskArn = t.script.ForeignARN
	}
	for i, cd := range t.td.ContainerDefinitions {
		if dup, ok := t.script.Duplicates[cd.Name]; ok && faulty {
			c := t.containerView(i, cd, st, dup)
			c.TaskArn = v.TaskArn
			v.Containers = append(v.Containers, c)
		}
		out, ok := t.script.Containers[cd.Name]
		if !ok {
			out = ContainerOutcome{ExitCode: 0}
		}
		c := t.containerView(i, cd, st, out)
		c.TaskArn = v.TaskArn
		v.Containers = append(v.Containers, c)
	}
	return v
}

// containerView describes container i of the task in status st, ending
// with out once STOPPED.
func (t *task) containerView(i int, cd ContainerDefinition, st string, out ContainerOutcome) containerView {
	c := containerView{
		ContainerArn: fmt.Sprintf("arn:aws:ecs:%s:%s:container/%s/%s/%d", Region, Account, clusterName(t.clusterArn), t.id, i),
		TaskArn:      t.arn,
		Name:         cd.Name,
		Image:        cd.Image,
	}
	switch st {
	case "PROVISIONING", "PENDING", "ACTIVATING":
		c.LastStatus = "PENDING"
	case "STOPPED":
		c.LastStatus = "STOPPED"
		if t.stopRequested && !out.NoExitCode {
			out = ContainerOutcome{ExitCode: 143} // killed by the SIGTERM StopTask sends
		}
		if !out.NoExitCode {
			code := out.ExitCode
			c.ExitCode = &code
		}
		c.Reason = out.Reason
	default:
		c.LastStatus = "RUNNING"
	}
	return c
}

type taskOverride struct {
	ContainerOverrides []containerOverride `json:"containerOverrides"`
}

type containerOverride struct {
	Name        string     `json:"name"`
	Command     []string   `json:"command,omitempty"`
	Environment []KeyValue `json:"environment,omitempty"`
}

type runTaskIn struct {
	Cluster                  string
	TaskDefinition           string
	Count                    *int
	LaunchType               string
	CapacityProviderStrategy []struct {
		CapacityProvider string
		Base, Weight     int
	}
	NetworkConfiguration *struct {
		AwsvpcConfiguration *struct {
			Subnets        []string
			SecurityGroups []string
			AssignPublicIP string
		}
	}
	Overrides   *taskOverride
	StartedBy   string
	Tags        []Tag
	ClientToken string
}

func (s *Server) runTask(in runTaskIn) (any, *apiError) {
	if arn, ok := s.tokens[in.ClientToken]; ok && in.ClientToken != "" {
		// A retried RunTask with the same token does not start a second task.
		return map[string]any{"tasks": []taskView{s.tasks[arn].view()}, "failures": []Failure{}}, nil
	}
	td := s.lookupTaskDef(in.TaskDefinition)
	if td == nil {
		return nil, clientErr("ClientException", "TaskDefinition not found.")
	}
	if in.LaunchType != "" && len(in.CapacityProviderStrategy) > 0 {
		return nil, clientErr("InvalidParameterException", "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
	}
	if in.Count != nil && (*in.Count < 1 || *in.Count > 10) {
		return nil, clientErr("InvalidParameterException", "count must be between 1 and 10.")
	}
	if len(in.StartedBy) > 128 {
		return nil, clientErr("InvalidParameterException", "startedBy must be at most 128 characters.")
	}
	if td.NetworkMode == "awsvpc" {
		if in.NetworkConfiguration == nil || in.NetworkConfiguration.AwsvpcConfiguration == nil {
			return nil, clientErr("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(in.NetworkConfiguration.AwsvpcConfiguration.Subnets) == 0 {
			return nil, clientErr("InvalidParameterException", "subnets can not be empty.")
		}
	}
	var overrides any
	if in.Overrides != nil {
		for _, co := range in.Overrides.ContainerOverrides {
			if !hasContainer(td, co.Name) {
				return nil, clientErr("InvalidParameterException", "Override for container named %s is not a container in the TaskDefinition.", co.Name)
			}
		}
		overrides = in.Overrides
	}

	script := TaskScript{}
	if len(s.scripts) > 0 {
		script, s.scripts = s.scripts[0], s.scripts[1:]
	}
	if len(script.Failures) > 0 {
		return map[string]any{"tasks": []taskView{}, "failures": script.Failures}, nil
	}
	s.nTasks++
	id := fmt.Sprintf("%032x", 0xa11ce0000+s.nTasks)
	t := &task{
		id:         id,
		clusterArn: clusterARN(in.Cluster),
		arn:        fmt.Sprintf("arn:aws:ecs:%s:%s:task/%s/%s", Region, Account, clusterName(in.Cluster), id),
		td:         td,
		script:     script,
		startedBy:  in.StartedBy,
		launchType: in.LaunchType,
		tags:       in.Tags,
		overrides:  overrides,
	}
	if len(in.CapacityProviderStrategy) > 0 {
		t.capacityProvider = in.CapacityProviderStrategy[0].CapacityProvider
	}
	s.tasks[t.arn] = t
	if in.ClientToken != "" {
		s.tokens[in.ClientToken] = t.arn
	}
	return map[string]any{"tasks": []taskView{t.view()}, "failures": []Failure{}}, nil
}

func hasContainer(td *TaskDefinition, name string) bool {
	for _, c := range td.ContainerDefinitions {
		if c.Name == name {
			return true
		}
	}
	return false
}

// lookupTaskDef resolves "family", "family:revision" or a full ARN.
func (s *Server) lookupTaskDef(ref string) *TaskDefinition {
	if i := strings.Index(ref, ":task-definition/"); i >= 0 {
		ref = ref[i+len(":task-definition/"):]
	}
	family, rev, hasRev := strings.Cut(ref, ":")
	revs := s.taskDefs[family]
	if !hasRev {
		for i := len(revs) - 1; i >= 0; i-- {
			if revs[i].Status == "ACTIVE" {
				return revs[i]
			}
		}
		return nil
	}
	n, err := strconv.Atoi(rev)
	if err != nil || n < 1 || n > len(revs) {
		return nil
	}
	return revs[n-1]
}

func (s *Server) findTask(cluster, ref string) *task {
	if t, ok := s.tasks[ref]; ok && t.clusterArn == clusterARN(cluster) {
		return t
	}
	for _, t := range s.tasks {
		if t.id == ref && t.clusterArn == clusterARN(cluster) {
			return t
		}
	}
	return nil
}

type describeTasksIn struct {
	Cluster string
	Tasks   []string
}

func (s *Server) describeTasks(in describeTasksIn) (any, *apiError) {
	if len(in.Tasks) == 0 || len(in.Tasks) > 100 {
		return nil, clientErr("InvalidParameterException", "tasks must name between 1 and 100 tasks.")
	}
	views := []taskView{}
	failures := []Failure{}
	for _, ref := range in.Tasks {
		t := s.findTask(in.Cluster, ref)
		if t == nil {
			failures = append(failures, Failure{Arn: ref, Reason: "MISSING"})
			continue
		}
		t.polls++
		s.writeLogs(t)
		views = append(views, t.view())
	}
	return map[string]any{"tasks": views, "failures": failures}, nil
}

// writeLogs creates the task's awslogs streams once its containers run and
// copies the script's log events that are due into them.
func (s *Server) writeLogs(t *task) {
	if !t.started() {
		return
	}
	for _, cd := range t.td.ContainerDefinitions {
		if t.script.LateStreams {
			break
		}
		if g, stream, ok := awslogsTarget(cd, t.id); ok && s.groups[g] != nil && !t.script.Containers[cd.Name].NoExitCode {
			if _, exists := s.groups[g][stream]; !exists {
				s.groups[g][stream] = []storedEvent{}
			}
		}
	}
	for ; t.emitted < len(t.script.Logs); t.emitted++ {
		ev := t.script.Logs[t.emitted]
		if ev.AfterPolls > t.polls {
			return
		}
		cd := t.logContainer(ev.Container)
		if cd == nil {
			continue
		}
		g, stream, ok := awslogsTarget(*cd, t.id)
		if !ok || s.groups[g] == nil {
			continue // nowhere to write: the event is lost, as with the real driver
		}
		s.nEvents++
		ts := int64(1_700_000_000_000 + s.nEvents*1000)
		s.groups[g][stream] = append(s.groups[g][stream], storedEvent{
			Timestamp:     ts,
			IngestionTime: ts + 200,
			Message:       ev.Message,
			EventID:       fmt.Sprintf("%056d", s.nEvents),
		})
	}
}

func (t *task) logContainer(name string) *ContainerDefinition {
	for i, cd := range t.td.ContainerDefinitions {
		if name == "" && cd.LogConfiguration != nil && cd.LogConfiguration.LogDriver == "awslogs" {
			return &t.td.ContainerDefinitions[i]
		}
		if name != "" && cd.Name == name {
			return &t.td.ContainerDefinitions[i]
		}
	}
	return nil
}

// awslogsTarget is where the awslogs driver writes a container's output:
// group and prefix/container/taskID.
func awslogsTarget(cd ContainerDefinition, taskID string) (group, stream string, ok bool) {
	lc := cd.LogConfiguration
	if lc == nil || lc.LogDriver != "awslogs" || lc.Options["awslogs-group"] == "" || lc.Options["awslogs-stream-prefix"] == "" {
		return "", "", false
	}
	return lc.Options["awslogs-group"], lc.Options["awslogs-stream-prefix"] + "/" + cd.Name + "/" + taskID, true
}

type stopTaskIn struct {
	Cluster string
	Task    string
	Reason  string
}

func (s *Server) stopTask(in stopTaskIn) (any, *apiError) {
	t := s.findTask(in.Cluster, in.Task)
	if t == nil {
		return nil, clientErr("InvalidParameterException", "The referenced task was not found.")
	}
	if t.status() != "STOPPED" {
		t.stopRequested = true
		t.stopReason = in.Reason
		if t.stopReason == "" {
			t.stopReason = "Task stopped by user"
		}
	}
	return map[string]any{"task": t.view()}, nil
}

type describeTaskDefinitionIn struct {
	TaskDefinition string
}

func (s *Server) describeTaskDefinition(in describeTaskDefinitionIn) (any, *apiError) {
	td := s.lookupTaskDef(in.TaskDefinition)
	if td == nil {
		return nil, clientErr("ClientException", "Unable to describe task definition.")
	}
	return map[string]any{"taskDefinition": td, "tags": []Tag{}}, nil
}

type describeServicesIn struct {
	Cluster  string
	Services []string
}

func (s *Server) describeServices(in describeServicesIn) (any, *apiError) {
	if len(in.Services) == 0 || len(in.Services) > 10 {
		return nil, clientErr("InvalidParameterException", "services must name between 1 and 10 services.")
	}
	found := []Service{}
	failures := []Failure{}
	for _, ref := range in.Services {
		name := ref
		if i := strings.LastIndex(ref, "/"); i >= 0 {
			name = ref[i+1:]
		}
		svc, ok := s.services[clusterARN(in.Cluster)+"/"+name]
		if !ok {
			failures = append(failures, Failure{
				Arn:    fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", Region, Account, clusterName(in.Cluster), name),
				Reason: "MISSING",
			})
			continue
		}
		found = append(found, *svc)
	}
	return map[string]any{"services": found, "failures": failures}, nil
}
