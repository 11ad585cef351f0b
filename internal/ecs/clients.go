// Package ecs runs a migration as a one-off ECS task and reports whether it
// succeeded: RunTask, wait for STOPPED while streaming the container's
// CloudWatch Logs, then judge the essential container's exit code. It also
// finds the revisions a service is running (DeployedReleases).
package ecs

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"

	"github.com/schemagate/schemagate/internal/awscfg"
)

// NewClients builds ECS and CloudWatch Logs clients from the standard AWS
// SDK chain (environment, shared config and credentials files, SSO, IMDS, ...),
// which also supplies the retry settings (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE)
// and AWS_ENDPOINT_URL. A non-empty region or endpointURL overrides the
// chain's. optFns are extra load options, applied last (tests use them).
func NewClients(ctx context.Context, region, endpointURL string, optFns ...func(*config.LoadOptions) error) (*ecs.Client, *cloudwatchlogs.Client, error) {
	cfg, err := awscfg.Load(ctx, region, endpointURL, optFns...)
	if err != nil {
		return nil, nil, err
	}
	e := ecs.NewFromConfig(cfg, func(o *ecs.Options) {
		if endpointURL != "" {
			o.BaseEndpoint = aws.String(endpointURL)
		}
	})
	l := cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		if endpointURL != "" {
			o.BaseEndpoint = aws.String(endpointURL)
		}
	})
	return e, l, nil
}

// apiErrText is the short "Code: message" of an AWS API error, or the error
// text for anything else (network errors, exhausted retries).
func apiErrText(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

func isErrorCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}
