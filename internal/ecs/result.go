package ecs

import "fmt"

// Result is the outcome of one migration task.
type Result struct {
	TaskARN        string // empty when no task was started
	TaskDefinition string // ARN of the task definition run (as given until it is resolved)
	Container      string // the container whose exit code decides
	LastStatus     string // last lastStatus seen
	ExitCode       *int32 // of Container; nil when it never ran or its end was not seen
	StopCode       string
	StoppedReason  string
	// Reason says why the migration failed; empty on success.
	Reason        string
	TimedOut      bool
	Canceled      bool
	StopRequested bool // StopTask was sent after a cancel or timeout
}

// OK reports success: the task stopped, its deciding container exited 0 and
// nothing else went wrong. A migration whose end was not seen is never OK.
func (res Result) OK() bool {
	return res.TaskARN != "" && !res.TimedOut && !res.Canceled && res.Reason == "" &&
		res.ExitCode != nil && *res.ExitCode == 0
}

// ExitStatus is the gate's exit code: 0 success, 2 timeout, 1 any other failure.
func (res Result) ExitStatus() int {
	switch {
	case res.OK():
		return 0
	case res.TimedOut:
		return 2
	}
	return 1
}

// Line is the one line that tells the outcome, naming the task.
func (res Result) Line() string {
	if res.TaskARN == "" {
		what := "migration task for task definition " + res.TaskDefinition
		if res.Canceled {
			return what + " canceled: " + res.Reason
		}
		if res.TimedOut {
			return what + " timed out: " + res.Reason
		}
		return what + " could not start: " + res.Reason
	}
	what := "migration task " + res.TaskARN
	switch {
	case res.OK():
		return fmt.Sprintf("%s succeeded: container %s exited with code 0", what, res.Container)
	case res.TimedOut:
		return what + " timed out: " + res.Reason
	case res.Canceled:
		return what + " canceled: " + res.Reason
	case res.Reason == "":
		// Not reachable through Run; kept so a hand-built Result never reads as success.
		return what + " failed: its end was not seen"
	}
	return what + " failed: " + res.Reason
}
