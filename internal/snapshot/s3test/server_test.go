package s3test_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/snapshot/s3test"
)

// The real SDK client round-trips objects through the fake, over HTTP
// (checksum in a header) and HTTPS (aws-chunked body with a trailer).
func TestRoundTripWithTheRealClient(t *testing.T) {
	for _, tc := range []struct {
		name    string
		start   func(testing.TB, ...string) *s3test.Server
		chunked bool
	}{
		{"http", s3test.New, false},
		{"https", s3test.NewTLS, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := tc.start(t, "releases")
			ctx := context.Background()
			client, err := srv.Client(ctx)
			if err != nil {
				t.Fatal(err)
			}
			body := bytes.Repeat([]byte("schemagate snapshot\n"), 5000)
			_, err = client.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String("releases"), Key: aws.String("shop/3f2c1ab.json.gz"),
				Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))),
				Metadata: map[string]string{"schemagate-revision": "3f2c1ab"},
			})
			if err != nil {
				t.Fatalf("PutObject: %v", err)
			}
			puts := srv.Requests("PutObject")
			if len(puts) != 1 || puts[0].Chunked != tc.chunked || puts[0].Checksum == "" || puts[0].AccessKeyID != s3test.AccessKeyID {
				t.Errorf("PutObject as received: %+v", puts)
			}
			head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("releases"), Key: aws.String("shop/3f2c1ab.json.gz")})
			if err != nil {
				t.Fatalf("HeadObject: %v", err)
			}
			if aws.ToInt64(head.ContentLength) != int64(len(body)) || head.Metadata["schemagate-revision"] != "3f2c1ab" {
				t.Errorf("HeadObject: length %d, metadata %v", aws.ToInt64(head.ContentLength), head.Metadata)
			}
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("releases"), Key: aws.String("shop/3f2c1ab.json.gz"), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatalf("GetObject: %v", err)
			}
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, body) {
				t.Errorf("GetObject returned %d bytes, want the %d uploaded", len(got), len(body))
			}
		})
	}
}

func TestErrors(t *testing.T) {
	srv := s3test.New(t, "releases")
	ctx := context.Background()
	client, err := srv.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	get := func(bucket, key string) error {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err == nil {
			out.Body.Close()
		}
		return err
	}

	var nsk *types.NoSuchKey
	if err := get("releases", "nope.json.gz"); !errors.As(err, &nsk) {
		t.Errorf("missing key: %v, want NoSuchKey", err)
	}
	var nf *types.NotFound
	if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("releases"), Key: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("HEAD of a missing key: %v, want NotFound", err)
	}
	var ae smithy.APIError
	if err := get("other-bucket", "k"); !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucket" {
		t.Errorf("missing bucket: %v, want NoSuchBucket", err)
	}

	// Throttling is retried by the SDK's standard retryer.
	srv.Put("releases", "k", []byte("x"))
	srv.FailNext("GetObject", 2, s3test.SlowDown)
	if err := get("releases", "k"); err != nil {
		t.Errorf("after two SlowDown answers: %v", err)
	}
	var statuses []int
	for _, r := range srv.Requests("GetObject") {
		if r.Bucket == "releases" && r.Key == "k" {
			statuses = append(statuses, r.Status)
		}
	}
	if diff := cmp.Diff([]int{503, 503, 200}, statuses); diff != "" {
		t.Errorf("GetObject statuses (-want +got):\n%s", diff)
	}
	// Past the retry budget the throttling error surfaces with its code.
	srv.FailNext("GetObject", 4, s3test.SlowDown)
	err = get("releases", "k")
	if !errors.As(err, &ae) || ae.ErrorCode() != "SlowDown" {
		t.Errorf("after four SlowDown answers: %v", err)
	}
	if strings.Contains(err.Error(), s3test.SecretAccessKey) {
		t.Errorf("the secret key is in the error: %v", err)
	}
}
