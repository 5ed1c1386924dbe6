"""Captured inference data expires in every DVC remote module, and only that data.

AWS is applied against moto in ``test_aws_apply``; GCS and Azure cannot run here, so
their rules are read from the module as Terraform parses it (python-hcl2)."""

from __future__ import annotations

import functools
from typing import Any

import hcl2
import pytest

from tests.terraform.conftest import MODULES_DIR


def unquoted(value: Any) -> Any:
    """python-hcl2's tree with the quotes it keeps around names and strings taken off."""
    if isinstance(value, dict):
        return {
            unquoted(key): unquoted(item) for key, item in value.items() if key != "__is_block__"
        }
    if isinstance(value, list):
        return [unquoted(item) for item in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


@functools.cache
def parsed(module: str, name: str) -> Any:
    with (MODULES_DIR / module / name).open(encoding="utf-8") as handle:
        return unquoted(hcl2.load(handle))


def resource(module: str, kind: str, name: str) -> dict[str, Any]:
    parsed_module = parsed(module, "main.tf")
    for block in parsed_module["resource"]:
        if kind in block and name in block[kind]:
            found: dict[str, Any] = block[kind][name]
            return found
    raise AssertionError(f"{module} has no {kind}.{name}")


def variable_default(module: str, name: str) -> Any:
    variables = parsed(module, "variables.tf")["variable"]
    (found,) = [block[name] for block in variables if name in block]
    return found["default"]


@pytest.mark.parametrize("module", ["aws-dvc-remote", "gcp-dvc-remote", "azure-dvc-remote"])
def test_the_retention_is_an_input_of_thirty_days(module: str) -> None:
    assert variable_default(module, "monitoring_retention_days") == 30


def test_gcs_deletes_monitoring_objects_and_their_old_versions() -> None:
    bucket = resource("gcp-dvc-remote", "google_storage_bucket", "remote")
    deletes = [
        rule["condition"][0]
        for rule in bucket["lifecycle_rule"]
        if rule["action"][0]["type"] == "Delete"
    ]
    scoped = [c for c in deletes if c.get("matches_prefix")]
    assert [c["matches_prefix"] for c in scoped] == [["${local.prefix}monitoring/"]] * 2
    assert {(c.get("age"), c.get("with_state")) for c in scoped} == {
        ("${var.monitoring_retention_days}", "LIVE"),
        (None, "ARCHIVED"),
    }
    unscoped = [c for c in deletes if not c.get("matches_prefix")]
    assert all(c.get("with_state") == "ARCHIVED" for c in unscoped)  # never a live DVC object


def test_azure_deletes_monitoring_blobs_only() -> None:
    policy = resource("azure-dvc-remote", "azurerm_storage_management_policy", "remote")
    rules = {rule["name"]: rule for rule in policy["rule"]}
    filters = rules["monitoring"]["filters"][0]
    assert filters["prefix_match"] == ["${var.container_name}/${local.prefix}monitoring/"]
    base = rules["monitoring"]["actions"][0]["base_blob"][0]
    assert base == {
        "delete_after_days_since_modification_greater_than": "${var.monitoring_retention_days}"
    }
    other = rules["dvc-remote"]["actions"][0]["base_blob"][0]
    assert not any(key.startswith("delete") for key in other)
