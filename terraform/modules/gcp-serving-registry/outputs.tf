output "image" {
  description = "The serving image without tag or digest, <location>-docker.pkg.dev/<project>/<repository>/<image_name>: the variable SERVING_IMAGE_REPOSITORY."
  value       = "${var.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.serving.repository_id}/${var.image_name}"
}

output "repository_name" {
  description = "Id of the Artifact Registry repository."
  value       = google_artifact_registry_repository.serving.repository_id
}
