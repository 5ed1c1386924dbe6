"""Every rule, one line each: the module name under ``toolkit.rules``.

The engine, ``mlrig rules``, the docs pages and ``.pre-commit-hooks.yaml`` are all
made from this list (see docs/writing-rules.md).
"""

from __future__ import annotations

RULES: tuple[str, ...] = (
    # engine
    "mlr_parse_error",
    "mlr_unexplained_suppression",
    "mlr_unknown_suppression_code",
    "mlr_unused_suppression",
    # GitHub Actions
    "gha_unpinned_uses",
    "gha_unversioned_sha_pin",
    "gha_branch_ref",
    "gha_unpinned_image",
    "gha_unpinned_pip_install",
    "gha_latest_tool_version",
    "gha_setup_without_version",
    # container images
    "img_unpinned_base_image",
    "img_latest_base_image",
    "img_unpinned_pip_install",
    # pre-commit
    "pc_branch_rev",
    "pc_unfrozen_sha_rev",
    "pc_invalid_config",
    # Terraform
    "tf_missing_required_version",
    "tf_provider_without_source",
    "tf_unpinned_provider",
    "tf_missing_provider_lock",
    "tf_stale_provider_lock",
    "tf_unhashed_provider_lock",
    "tf_unpinned_module_source",
    "tf_undeclared_provider",
    # DVC
    "dvc_stale_lock",
    "dvc_stale_params",
    "dvc_dep_hash_mismatch",
    "dvc_unhashed_out",
    "dvc_unlocked_import",
    "dvc_out_not_ignored",
    "dvc_missing_default_remote",
    # models and deployment pins
    "mod_mutable_model_reference",
    "mod_stale_staging_pin",
    "mod_pin_lineage_mismatch",
    "mod_unproduced_production_model",
    "mod_overlay_storage_uri_mismatch",
    "mod_serving_image_by_tag",
    "mod_serving_framework_mismatch",
    # Python dependencies
    "py_missing_lock_file",
    "py_stale_lock_file",
    "py_unpinned_requirement",
    "py_lock_without_hashes",
    # cross-file consistency
    "x_inconsistent_python_version",
    "x_inconsistent_cuda_version",
    "x_mismatched_torch_versions",
    "x_dvc_cannot_read_lock",
    "x_dvc_extras_mismatch_remote",
    "x_inconsistent_terraform_version",
    "x_inconsistent_package_version",
)
