// Package s3test is a local stand-in for Amazon S3: an HTTP server that
// speaks the REST-XML protocol of PutObject, GetObject and HeadObject with
// path-style addressing, as the real SDK client sends them (SigV4 headers,
// CRC32 checksums in a header or an aws-chunked trailer), records every
// request, and lets a test inject errors such as throttling.
package s3test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Fake identity the server expects; tests check it is never printed.
const (
	Region          = "us-east-1"
	AccessKeyID     = "AKIDSCHEMAGATES3FAKE"
	SecretAccessKey = "fakeS3Secret/SchemagateTest/DoNotPrint+19c2"
)

// lastModified is the fixed time every object reports, so answers are
// the same on every run.
var lastModified = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// maxBody bounds what a PUT may send.
const maxBody = 128 << 20

// Request is one call the server received.
type Request struct {
	Operation   string // PutObject, GetObject, HeadObject
	Bucket, Key string
	AccessKeyID string // from the SigV4 Authorization header
	Status      int    // the HTTP status answered
	// Chunked is true for a PutObject whose body was aws-chunked with a
	// trailing checksum.
	Chunked bool
	// Checksum is the CRC32 the client sent with a PutObject ("" none).
	Checksum string
}

// Fault is an error the server answers with instead of doing the
// operation.
type Fault struct {
	Status  int
	Code    string
	Message string
}

// SlowDown is S3's throttling answer, which clients retry.
var SlowDown = Fault{Status: http.StatusServiceUnavailable, Code: "SlowDown", Message: "Please reduce your request rate."}

type object struct {
	data        []byte
	contentType string
	meta        map[string]string
	crc32       string
	etag        string
}

// Server is the fake endpoint; call New.
type Server struct {
	URL string
	// Fallback, when set, serves requests that are not S3's: those of the
	// AWS JSON protocols (an X-Amz-Target header), so that one endpoint
	// URL can stand for several services.
	Fallback http.Handler

	httpClient *http.Client // trusts the TLS server's certificate

	mu       sync.Mutex
	buckets  map[string]map[string]*object
	faults   map[string][]Fault
	requests []Request
	nReq     int
}

// New starts a plain HTTP server with the given buckets; it is closed
// when the test ends.
func New(t testing.TB, buckets ...string) *Server {
	s := newServer(buckets)
	ts := httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(ts.Close)
	s.URL = ts.URL
	return s
}

// NewTLS starts an HTTPS server. Over HTTPS the SDK streams uploads
// aws-chunked with the checksum in a trailer, as it does against AWS.
func NewTLS(t testing.TB, buckets ...string) *Server {
	s := newServer(buckets)
	ts := httptest.NewTLSServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(ts.Close)
	s.URL = ts.URL
	s.httpClient = ts.Client()
	return s
}

func newServer(buckets []string) *Server {
	s := &Server{buckets: map[string]map[string]*object{}, faults: map[string][]Fault{}}
	for _, b := range buckets {
		s.buckets[b] = map[string]*object{}
	}
	return s
}

// LoadOptions point an SDK config at nothing but the fake identity: static
// credentials, the fake region, no shared config files, and the standard
// retryer with millisecond backoff.
func LoadOptions() []func(*config.LoadOptions) error {
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

// Client returns a real S3 client whose endpoint is this server.
func (s *Server) Client(ctx context.Context) (*s3.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx, LoadOptions()...)
	if err != nil {
		return nil, err
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.URL)
		o.UsePathStyle = true
		if s.httpClient != nil {
			o.HTTPClient = s.httpClient
		}
	}), nil
}

// Put stores an object as if it had been uploaded.
func (s *Server) Put(bucket, key string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets[bucket] == nil {
		s.buckets[bucket] = map[string]*object{}
	}
	s.buckets[bucket][key] = newObject(data, "application/octet-stream", nil)
}

// Object returns a stored object's bytes.
func (s *Server) Object(bucket, key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.buckets[bucket][key]
	if !ok {
		return nil, false
	}
	return bytes.Clone(o.data), true
}

// Keys returns the keys stored in bucket.
func (s *Server) Keys(bucket string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.buckets[bucket] {
		out = append(out, k)
	}
	return out
}

// FailNext makes the next n calls of op answer with f.
func (s *Server) FailNext(op string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[op] = append(s.faults[op], f)
	}
}

// Requests returns the recorded requests of op, or all when op is "".
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

func newObject(data []byte, contentType string, meta map[string]string) *object {
	sum := md5.Sum(data)
	return &object{data: data, contentType: contentType, meta: meta, crc32: crc32Of(data), etag: `"` + hex.EncodeToString(sum[:]) + `"`}
}

func crc32Of(data []byte) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], crc32.ChecksumIEEE(data))
	return base64.StdEncoding.EncodeToString(b[:])
}

var credentialRe = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/`)

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "" && s.Fallback != nil {
		s.Fallback.ServeHTTP(w, r)
		return
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	op := ""
	switch r.Method {
	case http.MethodPut:
		op = "PutObject"
	case http.MethodGet:
		op = "GetObject"
	case http.MethodHead:
		op = "HeadObject"
	}
	req := Request{Operation: op, Bucket: bucket, Key: key}
	if m := credentialRe.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		req.AccessKeyID = m[1]
	}

	s.mu.Lock()
	s.nReq++
	reqID := fmt.Sprintf("S3TEST%08d", s.nReq)
	var fault *Fault
	if fs := s.faults[op]; op != "" && len(fs) > 0 {
		fault = &fs[0]
		s.faults[op] = fs[1:]
	}
	s.mu.Unlock()

	status := s.handle(w, r, &req, reqID, fault)
	req.Status = status
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
}

// handle answers one request and returns the status it sent.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, req *Request, reqID string, fault *Fault) int {
	w.Header().Set("X-Amz-Request-Id", reqID)
	w.Header().Set("X-Amz-Id-2", "s3test/"+reqID)
	head := r.Method == http.MethodHead
	switch {
	case req.Operation == "":
		return writeError(w, head, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", reqID)
	case req.AccessKeyID == "":
		return writeError(w, head, http.StatusForbidden, "AccessDenied", "Anonymous access is forbidden: no SigV4 Authorization header.", reqID)
	case fault != nil:
		return writeError(w, head, fault.Status, fault.Code, fault.Message, reqID)
	case req.Key == "" || r.URL.Query().Has("list-type") || r.URL.Query().Has("uploads"):
		return writeError(w, head, http.StatusNotImplemented, "NotImplemented", "Only PutObject, GetObject and HeadObject are implemented by the fake.", reqID)
	}

	s.mu.Lock()
	objects, bucketOK := s.buckets[req.Bucket]
	s.mu.Unlock()
	if !bucketOK {
		return writeError(w, head, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", reqID)
	}

	if req.Operation == "PutObject" {
		data, checksum, chunked, err := readBody(r)
		req.Chunked, req.Checksum = chunked, checksum
		if err != nil {
			return writeError(w, false, http.StatusBadRequest, "InvalidRequest", err.Error(), reqID)
		}
		if checksum != "" && checksum != crc32Of(data) {
			return writeError(w, false, http.StatusBadRequest, "BadDigest", "The CRC32 you specified did not match the calculated checksum.", reqID)
		}
		meta := map[string]string{}
		for name, v := range r.Header {
			if m, ok := strings.CutPrefix(strings.ToLower(name), "x-amz-meta-"); ok {
				meta[m] = v[0]
			}
		}
		o := newObject(data, r.Header.Get("Content-Type"), meta)
		s.mu.Lock()
		objects[req.Key] = o
		s.mu.Unlock()
		w.Header().Set("ETag", o.etag)
		w.Header().Set("X-Amz-Checksum-Crc32", o.crc32)
		w.WriteHeader(http.StatusOK)
		return http.StatusOK
	}

	s.mu.Lock()
	o, ok := objects[req.Key]
	s.mu.Unlock()
	if !ok {
		return writeError(w, head, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", reqID)
	}
	h := w.Header()
	h.Set("Content-Length", strconv.Itoa(len(o.data)))
	h.Set("Content-Type", o.contentType)
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", lastModified.Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	for k, v := range o.meta {
		h.Set("X-Amz-Meta-"+k, v)
	}
	if strings.EqualFold(r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") {
		h.Set("X-Amz-Checksum-Crc32", o.crc32)
		h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
	}
	w.WriteHeader(http.StatusOK)
	if !head {
		_, _ = w.Write(o.data)
	}
	return http.StatusOK
}

// readBody reads a PutObject body, decoding aws-chunked encoding; it
// returns the CRC32 the client sent in a header or trailer.
func readBody(r *http.Request) (data []byte, checksum string, chunked bool, err error) {
	body := io.LimitReader(r.Body, maxBody+1)
	checksum = r.Header.Get("X-Amz-Checksum-Crc32")
	if !strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		data, err = io.ReadAll(body)
		if err == nil && len(data) > maxBody {
			err = errors.New("body too large for the fake")
		}
		return data, checksum, false, err
	}
	data, trailers, err := decodeChunked(bufio.NewReader(body))
	if err != nil {
		return nil, "", true, fmt.Errorf("aws-chunked body: %w", err)
	}
	if n := r.Header.Get("X-Amz-Decoded-Content-Length"); n != "" && n != strconv.Itoa(len(data)) {
		return nil, "", true, fmt.Errorf("decoded length %d, header says %s", len(data), n)
	}
	if v, ok := trailers["x-amz-checksum-crc32"]; ok {
		checksum = v
	}
	return data, checksum, true, nil
}

// decodeChunked reads "<hex size>[;ext]\r\n<data>\r\n" chunks up to the
// zero-size one, then "name:value\r\n" trailers up to an empty line.
func decodeChunked(br *bufio.Reader) ([]byte, map[string]string, error) {
	var out bytes.Buffer
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, nil, err
		}
		sizeText, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeText), 16, 64)
		if err != nil || size < 0 || int64(out.Len())+size > maxBody {
			return nil, nil, fmt.Errorf("bad chunk size %q", sizeText)
		}
		if size == 0 {
			break
		}
		if _, err := io.CopyN(&out, br, size); err != nil {
			return nil, nil, err
		}
		if crlf, err := br.ReadString('\n'); err != nil || crlf != "\r\n" {
			return nil, nil, errors.New("chunk not followed by CRLF")
		}
	}
	trailers := map[string]string{}
	for {
		line, err := br.ReadString('\n')
		if err != nil && line == "" {
			return out.Bytes(), trailers, nil
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return out.Bytes(), trailers, nil
		}
		name, value, _ := strings.Cut(line, ":")
		trailers[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
	}
}

type xmlError struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
}

// writeError answers in S3's REST-XML error shape (no body for HEAD, as
// S3 does).
func writeError(w http.ResponseWriter, head bool, status int, code, msg, reqID string) int {
	if head {
		w.WriteHeader(status)
		return status
	}
	body, _ := xml.Marshal(xmlError{Code: code, Message: msg, RequestID: reqID})
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
	return status
}
