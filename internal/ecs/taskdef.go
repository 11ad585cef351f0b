package ecs

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func isEssential(c types.ContainerDefinition) bool {
	return c.Essential == nil || *c.Essential // ECS treats an absent flag as essential
}

func containerNames(cs []types.ContainerDefinition) string {
	var names []string
	for _, c := range cs {
		names = append(names, aws.ToString(c.Name))
	}
	return strings.Join(names, ", ")
}

// pickContainer finds the container whose exit code decides the migration:
// the one named, or else the task definition's only essential container.
func pickContainer(td *types.TaskDefinition, name string) (types.ContainerDefinition, error) {
	tdName := taskDefName(td)
	if name != "" {
		for _, c := range td.ContainerDefinitions {
			if aws.ToString(c.Name) == name {
				return c, nil
			}
		}
		return types.ContainerDefinition{}, fmt.Errorf("task definition %s has no container %q (it has: %s)", tdName, name, containerNames(td.ContainerDefinitions))
	}
	var essential []types.ContainerDefinition
	for _, c := range td.ContainerDefinitions {
		if isEssential(c) {
			essential = append(essential, c)
		}
	}
	switch len(essential) {
	case 1:
		return essential[0], nil
	case 0:
		return types.ContainerDefinition{}, fmt.Errorf("task definition %s has no essential container", tdName)
	}
	return types.ContainerDefinition{}, fmt.Errorf("task definition %s has %d essential containers (%s): name the one that runs the migration", tdName, len(essential), containerNames(essential))
}

// taskDefName is family:revision, the short name people know a task definition by.
func taskDefName(td *types.TaskDefinition) string {
	if td.Family != nil {
		return fmt.Sprintf("%s:%d", aws.ToString(td.Family), td.Revision)
	}
	return aws.ToString(td.TaskDefinitionArn)
}

// logSource is where the awslogs driver puts a container's output.
type logSource struct {
	group, region, stream string
}

// awslogsSource reads a container's awslogs options. The stream of a task's
// container is prefix/container/taskID; without a prefix the stream is named
// after the Docker container ID, which cannot be known in advance.
func awslogsSource(c types.ContainerDefinition, taskID string) (logSource, string) {
	name := aws.ToString(c.Name)
	lc := c.LogConfiguration
	if lc == nil {
		return logSource{}, fmt.Sprintf("container %s has no log configuration: its output is not streamed", name)
	}
	if lc.LogDriver != types.LogDriverAwslogs {
		return logSource{}, fmt.Sprintf("container %s logs with the %s driver, not awslogs: its output is not streamed", name, lc.LogDriver)
	}
	group, prefix := lc.Options["awslogs-group"], lc.Options["awslogs-stream-prefix"]
	if group == "" || prefix == "" {
		return logSource{}, fmt.Sprintf("container %s has no awslogs-group or awslogs-stream-prefix: its output is not streamed", name)
	}
	return logSource{group: group, region: lc.Options["awslogs-region"], stream: prefix + "/" + name + "/" + taskID}, ""
}

// taskID is the last part of a task ARN (arn:...:task/cluster/ID or arn:...:task/ID).
func taskID(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}
