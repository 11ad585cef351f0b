package snapshot_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/snapshot"
	"github.com/schemagate/schemagate/internal/snapshot/s3test"
)

func TestParseS3URL(t *testing.T) {
	cases := []struct {
		in   string
		dir  bool
		want snapshot.Location
		err  string
	}{
		{"s3://snaps/shop/", true, snapshot.Location{Bucket: "snaps", Key: "shop/"}, ""},
		{"s3://snaps", true, snapshot.Location{Bucket: "snaps"}, ""},
		{"s3://snaps/", true, snapshot.Location{Bucket: "snaps"}, ""},
		{"s3://snaps/shop/3f2c1ab.json.gz", false, snapshot.Location{Bucket: "snaps", Key: "shop/3f2c1ab.json.gz"}, ""},
		{"s3://snaps/shop", true, snapshot.Location{}, "must end in /"},
		{"s3://snaps/shop/", false, snapshot.Location{}, "names no object"},
		{"s3://Snaps/shop/", true, snapshot.Location{}, "only lowercase"},
		{"s3://ab/x", false, snapshot.Location{}, "3 to 63"},
		{"s3://snaps//x", false, snapshot.Location{}, "empty path segment"},
		{"https://snaps.s3.amazonaws.com/x", false, snapshot.Location{}, "not an s3:// URL"},
	}
	for _, c := range cases {
		got, err := snapshot.ParseS3URL(c.in, c.dir)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.in, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want %q", c.in, err, c.err)
		case got != c.want:
			t.Errorf("%s: %+v, want %+v", c.in, got, c.want)
		}
	}
}

func s3Store(t *testing.T, srv *s3test.Server) *snapshot.Store {
	t.Helper()
	client, err := srv.Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &snapshot.Store{Client: client}
}

// Upload and read back through the real SDK client, over HTTP and over
// HTTPS (where uploads are aws-chunked with a trailing checksum).
func TestStoreRoundTrip(t *testing.T) {
	for _, start := range []func(testing.TB, ...string) *s3test.Server{s3test.New, s3test.NewTLS} {
		srv := start(t, "snaps")
		st := s3Store(t, srv)
		ctx := context.Background()
		s := buildSnapshot(t, os.DirFS(writeTree(t, manyFormats)), config.Default(), snapshot.Options{Revision: "3f2c1ab"})
		prefix, _ := snapshot.ParseS3URL("s3://snaps/shop/", true)
		srv.FailNext("PutObject", 1, s3test.SlowDown)
		loc, err := st.Upload(ctx, prefix, s)
		if err != nil {
			t.Fatal(err)
		}
		if loc.String() != "s3://snaps/shop/3f2c1ab.json.gz" {
			t.Errorf("stored at %s", loc)
		}
		stored, _ := srv.Object("snaps", "shop/3f2c1ab.json.gz")
		want, _ := s.Marshal(true)
		if !bytes.Equal(stored, want) {
			t.Errorf("the object is not the snapshot's gzip bytes")
		}
		srv.FailNext("HeadObject", 1, s3test.SlowDown)
		srv.FailNext("GetObject", 2, s3test.SlowDown)
		back, err := st.GetRevision(ctx, prefix, "3f2c1ab")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := back.Marshal(true)
		if !bytes.Equal(got, want) {
			t.Errorf("read back a different snapshot")
		}
		var statuses []int
		for _, r := range srv.Requests("") {
			statuses = append(statuses, r.Status)
			if r.AccessKeyID != s3test.AccessKeyID {
				t.Errorf("%s not signed with the configured key", r.Operation)
			}
		}
		// Every throttled call was retried until it succeeded.
		if diff := cmp.Diff([]int{503, 200, 503, 200, 503, 503, 200}, statuses); diff != "" {
			t.Errorf("statuses of PutObject, HeadObject, GetObject (-want +got):\n%s", diff)
		}
	}
}

func TestStoreRefuses(t *testing.T) {
	srv := s3test.New(t, "snaps")
	st := s3Store(t, srv)
	ctx := context.Background()
	prefix, _ := snapshot.ParseS3URL("s3://snaps/shop/", true)
	s := buildSnapshot(t, os.DirFS(writeTree(t, manyFormats)), config.Default(), snapshot.Options{Revision: "b2b2b2b"})
	gz, _ := s.Marshal(true)

	// No snapshot at the key: a not-found error naming the key.
	_, err := st.GetRevision(ctx, prefix, "a1a1a1a")
	if !errors.Is(err, snapshot.ErrNotFound) || !strings.Contains(err.Error(), "s3://snaps/shop/a1a1a1a.json.gz: no such key") {
		t.Errorf("missing key: %v", err)
	}

	// A snapshot stored under another revision's key is not used.
	srv.Put("snaps", "shop/c3c3c3c.json.gz", gz)
	_, err = st.GetRevision(ctx, prefix, "c3c3c3c")
	var ce *snapshot.CorruptError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "it is the snapshot of revision b2b2b2b, not of c3c3c3c") {
		t.Errorf("revision differs from its key: %v", err)
	}

	// A truncated object is corrupt, not missing.
	srv.Put("snaps", "shop/d4d4d4d.json.gz", gz[:len(gz)-100])
	_, err = st.GetRevision(ctx, prefix, "d4d4d4d")
	if !errors.As(err, &ce) || errors.Is(err, snapshot.ErrNotFound) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated object: %v", err)
	}

	// An object over the limit is refused from its HEAD, never downloaded.
	srv.Put("snaps", "shop/e5e5e5e.json.gz", gz)
	gets := len(srv.Requests("GetObject"))
	small := &snapshot.Store{Client: st.Client, MaxObject: int64(len(gz) - 1)}
	_, err = small.GetRevision(ctx, prefix, "e5e5e5e")
	if err == nil || !strings.Contains(err.Error(), "more than the") || !strings.Contains(err.Error(), "limit of a snapshot") {
		t.Errorf("object over the limit: %v", err)
	}
	if n := len(srv.Requests("GetObject")); n != gets {
		t.Errorf("an object over the limit was downloaded")
	}

	// A revision that cannot be a key part is refused before any request.
	n := len(srv.Requests(""))
	if _, err := st.GetRevision(ctx, prefix, "../other/x"); err == nil {
		t.Error("revision ../other/x accepted")
	}
	if len(srv.Requests("")) != n {
		t.Error("a request was sent for an invalid revision")
	}

	// Access denied is an error of its own, with the usual cause.
	srv.FailNext("HeadObject", 1, s3test.Fault{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied"})
	_, err = st.GetRevision(ctx, prefix, "b2b2b2b")
	if err == nil || errors.Is(err, snapshot.ErrNotFound) || !strings.Contains(err.Error(), "access denied") || !strings.Contains(err.Error(), "s3:ListBucket") {
		t.Errorf("access denied: %v", err)
	}

	// Throttling past the retry budget is an error that says so.
	srv.Put("snaps", "shop/b2b2b2b.json.gz", gz)
	srv.FailNext("GetObject", 4, s3test.SlowDown)
	_, err = st.GetRevision(ctx, prefix, "b2b2b2b")
	if err == nil || !strings.Contains(err.Error(), "SlowDown") {
		t.Errorf("persistent throttling: %v", err)
	}

	// A bucket that does not exist.
	other, _ := snapshot.ParseS3URL("s3://no-such-bucket/shop/", true)
	_, err = st.GetRevision(ctx, other, "b2b2b2b")
	if err == nil || errors.Is(err, snapshot.ErrNotFound) || !strings.Contains(err.Error(), "s3://no-such-bucket/shop/b2b2b2b.json.gz: bucket no-such-bucket does not exist") {
		t.Errorf("missing bucket: %v", err)
	} else if strings.Contains(err.Error(), s3test.SecretAccessKey) {
		t.Error("the secret key is in an error")
	}
}

func TestNewS3ClientUsesPathStyleWithAnEndpoint(t *testing.T) {
	srv := s3test.New(t, "snaps")
	t.Setenv("AWS_ACCESS_KEY_ID", s3test.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	ctx := context.Background()
	for _, viaEnv := range []bool{false, true} {
		endpoint := srv.URL
		if viaEnv {
			t.Setenv("AWS_ENDPOINT_URL", srv.URL)
			endpoint = ""
		}
		client, err := snapshot.NewS3Client(ctx, s3test.Region, endpoint)
		if err != nil {
			t.Fatal(err)
		}
		st := &snapshot.Store{Client: client}
		prefix, _ := snapshot.ParseS3URL("s3://snaps/", true)
		_, err = st.GetRevision(ctx, prefix, "a1a1a1a")
		if !errors.Is(err, snapshot.ErrNotFound) {
			t.Errorf("endpoint from env %v: %v (path-style requests reach the server)", viaEnv, err)
		}
	}
	if _, err := snapshot.NewS3Client(ctx, s3test.Region, "ftp://user:hunter2@example.com"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("bad endpoint: %v", err)
	}
}
