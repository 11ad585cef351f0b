package ecs

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// maxPagesPerPoll bounds one poll so a server that keeps handing out new
// tokens cannot hold the wait loop.
const maxPagesPerPoll = 100

// logTail follows one container's CloudWatch Logs stream with GetLogEvents
// and nextForwardToken. Reading logs never decides the verdict: any trouble
// is one warning and the wait goes on.
type logTail struct {
	client    *cloudwatchlogs.Client
	src       logSource
	container string
	print     func(line string)
	warn      func(format string, args ...any)

	token        *string
	off          bool // given up: group missing, access denied, ...
	polled       bool
	groupChecked bool // the group is known to exist
	streamSeen   bool
}

func (l *logTail) regionOpt(o *cloudwatchlogs.Options) {
	if l.src.region != "" {
		o.Region = l.src.region
	}
}

// poll prints the events written since the last poll.
func (l *logTail) poll(ctx context.Context) {
	if l == nil || l.off {
		return
	}
	l.polled = true
	for range maxPagesPerPoll {
		out, err := l.client.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
			LogGroupName:  aws.String(l.src.group),
			LogStreamName: aws.String(l.src.stream),
			StartFromHead: aws.Bool(true),
			NextToken:     l.token,
		}, l.regionOpt)
		if err != nil {
			l.failed(ctx, err)
			return
		}
		l.streamSeen = true
		for _, ev := range out.Events {
			msg := strings.TrimRight(aws.ToString(ev.Message), "\r\n")
			for _, line := range strings.Split(msg, "\n") {
				l.print(l.container + " | " + strings.TrimRight(line, "\r"))
			}
		}
		next := out.NextForwardToken
		// At the end of the stream the API hands back the token it was given.
		if next == nil || (l.token != nil && *next == *l.token) {
			return
		}
		l.token = next
	}
}

func (l *logTail) failed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	if !isErrorCode(err, "ResourceNotFoundException") {
		l.warn("cannot read the logs of container %s (%s): %s; waiting for the verdict without them", l.container, l.where(), apiErrText(err))
		l.off = true
		return
	}
	if l.groupChecked {
		return // the stream does not exist yet: the container has not logged
	}
	// GetLogEvents says "not found" for a missing group and for a stream not
	// created yet alike; a prefix search tells them apart.
	_, perr := l.client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName:        aws.String(l.src.group),
		LogStreamNamePrefix: aws.String(l.src.stream),
		Limit:               aws.Int32(1),
	}, l.regionOpt)
	switch {
	case perr == nil:
		l.groupChecked = true
	case ctx.Err() != nil:
	case isErrorCode(perr, "ResourceNotFoundException"):
		l.warn("log group %s does not exist%s: the output of container %s is not streamed; waiting for the verdict", l.src.group, l.inRegion(), l.container)
		l.off = true
	default:
		l.warn("cannot read the logs of container %s (%s): %s; waiting for the verdict without them", l.container, l.where(), apiErrText(perr))
		l.off = true
	}
}

func (l *logTail) where() string {
	return l.src.group + " " + l.src.stream + l.inRegion()
}

func (l *logTail) inRegion() string {
	if l.src.region == "" {
		return ""
	}
	return " in " + l.src.region
}

// finish notes, once the task has stopped, a stream that never appeared
// although the container was started.
func (l *logTail) finish() {
	if l != nil && l.polled && !l.off && !l.streamSeen {
		l.warn("log stream %s was never written: container %s produced no output or never started", l.where(), l.container)
	}
}
