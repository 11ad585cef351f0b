package ecs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/ecs"
	"github.com/schemagate/schemagate/internal/ecs/ecstest"
)

// webTaskDef is one release of the web service: its image is tagged with the
// commit and the commit is also in the environment.
func webTaskDef(image, sha string) ecstest.TaskDefinition {
	return ecstest.TaskDefinition{
		Family: "shop-web",
		ContainerDefinitions: []ecstest.ContainerDefinition{
			{Name: "web", Image: image, Environment: []ecstest.KeyValue{
				{Name: "GIT_SHA", Value: sha},
				{Name: "DATABASE_PASSWORD", Value: dbPassword},
			}, Secrets: []ecstest.Secret{{Name: "SECRET_KEY_BASE", ValueFrom: "arn:aws:ssm:us-east-1:123456789012:parameter/shop/secret_key_base"}}},
			{Name: "log-router", Image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable", Essential: ptr(false)},
		},
	}
}

const ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop"

func TestDeployedReleases(t *testing.T) {
	type fixture struct {
		v1, v2, v3 ecstest.TaskDefinition
	}
	tests := []struct {
		name         string
		service      func(f fixture) ecstest.Service
		revisionFrom string
		want         func(f fixture) []ecs.Release
	}{
		{
			name: "rolling deployment in progress: PRIMARY and ACTIVE, INACTIVE skipped",
			service: func(f fixture) ecstest.Service {
				return ecstest.Service{ServiceName: "web", Deployments: []ecstest.Deployment{
					{ID: "ecs-svc/3", Status: "ACTIVE", TaskDefinition: f.v2.TaskDefinitionArn, RolloutState: "COMPLETED"},
					{ID: "ecs-svc/4", Status: "PRIMARY", TaskDefinition: f.v3.TaskDefinitionArn, RolloutState: "IN_PROGRESS"},
					{ID: "ecs-svc/2", Status: "INACTIVE", TaskDefinition: f.v1.TaskDefinitionArn},
				}}
			},
			revisionFrom: "tag",
			want: func(f fixture) []ecs.Release {
				return []ecs.Release{
					{Revision: "c3c3c3c", TaskDefinition: f.v3.TaskDefinitionArn, Image: ecr + ":c3c3c3c", Status: "PRIMARY", Source: "deployment"},
					{Revision: "b2b2b2b", TaskDefinition: f.v2.TaskDefinitionArn, Image: ecr + ":b2b2b2b", Status: "ACTIVE", Source: "deployment"},
				}
			},
		},
		{
			name: "settled service without a deployment controller field",
			service: func(f fixture) ecstest.Service {
				return ecstest.Service{ServiceName: "web", Deployments: []ecstest.Deployment{
					{ID: "ecs-svc/4", Status: "PRIMARY", TaskDefinition: f.v3.TaskDefinitionArn, RolloutState: "COMPLETED"},
				}}
			},
			revisionFrom: "",
			want: func(f fixture) []ecs.Release {
				return []ecs.Release{{Revision: "c3c3c3c", TaskDefinition: f.v3.TaskDefinitionArn, Image: ecr + ":c3c3c3c", Status: "PRIMARY", Source: "deployment"}}
			},
		},
		{
			name: "CODE_DEPLOY blue/green: task sets PRIMARY and ACTIVE, deployments ignored",
			service: func(f fixture) ecstest.Service {
				return ecstest.Service{ServiceName: "web",
					DeploymentController: &ecstest.DeploymentController{Type: "CODE_DEPLOY"},
					Deployments:          []ecstest.Deployment{{ID: "ecs-svc/9", Status: "PRIMARY", TaskDefinition: f.v1.TaskDefinitionArn}},
					TaskSets: []ecstest.TaskSet{
						{ID: "ecs-svc/blue", Status: "ACTIVE", TaskDefinition: f.v2.TaskDefinitionArn},
						{ID: "ecs-svc/old", Status: "DRAINING", TaskDefinition: f.v1.TaskDefinitionArn},
						{ID: "ecs-svc/green", Status: "PRIMARY", TaskDefinition: f.v3.TaskDefinitionArn},
					}}
			},
			revisionFrom: "tag:web",
			want: func(f fixture) []ecs.Release {
				return []ecs.Release{
					{Revision: "c3c3c3c", TaskDefinition: f.v3.TaskDefinitionArn, Image: ecr + ":c3c3c3c", Status: "PRIMARY", Source: "taskSet"},
					{Revision: "b2b2b2b", TaskDefinition: f.v2.TaskDefinitionArn, Image: ecr + ":b2b2b2b", Status: "ACTIVE", Source: "taskSet"},
				}
			},
		},
		{
			name: "EXTERNAL controller, revision from the environment",
			service: func(f fixture) ecstest.Service {
				return ecstest.Service{ServiceName: "web",
					DeploymentController: &ecstest.DeploymentController{Type: "EXTERNAL"},
					TaskSets: []ecstest.TaskSet{
						{ID: "ecs-svc/a", Status: "PRIMARY", TaskDefinition: f.v1.TaskDefinitionArn, ExternalID: "argo-1"},
						{ID: "ecs-svc/b", Status: "ACTIVE", TaskDefinition: f.v3.TaskDefinitionArn, ExternalID: "argo-2"},
					}}
			},
			revisionFrom: "env:GIT_SHA",
			want: func(f fixture) []ecs.Release {
				return []ecs.Release{
					{Revision: "a1a1a1a0f00d", TaskDefinition: f.v1.TaskDefinitionArn, Image: ecr + "@sha256:4f5e6d", Status: "PRIMARY", Source: "taskSet"},
					{Revision: "c3c3c3c0f00d", TaskDefinition: f.v3.TaskDefinitionArn, Image: ecr + ":c3c3c3c", Status: "ACTIVE", Source: "taskSet"},
				}
			},
		},
		{
			name: "image with registry port, tag and digest",
			service: func(f fixture) ecstest.Service {
				return ecstest.Service{ServiceName: "web", Deployments: []ecstest.Deployment{
					{ID: "ecs-svc/5", Status: "PRIMARY", TaskDefinition: f.v2.TaskDefinitionArn + "-port"},
				}}
			},
			revisionFrom: "tag",
			want: func(f fixture) []ecs.Release {
				return []ecs.Release{{Revision: "v2.4.1", TaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-web:4", Image: "registry.internal:5000/team/shop:v2.4.1@sha256:9a8b7c", Status: "PRIMARY", Source: "deployment"}}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ecstest.New(t)
			f := fixture{
				v1: srv.AddTaskDefinition(webTaskDef(ecr+"@sha256:4f5e6d", "a1a1a1a0f00d")),
				v2: srv.AddTaskDefinition(webTaskDef(ecr+":b2b2b2b", "b2b2b2b0f00d")),
				v3: srv.AddTaskDefinition(webTaskDef(ecr+":c3c3c3c", "c3c3c3c0f00d")),
			}
			port := srv.AddTaskDefinition(webTaskDef("registry.internal:5000/team/shop:v2.4.1@sha256:9a8b7c", "d4d4"))
			svc := tt.service(f)
			for i, d := range svc.Deployments {
				if strings.HasSuffix(d.TaskDefinition, "-port") {
					svc.Deployments[i].TaskDefinition = port.TaskDefinitionArn
				}
			}
			srv.AddService("shop", svc)
			r, _ := newRunner(t, srv)
			got, err := r.DeployedReleases(context.Background(), "shop", "web", tt.revisionFrom)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want(f), got); diff != "" {
				t.Errorf("releases (-want +got):\n%s", diff)
			}
			// Each task definition is described once even when listed twice.
			if n, m := srv.Count("DescribeTaskDefinition"), len(got); n > m {
				t.Errorf("%d DescribeTaskDefinition calls for %d releases", n, m)
			}
		})
	}
}

func TestDeployedReleasesErrors(t *testing.T) {
	tests := []struct {
		name         string
		td           ecstest.TaskDefinition
		service      string
		revisionFrom string
		want         string
	}{
		{
			name:         "image without tag",
			td:           webTaskDef(ecr, "a1a1"),
			revisionFrom: "tag",
			want:         "service web, PRIMARY deployment (task definition shop-web:1): image " + ecr + " of container web has no tag, so it names no revision: tag images with the revision or read it from an environment variable (env:NAME)",
		},
		{
			name:         "digest-only image",
			td:           webTaskDef(ecr+"@sha256:4f5e6d", "a1a1"),
			revisionFrom: "tag",
			want:         "service web, PRIMARY deployment (task definition shop-web:1): image " + ecr + "@sha256:4f5e6d of container web is pinned by digest only, so it names no revision: read the revision from an environment variable (env:NAME)",
		},
		{
			name:         "latest tag",
			td:           webTaskDef(ecr+":latest", "a1a1"),
			revisionFrom: "tag",
			want:         "service web, PRIMARY deployment (task definition shop-web:1): image " + ecr + ":latest of container web is tagged latest, which names no revision: tag images with the revision or read it from an environment variable (env:NAME)",
		},
		{
			name:         "environment variable missing",
			td:           webTaskDef(ecr+":b2b2", "a1a1"),
			revisionFrom: "env:RELEASE_SHA",
			want:         "service web, PRIMARY deployment (task definition shop-web:1): no container sets RELEASE_SHA in its environment (containers: web, log-router)",
		},
		{
			name:         "environment variable from a secret",
			td:           webTaskDef(ecr+":b2b2", "a1a1"),
			revisionFrom: "env:SECRET_KEY_BASE",
			want:         "service web, PRIMARY deployment (task definition shop-web:1): SECRET_KEY_BASE of container web comes from a secret, whose value is not in the task definition",
		},
		{
			name:         "variable that is no revision is not shown",
			td:           webTaskDef(ecr+":b2b2", "a1a1"),
			revisionFrom: "env:DATABASE_PASSWORD",
			want:         "service web, PRIMARY deployment (task definition shop-web:1): DATABASE_PASSWORD of container web does not look like a revision (value not shown)",
		},
		{
			name:         "unknown container",
			td:           webTaskDef(ecr+":b2b2", "a1a1"),
			revisionFrom: "tag:worker",
			want:         `service web, PRIMARY deployment (task definition shop-web:1): task definition shop-web:1 has no container "worker" (it has: web, log-router)`,
		},
		{
			name:         "bad revision source",
			td:           webTaskDef(ecr+":b2b2", "a1a1"),
			revisionFrom: "label",
			want:         `revision source "label": want tag, tag:CONTAINER or env:NAME`,
		},
		{
			name:         "service missing",
			td:           webTaskDef(ecr+":b2b2", "a1a1"),
			service:      "api",
			revisionFrom: "tag",
			want:         "service api not found in cluster shop (MISSING (arn:aws:ecs:us-east-1:123456789012:service/shop/api))",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ecstest.New(t)
			td := srv.AddTaskDefinition(tt.td)
			srv.AddService("shop", ecstest.Service{ServiceName: "web", Deployments: []ecstest.Deployment{
				{ID: "ecs-svc/1", Status: "PRIMARY", TaskDefinition: td.TaskDefinitionArn}}})
			r, _ := newRunner(t, srv)
			service := tt.service
			if service == "" {
				service = "web"
			}
			got, err := r.DeployedReleases(context.Background(), "shop", service, tt.revisionFrom)
			if err == nil {
				t.Fatalf("got %v, want error %q", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error =\n  %s\nwant\n  %s", err, tt.want)
			}
			if strings.Contains(err.Error(), dbPassword) {
				t.Errorf("error shows the password")
			}
		})
	}
}

func TestDeployedReleasesNoLiveDeployment(t *testing.T) {
	srv := ecstest.New(t)
	td := srv.AddTaskDefinition(webTaskDef(ecr+":b2b2", "a1a1"))
	srv.AddService("shop", ecstest.Service{ServiceName: "web",
		DeploymentController: &ecstest.DeploymentController{Type: "CODE_DEPLOY"},
		TaskSets:             []ecstest.TaskSet{{ID: "ecs-svc/x", Status: "DRAINING", TaskDefinition: td.TaskDefinitionArn}}})
	r, _ := newRunner(t, srv)
	_, err := r.DeployedReleases(context.Background(), "shop", "web", "tag")
	if want := "service web in cluster shop (CODE_DEPLOY controller) has no PRIMARY or ACTIVE task set"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}
