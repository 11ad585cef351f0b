package ecstest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

type getLogEventsIn struct {
	LogGroupName       string
	LogGroupIdentifier string
	LogStreamName      string
	NextToken          string
	StartFromHead      *bool
	Limit              int
}

type outputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

func groupNameOf(name, identifier string) string {
	if name != "" {
		return name
	}
	// An identifier may be the group's ARN: arn:aws:logs:region:account:log-group:NAME
	if i := strings.Index(identifier, ":log-group:"); i >= 0 {
		return strings.TrimSuffix(identifier[i+len(":log-group:"):], ":*")
	}
	return identifier
}

var errGroupMissing = clientErr("ResourceNotFoundException", "The specified log group does not exist.")
var errStreamMissing = clientErr("ResourceNotFoundException", "The specified log stream does not exist.")

// getLogEvents pages through one stream with tokens "f/N" (read forward
// from event N) and "b/N", the way the real API's opaque tokens behave: at the
// end of the stream the forward token comes back unchanged.
func (s *Server) getLogEvents(in getLogEventsIn) (any, *apiError) {
	streams := s.groups[groupNameOf(in.LogGroupName, in.LogGroupIdentifier)]
	if streams == nil {
		return nil, errGroupMissing
	}
	events, ok := streams[in.LogStreamName]
	if !ok {
		return nil, errStreamMissing
	}
	limit := in.Limit
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	var start, end int
	switch {
	case strings.HasPrefix(in.NextToken, "f/"):
		n, err := strconv.Atoi(in.NextToken[2:])
		if err != nil || n < 0 || n > len(events) {
			return nil, clientErr("InvalidParameterException", "The specified nextToken is invalid.")
		}
		start, end = n, min(n+limit, len(events))
	case strings.HasPrefix(in.NextToken, "b/"):
		n, err := strconv.Atoi(in.NextToken[2:])
		if err != nil || n < 0 || n > len(events) {
			return nil, clientErr("InvalidParameterException", "The specified nextToken is invalid.")
		}
		start, end = max(0, n-limit), n
	case in.NextToken != "":
		return nil, clientErr("InvalidParameterException", "The specified nextToken is invalid.")
	case in.StartFromHead != nil && *in.StartFromHead:
		start, end = 0, min(limit, len(events))
	default:
		// Without a token and startFromHead the API returns the newest events.
		start, end = max(0, len(events)-limit), len(events)
	}
	out := []outputLogEvent{}
	for _, e := range events[start:end] {
		out = append(out, outputLogEvent{Timestamp: e.Timestamp, Message: e.Message, IngestionTime: e.IngestionTime})
	}
	return map[string]any{
		"events":            out,
		"nextForwardToken":  fmt.Sprintf("f/%d", end),
		"nextBackwardToken": fmt.Sprintf("b/%d", start),
	}, nil
}

type filterLogEventsIn struct {
	LogGroupName        string
	LogGroupIdentifier  string
	LogStreamNames      []string
	LogStreamNamePrefix string
	StartTime           *int64
	EndTime             *int64
	FilterPattern       string
	NextToken           string
	Limit               int
}

type filteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedLogStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

// filterLogEvents searches a group's streams. Filter patterns are supported
// only as plain terms that must all occur in the message.
func (s *Server) filterLogEvents(in filterLogEventsIn) (any, *apiError) {
	streams := s.groups[groupNameOf(in.LogGroupName, in.LogGroupIdentifier)]
	if streams == nil {
		return nil, errGroupMissing
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, clientErr("InvalidParameterException", "logStreamNames and logStreamNamePrefix are mutually exclusive.")
	}
	var names []string
	if len(in.LogStreamNames) > 0 {
		for _, n := range in.LogStreamNames {
			if _, ok := streams[n]; !ok {
				return nil, errStreamMissing
			}
			names = append(names, n)
		}
	} else {
		for n := range streams {
			if strings.HasPrefix(n, in.LogStreamNamePrefix) {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	terms := strings.Fields(strings.ReplaceAll(in.FilterPattern, `"`, " "))
	var all []filteredLogEvent
	for _, n := range names {
		for _, e := range streams[n] {
			if in.StartTime != nil && e.Timestamp < *in.StartTime || in.EndTime != nil && e.Timestamp > *in.EndTime {
				continue
			}
			if !containsAll(e.Message, terms) {
				continue
			}
			all = append(all, filteredLogEvent{LogStreamName: n, Timestamp: e.Timestamp, Message: e.Message, IngestionTime: e.IngestionTime, EventID: e.EventID})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Timestamp < all[j].Timestamp })
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(in.NextToken, "n/"))
		if err != nil || n < 0 || n > len(all) {
			return nil, clientErr("InvalidParameterException", "The specified nextToken is invalid.")
		}
		start = n
	}
	limit := in.Limit
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	end := min(start+limit, len(all))
	resp := map[string]any{"events": append([]filteredLogEvent{}, all[start:end]...)}
	searched := []searchedLogStream{}
	for _, n := range names {
		searched = append(searched, searchedLogStream{LogStreamName: n, SearchedCompletely: end == len(all)})
	}
	resp["searchedLogStreams"] = searched
	if end < len(all) {
		resp["nextToken"] = fmt.Sprintf("n/%d", end)
	}
	return resp, nil
}

func containsAll(msg string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	return true
}
