locals {
  cuda_tag       = "cu${replace(var.cuda_version, ".", "")}"
  runner_labels  = distinct(concat(["self-hosted", "linux", "x64", "gpu", "cuda-${var.cuda_version}", var.prefix], var.extra_labels))
  provisioning   = { spot = "SPOT", on-demand = "STANDARD" }
  role_id_prefix = replace(var.prefix, "-", "_")
}
