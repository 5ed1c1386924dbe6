resource "google_compute_instance_template" "runner" {
  #checkov:skip=CKV_GCP_39:Secure Boot stays off because the image's NVIDIA kernel modules are not signed with a key Shielded VM trusts; vTPM and integrity monitoring stay on
  for_each = local.provisioning

  project      = var.project_id
  name_prefix  = "${var.prefix}-${each.key}-"
  description  = "mlrig ephemeral GPU runner (${each.key}), CUDA ${var.cuda_version}"
  machine_type = var.machine_type
  region       = var.region
  labels       = merge(var.labels, { "mlrig-runner" = var.prefix, "mlrig-capacity" = each.key })

  disk {
    source_image = var.image
    boot         = true
    auto_delete  = true
    disk_size_gb = var.disk_size_gb
    disk_type    = "pd-balanced"
  }

  guest_accelerator {
    type  = var.accelerator_type
    count = var.accelerator_count
  }

  network_interface {
    subnetwork = var.subnetwork
  }

  scheduling {
    provisioning_model          = each.value
    preemptible                 = each.value == "SPOT"
    automatic_restart           = false
    on_host_maintenance         = "TERMINATE"
    instance_termination_action = "DELETE"

    max_run_duration {
      seconds = var.max_lifetime_minutes * 60
    }
  }

  service_account {
    email  = google_service_account.runner.email
    scopes = ["https://www.googleapis.com/auth/cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = false
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    block-project-ssh-keys = "true"
    enable-oslogin         = "TRUE"
    serial-port-enable     = "false"
    install-nvidia-driver  = "True"
    startup-script = templatefile("${path.module}/startup.sh.tftpl", {
      cuda_version   = var.cuda_version
      runner_version = var.runner_version
      runner_sha256  = var.runner_sha256
    })
  }

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = length(regexall(local.cuda_tag, var.image)) > 0
      error_message = "The GPU image does not carry CUDA ${var.cuda_version} (${local.cuda_tag}) in its name; pick the image that matches the training image."
    }
  }
}
