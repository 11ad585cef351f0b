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
	Reason   string
	TimedOut bool
	Canceled bool
	// Lost says DescribeTasks kept failing; Refused that an answer about
	// the task could not be believed (another task's ARN, a container
	// listed twice). Like TimedOut and Canceled they end the wait without
	// a verdict, and Reason says whether the task was left running.
	Lost          bool
	Refused       bool
	StopRequested bool // StopTask was sent after the wait ended without a verdict
}

// OK reports success: the task stopped, its deciding container exited 0 and
// nothing else went wrong. A migration whose end was not seen is never OK.
func (res Result) OK() bool {
	return res.TaskARN != "" && !res.TimedOut && !res.Canceled && !res.Lost && !res.Refused && res.Reason == "" &&
		res.ExitCode != nil && *res.ExitCode == 0
}

// ExitStatus is the gate's exit code: 0 success; 2 when the wait ended
// without a verdict because of the timeout, the endpoint or its answers;
// 1 any other failure (a cancel among them).
func (res Result) ExitStatus() int {
	switch {
	case res.OK():
		return 0
	case res.TimedOut, res.Lost, res.Refused:
		return 2
	}
	return 1
}

// gaveUp says why the wait ended without a verdict, for StopTask's reason.
func (res Result) gaveUp() string {
	switch {
	case res.TimedOut:
		return "timed out"
	case res.Lost:
		return "lost track of the task"
	case res.Refused:
		return "refused an answer about the task"
	}
	return "canceled"
}

// Line is the one line that tells the outcome, naming the task. Control
// characters from the endpoint's answers are escaped.
func (res Result) Line() string { return Printable(res.line()) }

func (res Result) line() string {
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
	case res.Lost, res.Refused:
		return what + " gave no verdict: " + res.Reason
	case res.Reason == "":
		// Not reachable through Run; kept so a hand-built Result never reads as success.
		return what + " failed: its end was not seen"
	}
	return what + " failed: " + res.Reason
}
