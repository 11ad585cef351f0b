// Package ecstest is a local stand-in for the ECS and CloudWatch Logs APIs:
// an HTTP server that speaks the AWS JSON 1.1 protocol the real SDK clients
// use, records every request and lets a test script a task's life.
package ecstest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Fake identity of the account the server pretends to be.
const (
	Region          = "us-east-1"
	Account         = "123456789012"
	AccessKeyID     = "AKIDSCHEMAGATEFAKE01"
	SecretAccessKey = "fakeSecret/SchemagateTest/DoNotPrint+7f3a"
)

const (
	ecsTargetPrefix  = "AmazonEC2ContainerServiceV20141113."
	logsTargetPrefix = "Logs_20140328."
	jsonContentType  = "application/x-amz-json-1.1"
)

// Request is one API call the server received.
type Request struct {
	Service     string // "ecs" or "logs"
	Operation   string // e.g. "RunTask"
	Body        map[string]any
	AccessKeyID string // from the SigV4 Authorization header
}

// Server is the fake endpoint. Its zero value is not usable: call New.
type Server struct {
	URL string

	ts *httptest.Server

	mu       sync.Mutex
	requests []Request
	counts   map[string]int
	waiters  []waiter
	faults   map[string][]Fault
	taskDefs map[string][]*TaskDefinition // family -> revisions in order
	services map[string]*Service          // cluster ARN + "/" + name
	groups   map[string]map[string][]storedEvent
	scripts  []TaskScript
	tasks    map[string]*task
	tokens   map[string]string // RunTask clientToken -> task ARN
	nTasks   int
	nEvents  int
}

type waiter struct {
	op string
	n  int
	ch chan struct{}
}

type storedEvent struct {
	Timestamp     int64
	IngestionTime int64
	Message       string
	EventID       string
}

// New starts a server; it is closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{
		counts:   map[string]int{},
		faults:   map[string][]Fault{},
		taskDefs: map[string][]*TaskDefinition{},
		services: map[string]*Service{},
		groups:   map[string]map[string][]storedEvent{},
		tasks:    map[string]*task{},
		tokens:   map[string]string{},
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.ts.URL
	t.Cleanup(s.ts.Close)
	return s
}

// LoadOptions are the SDK config options that point a client at nothing but
// this server's fake identity: static credentials, the fake region, no shared
// config files, and the standard retryer with millisecond backoff.
func (s *Server) LoadOptions() []func(*config.LoadOptions) error {
	return []func(*config.LoadOptions) error{
		config.WithRegion(Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, "")),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 4
				o.MaxBackoff = 2 * time.Millisecond
			})
		}),
	}
}

// Clients returns real SDK clients whose endpoint is this server.
func (s *Server) Clients(ctx context.Context) (*ecs.Client, *cloudwatchlogs.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx, s.LoadOptions()...)
	if err != nil {
		return nil, nil, err
	}
	e := ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.BaseEndpoint = aws.String(s.URL) })
	l := cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(s.URL) })
	return e, l, nil
}

// FailNext makes the next n calls of op answer with f.
func (s *Server) FailNext(op string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[op] = append(s.faults[op], f)
	}
}

// Requests returns the recorded requests of op, or all of them when op is "".
func (s *Server) Requests(op string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if op == "" || r.Operation == op {
			out = append(out, r)
		}
	}
	return out
}

// Count is the number of calls of op received so far, failed ones included.
func (s *Server) Count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[op]
}

// WaitFor returns a channel closed once op has been called n times.
func (s *Server) WaitFor(op string, n int) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	if s.counts[op] >= n {
		close(ch)
		return ch
	}
	s.waiters = append(s.waiters, waiter{op: op, n: n, ch: ch})
	return ch
}

// AddTaskDefinition registers td as the next revision of its family and
// returns it with revision and ARN filled in.
func (s *Server) AddTaskDefinition(td TaskDefinition) TaskDefinition {
	s.mu.Lock()
	defer s.mu.Unlock()
	revs := s.taskDefs[td.Family]
	td.Revision = int32(len(revs) + 1)
	td.TaskDefinitionArn = fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:%d", Region, Account, td.Family, td.Revision)
	if td.Status == "" {
		td.Status = "ACTIVE"
	}
	stored := td
	s.taskDefs[td.Family] = append(revs, &stored)
	return td
}

// AddService registers svc in cluster.
func (s *Server) AddService(cluster string, svc Service) Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	svc.ClusterArn = clusterARN(cluster)
	svc.ServiceArn = fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", Region, Account, clusterName(cluster), svc.ServiceName)
	if svc.Status == "" {
		svc.Status = "ACTIVE"
	}
	stored := svc
	s.services[svc.ClusterArn+"/"+svc.ServiceName] = &stored
	return svc
}

// CreateLogGroup makes a CloudWatch Logs group exist.
func (s *Server) CreateLogGroup(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[name] == nil {
		s.groups[name] = map[string][]storedEvent{}
	}
}

// ExpireTasks forgets every task, as ECS does some time after a task stopped:
// DescribeTasks then reports them MISSING.
func (s *Server) ExpireTasks() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tasks = map[string]*task{}
}

// QueueTask scripts the task that the next RunTask call starts.
func (s *Server) QueueTask(script TaskScript) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts = append(s.scripts, script)
}

// apiError is an error answer in the AWS JSON protocol.
type apiError struct {
	status int
	typ    string
	msg    string
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

func clientErr(typ, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: typ, msg: fmt.Sprintf(format, args...)}
}

var credentialRe = regexp.MustCompile(`Credential=([^/,\s]+)/`)

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	var service, op string
	switch {
	case strings.HasPrefix(target, ecsTargetPrefix):
		service, op = "ecs", strings.TrimPrefix(target, ecsTargetPrefix)
	case strings.HasPrefix(target, logsTargetPrefix):
		service, op = "logs", strings.TrimPrefix(target, logsTargetPrefix)
	default:
		writeError(w, clientErr("UnknownOperationException", "unknown X-Amz-Target %q", target))
		return
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), jsonContentType) {
		writeError(w, clientErr("SerializationException", "expected POST with Content-Type %s", jsonContentType))
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		writeError(w, clientErr("SerializationException", "reading body: %v", err))
		return
	}
	body := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			writeError(w, clientErr("SerializationException", "body is not a JSON object: %v", err))
			return
		}
	}
	akid := ""
	if m := credentialRe.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		akid = m[1]
	}

	s.mu.Lock()
	s.requests = append(s.requests, Request{Service: service, Operation: op, Body: body, AccessKeyID: akid})
	s.counts[op]++
	reqID := fmt.Sprintf("req-%d", len(s.requests))
	s.wake(op)
	var resp any
	var apiErr *apiError
	if fs := s.faults[op]; len(fs) > 0 {
		f := fs[0]
		s.faults[op] = fs[1:]
		status := f.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		apiErr = &apiError{status: status, typ: f.Type, msg: f.Message}
	} else {
		resp, apiErr = s.dispatch(service, op, raw)
	}
	s.mu.Unlock()

	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	out, err := json.Marshal(resp)
	if err != nil {
		writeError(w, &apiError{status: http.StatusInternalServerError, typ: "ServerException", msg: err.Error()})
		return
	}
	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// wake closes the channels of waiters satisfied by the latest call; s.mu is held.
func (s *Server) wake(op string) {
	kept := s.waiters[:0]
	for _, wt := range s.waiters {
		if wt.op == op && s.counts[op] >= wt.n {
			close(wt.ch)
			continue
		}
		kept = append(kept, wt)
	}
	s.waiters = kept
}

func (s *Server) dispatch(service, op string, raw []byte) (any, *apiError) {
	switch service + "." + op {
	case "ecs.RunTask":
		return decodeAnd(raw, s.runTask)
	case "ecs.DescribeTasks":
		return decodeAnd(raw, s.describeTasks)
	case "ecs.StopTask":
		return decodeAnd(raw, s.stopTask)
	case "ecs.DescribeTaskDefinition":
		return decodeAnd(raw, s.describeTaskDefinition)
	case "ecs.DescribeServices":
		return decodeAnd(raw, s.describeServices)
	case "logs.GetLogEvents":
		return decodeAnd(raw, s.getLogEvents)
	case "logs.FilterLogEvents":
		return decodeAnd(raw, s.filterLogEvents)
	}
	return nil, clientErr("UnknownOperationException", "operation %s is not implemented by the fake", op)
}

// decodeAnd decodes the request body into In and calls fn with it.
func decodeAnd[In any](raw []byte, fn func(In) (any, *apiError)) (any, *apiError) {
	var in In
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &in); err != nil {
			return nil, clientErr("SerializationException", "%v", err)
		}
	}
	return fn(in)
}

func writeError(w http.ResponseWriter, e *apiError) {
	b, _ := json.Marshal(map[string]string{"__type": e.typ, "message": e.msg})
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

func clusterName(cluster string) string {
	if cluster == "" {
		return "default"
	}
	if i := strings.LastIndex(cluster, ":cluster/"); i >= 0 {
		return cluster[i+len(":cluster/"):]
	}
	return cluster
}

func clusterARN(cluster string) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", Region, Account, clusterName(cluster))
}
