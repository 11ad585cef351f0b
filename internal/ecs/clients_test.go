package ecs_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/schemagate/schemagate/internal/ecs"
	"github.com/schemagate/schemagate/internal/ecs/ecstest"
)

// isolateAWSEnv makes the SDK's default chain see only what the test sets:
// no profile, no shared files, no instance metadata.
func isolateAWSEnv(t *testing.T) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_PROFILE":                 "",
		"AWS_DEFAULT_PROFILE":         "",
		"AWS_REGION":                  "",
		"AWS_DEFAULT_REGION":          "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_ECS":        "",
		"AWS_ACCESS_KEY_ID":           "",
		"AWS_SECRET_ACCESS_KEY":       "",
		"AWS_SESSION_TOKEN":           "",
	} {
		t.Setenv(k, v)
	}
}

func TestNewClientsStandardChain(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		region   string
		endpoint func(srv *ecstest.Server) string
	}{
		{
			name:     "endpoint, region and credentials from the environment (LocalStack style)",
			env:      map[string]string{"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "AKIDFROMENVIRONMENT1", "AWS_SECRET_ACCESS_KEY": ecstest.SecretAccessKey},
			endpoint: func(*ecstest.Server) string { return "" },
		},
		{
			name:     "endpoint and region from arguments override the environment",
			env:      map[string]string{"AWS_REGION": "eu-central-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ACCESS_KEY_ID": "AKIDFROMENVIRONMENT1", "AWS_SECRET_ACCESS_KEY": ecstest.SecretAccessKey},
			region:   "us-west-2",
			endpoint: func(srv *ecstest.Server) string { return srv.URL },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateAWSEnv(t)
			srv := ecstest.New(t)
			srv.AddTaskDefinition(shopTaskDef("/ecs/shop"))
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if tt.env["AWS_ENDPOINT_URL"] == "" {
				t.Setenv("AWS_ENDPOINT_URL", srv.URL)
			}
			e, l, err := ecs.NewClients(context.Background(), tt.region, tt.endpoint(srv))
			if err != nil {
				t.Fatal(err)
			}
			if l == nil {
				t.Fatal("no logs client")
			}
			wantRegion := tt.env["AWS_REGION"]
			if tt.region != "" {
				wantRegion = tt.region
			}
			if got := e.Options().Region; got != wantRegion {
				t.Errorf("region = %q, want %q", got, wantRegion)
			}
			out, err := e.DescribeTaskDefinition(context.Background(), &awsecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("shop-migrate")})
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(out.TaskDefinition.Family); got != "shop-migrate" {
				t.Errorf("family = %q", got)
			}
			reqs := srv.Requests("DescribeTaskDefinition")
			if len(reqs) != 1 || reqs[0].AccessKeyID != "AKIDFROMENVIRONMENT1" {
				t.Errorf("requests %+v, want one signed with the environment's access key", reqs)
			}
		})
	}
}

func TestNewClientsErrors(t *testing.T) {
	isolateAWSEnv(t)
	t.Setenv("AWS_REGION", "us-east-1")
	_, _, err := ecs.NewClients(context.Background(), "", "ftp://deploy:hunter2@localstack:4566")
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "is not an http(s) URL") {
		t.Errorf("bad endpoint: error = %v, want a complaint without the password", err)
	}
	_, _, err = ecs.NewClients(context.Background(), "", "localstack:4566")
	if err == nil {
		t.Errorf("endpoint without scheme accepted")
	}

	isolateAWSEnv(t)
	_, _, err = ecs.NewClients(context.Background(), "", "http://localhost:4566")
	if want := "no AWS region: set AWS_REGION (or a region in the AWS config profile)"; err == nil || err.Error() != want {
		t.Errorf("no region: error = %v, want %q", err, want)
	}
}
