// Package awscfg loads the AWS SDK configuration the ECS clients (gate)
// and the S3 client (snapshots) are built from, so both read the same
// chain and reject the same bad endpoint.
package awscfg

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/schemagate/schemagate/internal/redact"
)

// Load reads the standard AWS SDK chain (environment, shared config and
// credentials files, SSO, IMDS, ...), which also supplies the retry
// settings (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE) and AWS_ENDPOINT_URL. A
// non-empty region overrides the chain's; a non-empty endpointURL must be
// an http(s) URL with a host (the caller sets it on each client). optFns
// are extra load options, applied last (tests use them).
func Load(ctx context.Context, region, endpointURL string, optFns ...func(*config.LoadOptions) error) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	opts = append(opts, optFns...)
	if endpointURL != "" {
		u, err := url.Parse(endpointURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return aws.Config{}, fmt.Errorf("endpoint URL %q is not an http(s) URL with a host", redact.ConnString(endpointURL))
		}
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: set AWS_REGION (or a region in the AWS config profile)")
	}
	return cfg, nil
}
