# Roles of the pipeline and its two CodeBuild projects.
#
# The migrate project's role has two inline policies: the CodeBuild plumbing
# every project needs (its own logs, the pipeline artifact, the VPC network
# interfaces), and migrate_gate: exactly the AWS calls `schemagate gate ecs`
# makes, scoped to the cluster, the service, the migration task definition
# family, its roles, its log group and the snapshot prefix. Nothing else in
# the role touches ECS, IAM, the migration's logs or the snapshots.
#
# The build project's role may write snapshots under the prefix and nothing
# else in their bucket.

locals {
  connection_actions = [
    # Connections created since the service's rename carry the new prefix;
    # either action name is accepted for either ARN.
    "codestar-connections:UseConnection",
    "codeconnections:UseConnection",
  ]
  subnet_arns = [for s in var.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account}:subnet/${s}"]

  # repository/name of the schemagate image, when the migrate project runs on it.
  schemagate_repository_arn = var.schemagate_image == "" ? "" : "arn:${local.partition}:ecr:${local.region}:${local.account}:repository/${regex("^[^/]+/([^:@]+)", var.schemagate_image)[0]}"
}

# --- trust -----------------------------------------------------------------

data "aws_iam_policy_document" "codebuild_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

data "aws_iam_policy_document" "codepipeline_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codepipeline.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

# --- the migrate project: schemagate gate ecs --------------------------------

resource "aws_iam_role" "migrate" {
  name               = "${var.name}-migrate"
  assume_role_policy = data.aws_iam_policy_document.codebuild_trust.json
}

data "aws_iam_policy_document" "migrate_gate" {
  # --previous-from-service: the service's task sets (CodeDeploy blue/green)
  # or deployments name the task definitions of the release it runs.
  statement {
    sid       = "ReadDeployedRelease"
    actions   = ["ecs:DescribeServices"]
    resources = [local.service_arn]
  }

  # The service's task definitions (their image tag is the commit) and the
  # migration task definition (its containers and awslogs options).
  # DescribeTaskDefinition has no resource-level permissions.
  statement {
    sid       = "DescribeTaskDefinitions"
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  # The migration itself: a revision of the migration family, in this cluster.
  statement {
    sid       = "RunMigrationTask"
    actions   = ["ecs:RunTask"]
    resources = [local.migrate_task_definitions]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [local.cluster_arn]
    }
  }

  # RunTask carries tags (schemagate:phase, schemagate:revision,
  # schemagate:previous), which ECS authorizes as TagResource on the new
  # task. Only at creation: the role cannot tag anything else.
  statement {
    sid       = "TagMigrationTaskAtLaunch"
    actions   = ["ecs:TagResource"]
    resources = [local.task_arns]
    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RunTask"]
    }
  }

  # Waiting for the verdict, and --stop-on-cancel: StopTask when the gate is
  # interrupted or times out.
  statement {
    sid       = "WatchMigrationTask"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = [local.task_arns]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [local.cluster_arn]
    }
  }

  # RunTask hands the task definition's roles to ECS.
  statement {
    sid       = "PassMigrationTaskRoles"
    actions   = ["iam:PassRole"]
    resources = [var.migrate_task_role_arn, var.migrate_execution_role_arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  # Streaming the migration's output from its awslogs stream.
  statement {
    sid       = "StreamMigrationLogs"
    actions   = ["logs:GetLogEvents"]
    resources = ["${local.migrate_log_group_arn}:log-stream:*"]
  }

  # Telling a missing log group from a stream not written yet.
  statement {
    sid       = "FindMigrationLogStream"
    actions   = ["logs:FilterLogEvents"]
    resources = [local.migrate_log_group_arn, "${local.migrate_log_group_arn}:*"]
  }

  # --previous-snapshot-from: the snapshot of each release the service runs
  # (HeadObject, then GetObject), read-only and under the prefix only.
  statement {
    sid       = "ReadReleaseSnapshots"
    actions   = ["s3:GetObject"]
    resources = [local.snapshot_objects_arn]
  }

  # Without ListBucket, S3 answers AccessDenied for a key that does not
  # exist, and the gate cannot say "no snapshot of release X" (the message
  # that tells you to upload it). No s3:prefix condition: that key is set on
  # listing requests only, and a GetObject of a missing key is not one, so a
  # condition could turn NoSuchKey back into AccessDenied. The bucket holds
  # only snapshots: listing it shows no more than which commits have one.
  statement {
    sid       = "TellMissingSnapshotFromDenied"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.snapshots.arn]
  }
}

data "aws_iam_policy_document" "migrate_codebuild" {
  statement {
    sid       = "CodeBuildLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${local.codebuild_log_group}:*"]
  }

  # The input artifact: the Build stage's output (snapshot.json.gz,
  # schemagate.yaml). No source, so no clone and no connection.
  statement {
    sid       = "PipelineArtifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.artifacts.arn}/*"]
  }

  # A project in a VPC runs on a network interface CodeBuild creates.
  statement {
    sid = "VpcNetworkInterfaces"
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeDhcpOptions",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcs",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "VpcNetworkInterfacePermission"
    actions   = ["ec2:CreateNetworkInterfacePermission"]
    resources = ["arn:${local.partition}:ec2:${local.region}:${local.account}:network-interface/*"]
    condition {
      test     = "StringEquals"
      variable = "ec2:AuthorizedService"
      values   = ["codebuild.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "ec2:Subnet"
      values   = local.subnet_arns
    }
  }
}

# Pulling the schemagate image, when the project runs on it.
data "aws_iam_policy_document" "migrate_pull_image" {
  count = var.schemagate_image == "" ? 0 : 1

  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullSchemagateImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [local.schemagate_repository_arn]
  }
}

resource "aws_iam_role_policy" "migrate_gate" {
  name   = "schemagate-gate"
  role   = aws_iam_role.migrate.id
  policy = data.aws_iam_policy_document.migrate_gate.json
}

resource "aws_iam_role_policy" "migrate_codebuild" {
  name   = "codebuild"
  role   = aws_iam_role.migrate.id
  policy = data.aws_iam_policy_document.migrate_codebuild.json
}

resource "aws_iam_role_policy" "migrate_pull_image" {
  count  = var.schemagate_image == "" ? 0 : 1
  name   = "pull-schemagate-image"
  role   = aws_iam_role.migrate.id
  policy = data.aws_iam_policy_document.migrate_pull_image[0].json
}

# --- the build project -------------------------------------------------------

resource "aws_iam_role" "build" {
  name               = "${var.name}-build"
  assume_role_policy = data.aws_iam_policy_document.codebuild_trust.json
}

data "aws_iam_policy_document" "build" {
  statement {
    sid       = "CodeBuildLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${local.codebuild_log_group}:*"]
  }

  # The source zip in, the output artifact (with snapshot.json.gz) out.
  statement {
    sid       = "PipelineArtifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    resources = ["${aws_s3_bucket.artifacts.arn}/*"]
  }

  # schemagate snapshot --upload: one PutObject of <revision>.json.gz under
  # the prefix. It never reads, lists or deletes snapshots.
  statement {
    sid       = "UploadReleaseSnapshot"
    actions   = ["s3:PutObject"]
    resources = [local.snapshot_objects_arn]
  }

  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [data.aws_ecr_repository.app.arn]
  }

  # The migration task definition revision of each commit. RegisterTaskDefinition
  # has no resource-level permissions.
  statement {
    sid       = "RegisterMigrationTaskDefinition"
    actions   = ["ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "PassMigrationTaskRoles"
    actions   = ["iam:PassRole"]
    resources = [var.migrate_task_role_arn, var.migrate_execution_role_arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "build" {
  name   = "build"
  role   = aws_iam_role.build.id
  policy = data.aws_iam_policy_document.build.json
}

# --- the pipeline ------------------------------------------------------------

resource "aws_iam_role" "pipeline" {
  name               = "${var.name}-pipeline"
  assume_role_policy = data.aws_iam_policy_document.codepipeline_trust.json
}

data "aws_iam_policy_document" "pipeline" {
  statement {
    sid       = "Artifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    resources = ["${aws_s3_bucket.artifacts.arn}/*"]
  }

  statement {
    sid       = "ArtifactBucket"
    actions   = ["s3:GetBucketVersioning", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.artifacts.arn]
  }

  statement {
    sid       = "Source"
    actions   = local.connection_actions
    resources = [var.connection_arn]
  }

  statement {
    sid       = "RunBuilds"
    actions   = ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
    resources = [aws_codebuild_project.build.arn, aws_codebuild_project.migrate.arn]
  }

  statement {
    sid = "Deploy"
    actions = [
      "codedeploy:CreateDeployment",
      "codedeploy:GetApplication",
      "codedeploy:GetApplicationRevision",
      "codedeploy:GetDeployment",
      "codedeploy:GetDeploymentConfig",
      "codedeploy:RegisterApplicationRevision",
    ]
    resources = [
      "arn:${local.partition}:codedeploy:${local.region}:${local.account}:application:${var.codedeploy_app_name}",
      "arn:${local.partition}:codedeploy:${local.region}:${local.account}:deploymentgroup:${var.codedeploy_app_name}/${var.codedeploy_deployment_group_name}",
      "arn:${local.partition}:codedeploy:${local.region}:${local.account}:deploymentconfig:*",
    ]
  }

  # CodeDeployToECS registers the service's task definition from taskdef.json.
  statement {
    sid       = "RegisterServiceTaskDefinition"
    actions   = ["ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "PassServiceTaskRoles"
    actions   = ["iam:PassRole"]
    resources = var.service_role_arns
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "pipeline" {
  name   = "pipeline"
  role   = aws_iam_role.pipeline.id
  policy = data.aws_iam_policy_document.pipeline.json
}
