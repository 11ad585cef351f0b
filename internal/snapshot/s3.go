package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/schemagate/schemagate/internal/awscfg"
)

// NewS3Client builds an S3 client from the standard AWS SDK chain, as
// gate's ECS clients are built: credentials, region, retry settings and
// AWS_ENDPOINT_URL(_S3) from the environment and shared config. A
// non-empty region or endpointURL overrides the chain's. With an endpoint
// override (LocalStack, MinIO, a test server) buckets are addressed by
// path, which every S3-compatible server understands. optFns are extra
// load options, applied last (tests use them).
func NewS3Client(ctx context.Context, region, endpointURL string, optFns ...func(*config.LoadOptions) error) (*s3.Client, error) {
	cfg, err := awscfg.Load(ctx, region, endpointURL, optFns...)
	if err != nil {
		return nil, err
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpointURL != "" {
			o.BaseEndpoint = aws.String(endpointURL)
		}
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
	}), nil
}

// Location is an S3 bucket and key (or key prefix).
type Location struct {
	Bucket string
	Key    string
}

func (l Location) String() string { return "s3://" + l.Bucket + "/" + l.Key }

// IsS3URL reports whether s names an S3 object or prefix.
func IsS3URL(s string) bool { return strings.HasPrefix(s, "s3://") }

// ParseS3URL reads s3://BUCKET/KEY. A prefix (dir true) must end in "/"
// or be empty; an object key must not.
func ParseS3URL(s string, dir bool) (Location, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return Location{}, fmt.Errorf("%q is not an s3:// URL", s)
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if err := checkBucket(bucket); err != nil {
		return Location{}, fmt.Errorf("%s: %w", s, err)
	}
	switch {
	case dir && key != "" && !strings.HasSuffix(key, "/"):
		return Location{}, fmt.Errorf("%s: a snapshot prefix must end in / (s3://%s/%s/)", s, bucket, key)
	case !dir && (key == "" || strings.HasSuffix(key, "/")):
		return Location{}, fmt.Errorf("%s: names no object (s3://BUCKET/KEY.json.gz)", s)
	case strings.Contains(key, "//") || strings.HasPrefix(key, "/"):
		return Location{}, fmt.Errorf("%s: empty path segment in the key", s)
	}
	return Location{Bucket: bucket, Key: key}, nil
}

// checkBucket applies S3's bucket naming rules, so a typo fails here with
// a clear message rather than as a signature or DNS error.
func checkBucket(b string) error {
	if len(b) < 3 || len(b) > 63 {
		return fmt.Errorf("bucket name %q must be 3 to 63 characters", b)
	}
	for i, c := range b {
		ok := 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || (c == '-' || c == '.') && i > 0 && i < len(b)-1
		if !ok {
			return fmt.Errorf("bucket name %q: only lowercase letters, digits, '.' and '-' (not first or last)", b)
		}
	}
	return nil
}

// ObjectKey is where a revision's snapshot is stored under prefix.
func ObjectKey(prefix, revision string) string { return prefix + revision + ".json.gz" }

// Store reads and writes snapshots in S3.
type Store struct {
	Client *s3.Client
	// MaxObject is the largest object read, in bytes (MaxCompressedSize
	// when 0).
	MaxObject int64
}

func (st *Store) maxObject() int64 {
	if st.MaxObject > 0 {
		return st.MaxObject
	}
	return MaxCompressedSize
}

// Upload stores the snapshot at prefix/<revision>.json.gz and returns its
// location.
func (st *Store) Upload(ctx context.Context, prefix Location, s *Snapshot) (Location, error) {
	data, err := s.Marshal(true)
	if err != nil {
		return Location{}, err
	}
	loc := Location{Bucket: prefix.Bucket, Key: ObjectKey(prefix.Key, s.Revision)}
	_, err = st.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(loc.Bucket),
		Key:           aws.String(loc.Key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		ContentType:   aws.String("application/gzip"),
		Metadata:      map[string]string{"schemagate-format": fmt.Sprint(s.Format), "schemagate-revision": s.Revision},
	})
	if err != nil {
		return Location{}, fmt.Errorf("uploading %s: %s", loc, errText(err))
	}
	return loc, nil
}

// Get reads a snapshot object. A missing key is a *NotFoundError.
func (st *Store) Get(ctx context.Context, loc Location) (*Snapshot, error) {
	// HEAD first, so an object over the limit is refused before it is
	// downloaded.
	head, err := st.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)})
	if err != nil && !isCode(err, "NotFound") {
		return nil, st.readErr(loc, err)
	}
	if err != nil {
		// A HEAD answer has no body, so a missing bucket and a missing
		// key look alike: GET tells them apart.
		out, err := st.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)})
		if err == nil {
			out.Body.Close()
			return nil, fmt.Errorf("%s: the object appeared while it was read; try again", loc)
		}
		return nil, st.readErr(loc, err)
	}
	limit := st.maxObject()
	if n := aws.ToInt64(head.ContentLength); n > limit {
		return nil, fmt.Errorf("%s: the object is %s, more than the %s limit of a snapshot", loc, sizeText(n), sizeText(limit))
	}
	out, err := st.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)})
	if err != nil {
		return nil, st.readErr(loc, err)
	}
	defer out.Body.Close()
	// The object may have changed since HEAD: never read past the limit.
	raw, err := io.ReadAll(io.LimitReader(out.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: reading the object: %s", loc, errText(err))
	}
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("%s: the object is more than the %s limit of a snapshot", loc, sizeText(limit))
	}
	return decodeBytes(raw, loc.String())
}

// GetRevision reads the snapshot of revision under prefix and checks that
// it is that revision's: a snapshot stored under another revision's key
// is never used.
func (st *Store) GetRevision(ctx context.Context, prefix Location, revision string) (*Snapshot, error) {
	if err := CheckRevision(revision); err != nil {
		return nil, err
	}
	loc := Location{Bucket: prefix.Bucket, Key: ObjectKey(prefix.Key, revision)}
	s, err := st.Get(ctx, loc)
	if err != nil {
		return nil, err
	}
	if s.Revision != revision {
		return nil, &CorruptError{Name: loc.String(), Err: fmt.Errorf("it is the snapshot of revision %s, not of %s", s.Revision, revision)}
	}
	return s, nil
}

func (st *Store) readErr(loc Location, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey":
			return &NotFoundError{Where: loc.String(), Reason: "no such key"}
		case "NoSuchBucket":
			return fmt.Errorf("%s: bucket %s does not exist", loc, loc.Bucket)
		case "AccessDenied", "Forbidden":
			return fmt.Errorf("%s: access denied (S3 also answers so for a missing key when the role may not s3:ListBucket the bucket)", loc)
		}
	}
	return fmt.Errorf("reading %s: %s", loc, errText(err))
}

func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// errText is the short "Code: message" of an AWS API error, or the error
// text for anything else (network errors, exhausted retries).
func errText(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if msg := ae.ErrorMessage(); msg != "" {
			return ae.ErrorCode() + ": " + msg
		}
		return ae.ErrorCode()
	}
	return err.Error()
}
