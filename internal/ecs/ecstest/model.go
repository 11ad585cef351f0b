package ecstest

// The shapes below are the JSON the real services send, trimmed to the fields
// schemagate reads. Tests build task definitions and services with them.

// TaskDefinition is an ECS task definition as DescribeTaskDefinition returns it.
type TaskDefinition struct {
	Family               string                `json:"family"`
	Revision             int32                 `json:"revision"`
	TaskDefinitionArn    string                `json:"taskDefinitionArn"`
	Status               string                `json:"status,omitempty"`
	NetworkMode          string                `json:"networkMode,omitempty"`
	ContainerDefinitions []ContainerDefinition `json:"containerDefinitions"`
}

// ContainerDefinition is one container of a task definition.
type ContainerDefinition struct {
	Name             string            `json:"name"`
	Image            string            `json:"image"`
	Essential        *bool             `json:"essential,omitempty"`
	Command          []string          `json:"command,omitempty"`
	Environment      []KeyValue        `json:"environment,omitempty"`
	Secrets          []Secret          `json:"secrets,omitempty"`
	LogConfiguration *LogConfiguration `json:"logConfiguration,omitempty"`
}

// KeyValue is a name/value pair (container environment).
type KeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Secret is an environment variable filled from SSM or Secrets Manager.
type Secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// LogConfiguration is a container's log driver and its options.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options,omitempty"`
}

// Service is an ECS service as DescribeServices returns it.
type Service struct {
	ServiceName          string                `json:"serviceName"`
	ServiceArn           string                `json:"serviceArn,omitempty"`
	ClusterArn           string                `json:"clusterArn,omitempty"`
	Status               string                `json:"status,omitempty"`
	TaskDefinition       string                `json:"taskDefinition,omitempty"`
	DeploymentController *DeploymentController `json:"deploymentController,omitempty"`
	Deployments          []Deployment          `json:"deployments,omitempty"`
	TaskSets             []TaskSet             `json:"taskSets,omitempty"`
}

// DeploymentController names who deploys a service: ECS, CODE_DEPLOY or EXTERNAL.
type DeploymentController struct {
	Type string `json:"type"`
}

// Deployment is one entry of a rolling (ECS controller) service's deployments.
type Deployment struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	TaskDefinition string `json:"taskDefinition"`
	RolloutState   string `json:"rolloutState,omitempty"`
	RunningCount   int32  `json:"runningCount"`
}

// TaskSet is one task set of a CODE_DEPLOY or EXTERNAL service.
type TaskSet struct {
	ID             string `json:"id"`
	TaskSetArn     string `json:"taskSetArn,omitempty"`
	Status         string `json:"status"`
	TaskDefinition string `json:"taskDefinition"`
	ExternalID     string `json:"externalId,omitempty"`
}

// Failure is an entry of the failures list of RunTask, DescribeTasks and DescribeServices.
type Failure struct {
	Arn    string `json:"arn,omitempty"`
	Reason string `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Tag is an ECS resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// TaskScript drives the life of the next task RunTask starts.
type TaskScript struct {
	// Failures makes RunTask answer with these failures and start no task.
	Failures []Failure
	// Statuses are the lastStatus values: RunTask answers with the first,
	// the n-th DescribeTasks with the n-th (the last one repeats).
	// Empty means PROVISIONING, PENDING, RUNNING, STOPPED.
	Statuses []string
	// StopCode and StoppedReason are reported once the task is STOPPED.
	// Empty means EssentialContainerExited / "Essential container in task exited".
	StopCode      string
	StoppedReason string
	// Containers says how each container ends; a container not listed exits 0.
	Containers map[string]ContainerOutcome
	// Logs are written to the containers' awslogs streams over time.
	Logs []LogEvent
	// LateStreams delays each log stream's creation to its first event
	// (by default streams exist as soon as the task is RUNNING).
	LateStreams bool

	// Fault modes: answers a broken or hostile endpoint could give.

	// ForeignARN makes DescribeTasks describe the task under this ARN
	// instead of its own.
	ForeignARN string
	// Duplicates makes DescribeTasks list these containers a second time,
	// ahead of their real entry, ending with the outcome given here.
	Duplicates map[string]ContainerOutcome
	// FaultAfterPolls is the number of DescribeTasks calls answered
	// correctly before ForeignARN and Duplicates take effect.
	FaultAfterPolls int
}

// ContainerOutcome is how one container of a scripted task ends.
type ContainerOutcome struct {
	ExitCode   int32
	NoExitCode bool // the container never ran (image pull failure, ...)
	Reason     string
}

// LogEvent is one line a scripted container logs.
type LogEvent struct {
	// Container is the container that logs it; empty means the first container
	// with an awslogs configuration.
	Container string
	Message   string
	// AfterPolls is the number of DescribeTasks calls after which the event
	// can be read.
	AfterPolls int
}

// Fault is an error the server answers with instead of doing the operation.
type Fault struct {
	Type    string // __type, e.g. ThrottlingException
	Message string
	Status  int // HTTP status; 0 means 400
}

// Throttling is the fault AWS answers with when a caller exceeds a rate limit.
var Throttling = Fault{Type: "ThrottlingException", Message: "Rate exceeded", Status: 400}
