resource "google_artifact_registry_repository" "serving" {
  #checkov:skip=CKV_GCP_84:the serving image is rebuilt from git and the hash-locked requirements at any time; Google-managed encryption here, a customer-managed key is left to the caller
  project       = var.project_id
  location      = var.location
  repository_id = var.repository_id
  format        = "DOCKER"
  description   = "The serving image ${var.image_name}, pinned by digest"
  labels        = var.labels
  # The policies below delete; a dry run would only log.
  cleanup_policy_dry_run = false

  # A digest pin and its tag never part: a tag cannot be moved to another image.
  docker_config {
    immutable_tags = true
  }

  cleanup_policies {
    id     = "untagged-after-${var.untagged_retention_days}-days"
    action = "DELETE"

    condition {
      tag_state  = "UNTAGGED"
      older_than = "${var.untagged_retention_days * 86400}s"
    }
  }

  # Deletion yields to a keep policy: an image version that a DELETE and a KEEP policy
  # both match is kept. So everything goes after a day but the most recent versions and
  # the images a deploy pin names, which serve-image.yml tags pinned-<digest hex>
  # (production may lag staging by many builds: its image is kept however old).
  cleanup_policies {
    id     = "older-than-a-day"
    action = "DELETE"

    condition {
      tag_state  = "ANY"
      older_than = "86400s"
    }
  }

  cleanup_policies {
    id     = "keep-pinned-images"
    action = "KEEP"

    condition {
      tag_state    = "TAGGED"
      tag_prefixes = ["pinned-"]
    }
  }

  cleanup_policies {
    id     = "keep-the-${var.max_image_count}-most-recent"
    action = "KEEP"

    most_recent_versions {
      keep_count = var.max_image_count
    }
  }
}

resource "google_artifact_registry_repository_iam_member" "pusher" {
  for_each = var.pusher_members

  project    = var.project_id
  location   = var.location
  repository = google_artifact_registry_repository.serving.name
  role       = "roles/artifactregistry.writer"
  member     = each.value
}

resource "google_artifact_registry_repository_iam_member" "puller" {
  for_each = var.puller_members

  project    = var.project_id
  location   = var.location
  repository = google_artifact_registry_repository.serving.name
  role       = "roles/artifactregistry.reader"
  member     = each.value
}
