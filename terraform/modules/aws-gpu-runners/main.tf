locals {
  labels = distinct(concat(["gpu", "cuda-${var.cuda_version}", var.prefix], var.extra_labels))
  # The upstream module names its roles, instance profile and policies
  # <prefix>-..., under this IAM path (its own default is /<prefix>/ too).
  iam_path = coalesce(var.iam_path, "/${var.prefix}/")
  # Its SSM layout at the pinned commit (ssm_paths defaults, use_prefix on):
  # Terraform writes String parameters under config and webhook; the scale-up
  # lambda writes each runner's JIT configuration under tokens (SecureString).
  ssm_root = "/github-action-runners/${var.prefix}"

  # Runs before the runner agent is installed. The power-off timer is the hard
  # lifetime: the launch template terminates the instance on shutdown.
  pre_install = <<-EOT
    shutdown -h +${var.max_lifetime_minutes} "mlrig: maximum runner lifetime reached"
    if [ ! -d /usr/local/cuda-${var.cuda_version} ]; then
      echo "mlrig: the AMI has no CUDA ${var.cuda_version}; refusing to register a runner" >&2
      shutdown -h now
      exit 1
    fi
    ln -sfn /usr/local/cuda-${var.cuda_version} /usr/local/cuda
  EOT
}

# The pinned image, deprecated or not: AWS deprecates Deep Learning AMIs on a
# schedule and lookups skip deprecated images by default, which would turn a
# later plan into a failure. The module reads the id from this parameter.
data "aws_ami" "gpu" {
  owners             = var.ami_owners
  most_recent        = true
  include_deprecated = true

  filter {
    name   = "name"
    values = [var.ami_name]
  }

  filter {
    name   = "state"
    values = ["available"]
  }
}

resource "aws_ssm_parameter" "ami" {
  #checkov:skip=CKV2_AWS_34:an AMI id is public information; the aws:ec2:image data type needs a String parameter
  name      = "/${var.prefix}/runner/ami-id"
  type      = "String"
  data_type = "aws:ec2:image"
  value     = data.aws_ami.gpu.id
  tags      = merge(var.tags, { "mlrig:ami-name" = replace(var.ami_name, "/[()]/", "") })
}

module "runners" {
  source = "git::https://github.com/github-aws-runners/terraform-aws-github-runner.git?ref=11ea3112e617adc392d6a652a94f4c7640ddc650"

  prefix     = var.prefix
  aws_region = var.aws_region
  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids
  tags       = var.tags

  github_app = {
    id_ssm             = var.github_app_ssm_parameters.id
    key_base64_ssm     = var.github_app_ssm_parameters.key_base64
    webhook_secret_ssm = var.github_app_ssm_parameters.webhook_secret
  }
  enable_organization_runners = false
  repository_white_list       = [var.repository]

  webhook_lambda_zip                = "${var.lambda_zip_dir}/webhook.zip"
  runners_lambda_zip                = "${var.lambda_zip_dir}/runners.zip"
  runner_binaries_syncer_lambda_zip = "${var.lambda_zip_dir}/runner-binaries-syncer.zip"

  # One job per instance, nothing idle: the fleet scales to zero between jobs.
  enable_ephemeral_runners = true
  enable_job_queued_check  = true
  idle_config              = []
  pool_config              = []
  runners_maximum_count    = var.max_runners
  delay_webhook_event      = 0

  # Spot first, on-demand when spot capacity is missing.
  instance_target_capacity_type               = "spot"
  instance_allocation_strategy                = "price-capacity-optimized"
  enable_runner_on_demand_failover_for_errors = var.on_demand_failover_errors
  instance_types                              = var.instance_types

  # The reaper: the scale-down lambda terminates runners that never registered,
  # lost their job or outlived their boot time, on this schedule.
  scale_down_schedule_expression  = var.reaper_schedule_expression
  runner_boot_time_in_minutes     = 15
  minimum_running_time_in_minutes = 5

  role_path                 = local.iam_path
  instance_profile_path     = local.iam_path
  role_permissions_boundary = var.permissions_boundary_arn

  runner_os             = "linux"
  runner_architecture   = "x64"
  runner_run_as         = "ec2-user"
  runner_extra_labels   = local.labels
  userdata_pre_install  = local.pre_install
  enable_ssm_on_runners = false

  ami = {
    id_ssm_parameter_arn = aws_ssm_parameter.ami.arn
    owners               = var.ami_owners
  }
  block_device_mappings = [{
    device_name = "/dev/xvda"
    volume_size = var.root_volume_size_gb
    volume_type = "gp3"
    encrypted   = true
  }]

  kms_key_arn               = var.kms_key_arn
  logging_retention_in_days = var.log_retention_days
  tracing_config            = { mode = var.lambda_tracing_mode }
}
