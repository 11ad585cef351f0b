# A CodePipeline that migrates through schemagate's gate:
#
#   Source (zip) -> Build (image, task definitions, release snapshot) -> Migrate (schemagate gate ecs) -> Deploy (CodeDeploy blue/green)
#
# The Migrate stage is the one this example is about: it replaces the
# CodeBuild step that ran `aws ecs run-task ... db:migrate` with one that
# checks the pending migrations against the releases the service runs and
# only then runs them. It reads every release from a snapshot: the new one
# from the Build stage's output artifact, the running ones from the snapshot
# bucket, where the Build stage of their own deploy uploaded them. So it
# needs no source checkout and no git. Its role (iam.tf) has exactly the
# permissions the gate uses.
#
# The full-clone alternative (the Migrate stage reads the running release
# from git) is in ../../README.md: buildspec-migrate-git.yml, the Source
# action's OutputArtifactFormat = "CODEBUILD_CLONE_REF", and the clone
# permission in place of the snapshot ones.

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

  # Where snapshots live: <revision>.json.gz under the prefix, the revision
  # being the image tag (the commit).
  snapshot_objects_arn = "${aws_s3_bucket.snapshots.arn}/${var.snapshot_prefix}/*"
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

# --- Release snapshots: private, encrypted at rest (SSE-S3, so the roles need
# no KMS permissions), TLS only. A snapshot holds what the repository holds
# (migrations, schema dump, SQL and code snippets), never credentials; keep it
# as private as the repository. Nothing expires: a service may run one release
# for months, and its snapshot must still be here when the next deploy checks
# against it.
resource "aws_s3_bucket" "snapshots" {
  bucket_prefix = "${var.name}-snapshots-"
}

resource "aws_s3_bucket_public_access_block" "snapshots" {
  bucket                  = aws_s3_bucket.snapshots.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  rule {
    object_ownership = "BucketOwnerEnforced" # no ACLs: the roles' policies decide
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

data "aws_iam_policy_document" "snapshots_bucket" {
  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.snapshots.arn, "${aws_s3_bucket.snapshots.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  policy = data.aws_iam_policy_document.snapshots_bucket.json
  # The public access block first, so the policy is never briefly public.
  depends_on = [aws_s3_bucket_public_access_block.snapshots]
}

resource "aws_cloudwatch_log_group" "codebuild" {
  name              = local.codebuild_log_group
  retention_in_days = 90
}

# --- Build: the image tagged with the commit, CodeDeploy's inputs, a
# revision of the migration task definition running that image, and the
# release's snapshot (uploaded, and in the output artifact).
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

  # go install's caches (the buildspec's cache paths).
  cache {
    type  = "LOCAL"
    modes = ["LOCAL_CUSTOM_CACHE"]
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
    # schemagate snapshot --upload s3://$SNAPSHOT_BUCKET/$SNAPSHOT_PREFIX/
    environment_variable {
      name  = "SNAPSHOT_BUCKET"
      value = aws_s3_bucket.snapshots.bucket
    }
    environment_variable {
      name  = "SNAPSHOT_PREFIX"
      value = var.snapshot_prefix
    }
    # The same version takes the snapshots and checks them.
    environment_variable {
      name  = "SCHEMAGATE_VERSION"
      value = var.schemagate_version
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
  description   = "Checks the pending migrations against the releases ${var.ecs_service_name} runs, then runs them as an ECS task"
  service_role  = aws_iam_role.migrate.arn
  build_timeout = var.migrate_timeout_minutes

  source {
    type      = "CODEPIPELINE"
    buildspec = file("${path.module}/../buildspec-migrate.yml")
  }

  artifacts {
    type = "CODEPIPELINE"
  }

  # go install's caches survive between builds on the same host (the
  # buildspec's cache paths).
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
    # --previous-snapshot-from s3://$SNAPSHOT_BUCKET/$SNAPSHOT_PREFIX/: where
    # the Build stage uploaded the snapshots of the releases that may run.
    environment_variable {
      name  = "SNAPSHOT_BUCKET"
      value = aws_s3_bucket.snapshots.bucket
    }
    environment_variable {
      name  = "SNAPSHOT_PREFIX"
      value = var.snapshot_prefix
    }
    environment_variable {
      name  = "SCHEMAGATE_VERSION"
      value = var.schemagate_version
    }
  }

  # The project runs in the VPC so that its egress is the VPC's: the AWS APIs
  # (ECS, CloudWatch Logs, S3) through endpoints or NAT, nothing else. It
  # needs no route to the database; the migration task has that.
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

      # The default output: a zip of the commit's files. Only the Build
      # stage reads it (the snapshot is taken there); its
      # CODEBUILD_RESOLVED_SOURCE_VERSION is the commit id.
      #
      # The full-clone alternative, where the Migrate stage reads the
      # running release from git, adds
      #   OutputArtifactFormat = "CODEBUILD_CLONE_REF"
      # and every CodeBuild project taking this artifact then clones through
      # the connection itself (its role needs UseConnection): see the
      # README. CodeCommit instead: provider = "CodeCommit", configuration
      # RepositoryName and BranchName.
      configuration = {
        ConnectionArn    = var.connection_arn
        FullRepositoryId = var.repository
        BranchName       = var.branch
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
  #
  # Its only input is the Build stage's output: snapshot.json.gz (the new
  # release) and schemagate.yaml. No source checkout, no git.
  stage {
    name = "Migrate"

    action {
      name            = "Migrate"
      category        = "Build"
      owner           = "AWS"
      provider        = "CodeBuild"
      version         = "1"
      input_artifacts = ["BuildOutput"]

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

output "snapshot_location" {
  description = "Where the Build stage uploads each release's snapshot, and the gate reads them: <revision>.json.gz below it."
  value       = "s3://${aws_s3_bucket.snapshots.bucket}/${var.snapshot_prefix}/"
}
