variable "name" {
  description = "Prefix of every resource this module creates (pipeline, CodeBuild projects, roles)."
  type        = string
  default     = "shop"
}

# --- the repository -------------------------------------------------------

variable "connection_arn" {
  description = "ARN of the CodeConnections (CodeStar Connections) connection to GitHub, GitLab or Bitbucket."
  type        = string
}

variable "repository" {
  description = "The application's repository as owner/name."
  type        = string
}

variable "branch" {
  description = "The branch the pipeline deploys."
  type        = string
  default     = "main"
}

# --- what the pipeline deploys to -----------------------------------------

variable "ecs_cluster_name" {
  description = "The ECS cluster of the service and of the migration task."
  type        = string
}

variable "ecs_service_name" {
  description = "The service CodeDeploy deploys; the gate reads the release it runs from its task sets."
  type        = string
}

variable "ecr_repository_name" {
  description = "The ECR repository of the application image (tagged with the commit id)."
  type        = string
}

variable "codedeploy_app_name" {
  description = "The CodeDeploy application (compute platform ECS) of the service."
  type        = string
}

variable "codedeploy_deployment_group_name" {
  description = "The CodeDeploy blue/green deployment group of the service."
  type        = string
}

variable "service_role_arns" {
  description = "The task and execution roles named in the service's taskdef.json: CodeDeploy registers that task definition, so the pipeline passes them."
  type        = list(string)
}

# --- the migration task -----------------------------------------------------

variable "migrate_task_family" {
  description = "Family of the migration task definition; the Build stage registers a revision per commit (deploy/taskdef-migrate.json)."
  type        = string
}

variable "migrate_task_role_arn" {
  description = "The migration task definition's task role (what the application code may call)."
  type        = string
}

variable "migrate_execution_role_arn" {
  description = "The migration task definition's execution role (image pull, secrets, awslogs)."
  type        = string
}

variable "migrate_log_group" {
  description = "The awslogs-group of the migration container: the gate streams the migration's output from it."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the migration task and of the migrate CodeBuild project (with a NAT gateway or VPC endpoints for ECS, CloudWatch Logs, ECR and S3)."
  type        = list(string)
}

variable "vpc_id" {
  description = "The VPC of subnet_ids."
  type        = string
}

variable "migrate_task_security_group_ids" {
  description = "Security groups of the migration task: the ones that may reach the database."
  type        = list(string)
}

variable "codebuild_security_group_ids" {
  description = "Security groups of the migrate CodeBuild project: egress to the AWS APIs only; it never talks to the database itself."
  type        = list(string)
}

# --- schemagate -------------------------------------------------------------

variable "schemagate_version" {
  description = "The schemagate release both CodeBuild projects install (go install ...@VERSION), e.g. v0.1.0: the one that takes the snapshots also reads them. Pin it in production. A schemagate_image must carry the same version."
  type        = string
  default     = "v0.1.0"
}

variable "snapshot_prefix" {
  description = "Key prefix of the release snapshots in the snapshot bucket, without slashes at either end: the Build stage uploads <prefix>/<commit>.json.gz, and only there may it write and the gate read."
  type        = string
  default     = "shop"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.snapshot_prefix))
    error_message = "snapshot_prefix: path segments of letters, digits, '.', '_' and '-', no slash at either end."
  }
}

variable "schemagate_image" {
  description = "An image with schemagate (examples/docker/Dockerfile pushed to ECR) for the migrate project; empty builds schemagate on the standard CodeBuild image."
  type        = string
  default     = ""
}

variable "migrate_timeout_minutes" {
  description = "The migrate project's build timeout. Keep it above the buildspec's MIGRATE_TIMEOUT so the gate's own timeout, which stops the task, comes first."
  type        = number
  default     = 45
}
