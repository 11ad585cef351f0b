# A CodePipeline that migrates through schemagate's gate:
#
#   Source (git clone ref) -> Build (image, task definitions) -> Migrate (schemagate gate ecs) -> Deploy (CodeDeploy blue/green)
#
# The Migrate stage is the one this example is about: it replaces the
# CodeBuild step that ran `aws ecs run-task ... db:migrate` with one that
# checks the pending migrations against the release the service runs and
# only then runs them. Its role (iam.tf) has exactly the permissions the gate
# uses.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

data "aws_ecr_repository" "app" {
  name = var.ecr_repository_name
}

locals {
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.name
  partition = data.aws_partition.current.partition
  ecs_arn   = "arn:${local.partition}:ecs:${local.region}:${local.account}"

  cluster_arn = "${local.ecs_arn}:cluster/${var.ecs_cluster_name}"
  service_arn = "${local.ecs_arn}:service/${var.ecs_cluster_name}/${var.ecs_service_name}"
  # Tasks started in the cluster, named by their id (the long ARN format).
  task_arns = "${local.ecs_arn}:task/${var.ecs_cluster_name}/*"
  # Every revision of the migration family: the Build stage registers one per commit.
  migrate_task_definitions = "${local.ecs_arn}:task-definition/${var.migrate_task_family}:*"
  migrate_log_group_arn    = "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${var.migrate_log_group}"

  codebuild_log_group = "/aws/codebuild/${var.name}"
  standard_image      = "aws/codebuild/standard:7.0"
}

resource "aws_s3_bucket" "artifacts" {
  bucket_prefix = "${var.name}-pipeline-"
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudwatch_log_group" "codebuild" {
  name              = local.codebuild_log_group
  retention_in_days = 90
}

# --- Build: the image tagged with the commit, CodeDeploy's inputs, and a
# revision of the migration task definition running that image.
resource "aws_codebuild_project" "build" {
  name          = "${var.name}-build"
  service_role  = aws_iam_role.build.arn
  build_timeout = 30

  source {
    type      = "CODEPIPELINE"
    buildspec = file("${path.module}/../buildspec-build.yml")
  }

  artifacts {
    type = "CODEPIPELINE"
  }

  environment {
    type            = "LINUX_CONTAINER"
    compute_type    = "BUILD_GENERAL1_MEDIUM"
    image           = local.standard_image
    privileged_mode = true # docker build

    environment_variable {
      name  = "ECR_REPOSITORY_URI"
      value = data.aws_ecr_repository.app.repository_url
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name  = aws_cloudwatch_log_group.codebuild.name
      stream_name = "build"
    }
  }
}

# --- Migrate: schemagate gate ecs.
resource "aws_codebuild_project" "migrate" {
  name          = "${var.name}-migrate"
  description   = "Checks the pending migrations against the release ${var.ecs_service_name} runs, then runs them as an ECS task"
  service_role  = aws_iam_role.migrate.arn
  build_timeout = var.migrate_timeout_minutes

  source {
    type      = "CODEPIPELINE"
    buildspec = file("${path.module}/../buildspec-migrate.yml")
  }

  artifacts {
    type = "CODEPIPELINE"
  }

  # The reference index of the deployed release survives between builds on
  # the same host (the buildspec's cache paths).
  cache {
    type  = "LOCAL"
    modes = ["LOCAL_CUSTOM_CACHE"]
  }

  environment {
    type                        = "LINUX_CONTAINER"
    compute_type                = "BUILD_GENERAL1_SMALL"
    image                       = var.schemagate_image != "" ? var.schemagate_image : local.standard_image
    image_pull_credentials_type = var.schemagate_image != "" ? "SERVICE_ROLE" : "CODEBUILD"

    environment_variable {
      name  = "ECS_CLUSTER"
      value = var.ecs_cluster_name
    }
    environment_variable {
      name  = "ECS_SERVICE"
      value = var.ecs_service_name
    }
    environment_variable {
      name  = "MIGRATE_SUBNETS"
      value = join(",", var.subnet_ids)
    }
    environment_variable {
      name  = "MIGRATE_SECURITY_GROUPS"
      value = join(",", var.migrate_task_security_group_ids)
    }
  }

  # The project runs in the VPC so that its egress is the VPC's: the AWS APIs
  # through endpoints or NAT, the git host, nothing else. It needs no route
  # to the database; the migration task has that.
  vpc_config {
    vpc_id             = var.vpc_id
    subnets            = var.subnet_ids
    security_group_ids = var.codebuild_security_group_ids
  }

  logs_config {
    cloudwatch_logs {
      group_name  = aws_cloudwatch_log_group.codebuild.name
      stream_name = "migrate"
    }
  }
}

resource "aws_codepipeline" "app" {
  name          = var.name
  role_arn      = aws_iam_role.pipeline.arn
  pipeline_type = "V2"

  artifact_store {
    type     = "S3"
    location = aws_s3_bucket.artifacts.bucket
  }

  stage {
    name = "Source"

    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeStarSourceConnection"
      version          = "1"
      namespace        = "SourceVariables"
      output_artifacts = ["SourceOutput"]

      configuration = {
        ConnectionArn    = var.connection_arn
        FullRepositoryId = var.repository
        BranchName       = var.branch
        # Hand the CodeBuild actions a git clone instead of a zip of the
        # files: the gate reads the deployed release from the history. Every
        # CodeBuild project that takes this artifact clones through the
        # connection, so its role needs UseConnection (iam.tf).
        #
        # CodeCommit instead: provider = "CodeCommit", configuration
        # RepositoryName and BranchName, the same OutputArtifactFormat, and
        # codecommit:GitPull on the repository in place of UseConnection.
        OutputArtifactFormat = "CODEBUILD_CLONE_REF"
      }
    }
  }

  stage {
    name = "Build"

    action {
      name             = "Build"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      namespace        = "BuildVariables"
      input_artifacts  = ["SourceOutput"]
      output_artifacts = ["BuildOutput"]

      configuration = {
        ProjectName = aws_codebuild_project.build.name
      }
    }
  }

  # Between Build and Deploy: the new image exists, the service still runs
  # the previous release, and nothing has shifted traffic yet. A failed check
  # or a failed migration stops the pipeline here.
  stage {
    name = "Migrate"

    action {
      name            = "Migrate"
      category        = "Build"
      owner           = "AWS"
      provider        = "CodeBuild"
      version         = "1"
      input_artifacts = ["SourceOutput"]

      configuration = {
        ProjectName = aws_codebuild_project.migrate.name
        EnvironmentVariables = jsonencode([
          {
            name  = "MIGRATE_TASK_DEFINITION"
            value = "#{BuildVariables.MIGRATE_TASK_DEFINITION}"
            type  = "PLAINTEXT"
          },
        ])
      }
    }
  }

  stage {
    name = "Deploy"

    action {
      name            = "Deploy"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "CodeDeployToECS"
      version         = "1"
      input_artifacts = ["BuildOutput"]

      configuration = {
        ApplicationName                = var.codedeploy_app_name
        DeploymentGroupName            = var.codedeploy_deployment_group_name
        TaskDefinitionTemplateArtifact = "BuildOutput"
        TaskDefinitionTemplatePath     = "taskdef.json"
        AppSpecTemplateArtifact        = "BuildOutput"
        AppSpecTemplatePath            = "appspec.yaml"
        Image1ArtifactName             = "BuildOutput"
        Image1ContainerName            = "IMAGE1_NAME"
      }
    }
  }
}

output "pipeline_name" {
  value = aws_codepipeline.app.name
}

output "migrate_project_name" {
  value = aws_codebuild_project.migrate.name
}

output "migrate_role_arn" {
  description = "The role whose policy is exactly what schemagate gate ecs calls."
  value       = aws_iam_role.migrate.arn
}
