package ecs

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Release is one revision a service may be running.
type Release struct {
	Revision       string
	TaskDefinition string // ARN
	Image          string // of the container the revision was read from
	Status         string // PRIMARY or ACTIVE
	Source         string // "deployment" or "taskSet"
}

// revisionSource is a parsed --revision-from: the image tag (of the only
// essential container, or of a named one) or a container environment variable.
type revisionSource struct {
	env       string // variable name; empty means the image tag
	container string // for the tag: the container to read; empty means the only essential one
}

func parseRevisionFrom(s string) (revisionSource, error) {
	switch {
	case s == "" || s == "tag":
		return revisionSource{}, nil
	case strings.HasPrefix(s, "tag:") && len(s) > len("tag:"):
		return revisionSource{container: s[len("tag:"):]}, nil
	case strings.HasPrefix(s, "env:") && len(s) > len("env:"):
		return revisionSource{env: s[len("env:"):]}, nil
	}
	return revisionSource{}, fmt.Errorf("revision source %q: want tag, tag:CONTAINER or env:NAME", s)
}

// ValidRevisionFrom checks a --revision-from value without asking ECS.
func ValidRevisionFrom(s string) error {
	_, err := parseRevisionFrom(s)
	return err
}

// DeployedReleases finds every revision the service may still be running:
// for the ECS deployment controller each deployment with status PRIMARY or
// ACTIVE, for CODE_DEPLOY and EXTERNAL each such task set; PRIMARY first.
// revisionFrom is "tag" (the image tag of the only essential container),
// "tag:CONTAINER", or "env:NAME" (a container environment variable). Entries
// are not merged: two deployments of one revision give two Releases.
func (r *Runner) DeployedReleases(ctx context.Context, cluster, service, revisionFrom string) ([]Release, error) {
	how, err := parseRevisionFrom(revisionFrom)
	if err != nil {
		return nil, err
	}
	out, err := r.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  optString(cluster),
		Services: []string{service},
	})
	if err != nil {
		return nil, fmt.Errorf("describing service %s in cluster %s: %s", service, clusterOrDefault(cluster), apiErrText(err))
	}
	if len(out.Services) == 0 {
		return nil, fmt.Errorf("service %s not found in cluster %s (%s)", service, clusterOrDefault(cluster), failureText(out.Failures))
	}
	svc := out.Services[0]
	if aws.ToString(svc.Status) == "INACTIVE" {
		return nil, fmt.Errorf("service %s in cluster %s is INACTIVE: it runs no release", service, clusterOrDefault(cluster))
	}

	type candidate struct{ td, status, source string }
	var cands []candidate
	controller := types.DeploymentControllerTypeEcs
	if svc.DeploymentController != nil && svc.DeploymentController.Type != "" {
		controller = svc.DeploymentController.Type
	}
	source, noun := "deployment", "deployment"
	if controller == types.DeploymentControllerTypeEcs {
		for _, d := range svc.Deployments {
			cands = append(cands, candidate{aws.ToString(d.TaskDefinition), aws.ToString(d.Status), source})
		}
	} else {
		source, noun = "taskSet", "task set"
		for _, ts := range svc.TaskSets {
			cands = append(cands, candidate{aws.ToString(ts.TaskDefinition), aws.ToString(ts.Status), source})
		}
	}
	cands = filterLive(cands, func(c candidate) string { return c.status })
	if len(cands) == 0 {
		return nil, fmt.Errorf("service %s in cluster %s (%s controller) has no PRIMARY or ACTIVE %s", service, clusterOrDefault(cluster), controller, noun)
	}

	tds := map[string]*types.TaskDefinition{}
	var releases []Release
	for _, c := range cands {
		td, ok := tds[c.td]
		if !ok {
			o, err := r.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(c.td)})
			if err != nil {
				return nil, fmt.Errorf("service %s, %s %s: describing task definition %s: %s", service, c.status, noun, c.td, apiErrText(err))
			}
			if o.TaskDefinition == nil {
				return nil, fmt.Errorf("service %s, %s %s: describing task definition %s: empty answer", service, c.status, noun, c.td)
			}
			td = o.TaskDefinition
			tds[c.td] = td
		}
		rev, image, err := revisionOf(td, how)
		if err != nil {
			return nil, fmt.Errorf("service %s, %s %s (task definition %s): %w", service, c.status, noun, taskDefName(td), err)
		}
		releases = append(releases, Release{Revision: rev, TaskDefinition: c.td, Image: image, Status: c.status, Source: c.source})
	}
	return releases, nil
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// filterLive keeps PRIMARY and ACTIVE entries, PRIMARY first, otherwise in
// the API's order.
func filterLive[T any](xs []T, status func(T) string) []T {
	var kept []T
	for _, x := range xs {
		if s := status(x); s == "PRIMARY" || s == "ACTIVE" {
			kept = append(kept, x)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		return status(kept[i]) == "PRIMARY" && status(kept[j]) != "PRIMARY"
	})
	return kept
}

// revisionLike is what a revision read from the environment may look like:
// a commit, tag or version. Anything else is refused without being shown, as
// it may be a secret named by mistake.
// Compiled on first use: its repetition makes it costly, and most runs
// never read a revision.
var revisionLike = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/+@-]{0,127}$`)
})

func revisionOf(td *types.TaskDefinition, how revisionSource) (rev, image string, err error) {
	if how.env != "" {
		return revisionFromEnv(td, how.env)
	}
	c, err := pickContainer(td, how.container)
	if err != nil {
		return "", "", err
	}
	image = aws.ToString(c.Image)
	tag, digest := imageTag(image)
	switch {
	case tag == "" && digest:
		return "", image, fmt.Errorf("image %s of container %s is pinned by digest only, so it names no revision: read the revision from an environment variable (env:NAME)", image, aws.ToString(c.Name))
	case tag == "":
		return "", image, fmt.Errorf("image %s of container %s has no tag, so it names no revision: tag images with the revision or read it from an environment variable (env:NAME)", image, aws.ToString(c.Name))
	case tag == "latest":
		return "", image, fmt.Errorf("image %s of container %s is tagged latest, which names no revision: tag images with the revision or read it from an environment variable (env:NAME)", image, aws.ToString(c.Name))
	}
	return tag, image, nil
}

// imageTag splits the tag off an image reference such as
// registry:5000/team/app:v1.2@sha256:...; digest says an @digest was present.
func imageTag(image string) (tag string, digest bool) {
	ref, _, digest := strings.Cut(image, "@")
	last := ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.LastIndex(last, ":"); i >= 0 {
		tag = last[i+1:]
	}
	return tag, digest
}

// revisionFromEnv reads variable name from the containers that set it. Values
// are never put in errors.
func revisionFromEnv(td *types.TaskDefinition, name string) (rev, image string, err error) {
	var setBy []string
	for _, c := range td.ContainerDefinitions {
		for _, kv := range c.Environment {
			if aws.ToString(kv.Name) != name {
				continue
			}
			v := aws.ToString(kv.Value)
			if len(setBy) > 0 && v != rev {
				return "", "", fmt.Errorf("containers %s and %s set %s to different values", setBy[0], aws.ToString(c.Name), name)
			}
			rev, image = v, aws.ToString(c.Image)
			setBy = append(setBy, aws.ToString(c.Name))
		}
	}
	if len(setBy) == 0 {
		for _, c := range td.ContainerDefinitions {
			for _, s := range c.Secrets {
				if aws.ToString(s.Name) == name {
					return "", "", fmt.Errorf("%s of container %s comes from a secret, whose value is not in the task definition", name, aws.ToString(c.Name))
				}
			}
		}
		return "", "", fmt.Errorf("no container sets %s in its environment (containers: %s)", name, containerNames(td.ContainerDefinitions))
	}
	if !revisionLike().MatchString(rev) {
		return "", "", fmt.Errorf("%s of container %s does not look like a revision (value not shown)", name, setBy[0])
	}
	return rev, image, nil
}
