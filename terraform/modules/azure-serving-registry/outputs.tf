output "image" {
  description = "The serving image without tag or digest, <name>.azurecr.io/<image_name>: the variable SERVING_IMAGE_REPOSITORY."
  value       = "${azurerm_container_registry.serving.login_server}/${var.image_name}"
}

output "login_server" {
  description = "Login server of the registry."
  value       = azurerm_container_registry.serving.login_server
}

output "registry_id" {
  description = "Resource id of the registry."
  value       = azurerm_container_registry.serving.id
}
