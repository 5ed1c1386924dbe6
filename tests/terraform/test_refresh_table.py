"""Every type the AWS configuration manages has its refresh calls in the table.

The table is what ``test_aws_root_access`` checks ``infra-plan``'s policy
against; a type missing here would be a type whose refresh nobody checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.terraform.conftest import MODULES_DIR, render
from tests.terraform.hcl import unquote
from tests.terraform.refresh_table import configured_types, declared_types, table
from tests.terraform.schema_runner import pinned
from tests.terraform.test_schema import identity_entry
from tests.terraform.tfgraph import Scope


@pytest.mark.parametrize("deploy_target", ["kserve", "managed"])
def test_every_configured_type_has_its_refresh_calls(deploy_target: str, tmp_path: Path) -> None:
    repo = render(tmp_path, cloud="aws", deploy_target=deploy_target)
    types = configured_types(repo / "terraform")
    assert "resource.aws_lambda_event_source_mapping" in types
    assert "resource.aws_s3_object" in types
    assert sorted(types - set(table()["types"])) == []


def test_upstream_types_were_recorded_at_the_pinned_commit() -> None:
    repository, commit = pinned()
    upstream = table()["upstream"]
    assert (upstream["module"], upstream["commit"]) == (repository, commit)
    assert "modules/runners" in upstream["folders"]


def test_the_table_names_a_resource_for_every_call() -> None:
    missing = [
        type_
        for type_, entry in table()["types"].items()
        if bool(entry["actions"]) != (entry["resource"] is not None)
    ]
    assert missing == []


def plan_role(scope: Scope) -> list[str]:
    """The permissions of the GCP root's infra-plan custom role."""
    role = scope.module.resources["google_project_iam_custom_role.plan"]
    return [unquote(permission) for permission in role["permissions"]]


@pytest.mark.parametrize("variant", ["gcp", "gcp-managed"])
def test_gcp_plan_refreshes_every_type_and_reads_no_vm_metadata(
    variant: str, roots: dict[str, Scope], tmp_path: Path
) -> None:
    gcp = table()["gcp"]
    permissions = plan_role(roots[variant])
    repo = render(tmp_path, cloud="gcp", deploy_target=variant.partition("-")[2] or "kserve")
    types = declared_types([repo / "terraform", *sorted(MODULES_DIR.glob("gcp-*"))])
    assert sorted(type_ for type_ in types if type_ not in gcp["types"]) == []
    needed = {permission for type_ in types for permission in gcp["types"][type_]}
    assert sorted(needed - set(permissions)) == []
    assert [p for p in permissions for never in gcp["never"] if p.startswith(never)] == []


def test_gcp_plan_holds_only_its_custom_role(roots: dict[str, Scope]) -> None:
    for variant in ("gcp", "gcp-managed"):
        root = roots[variant].module
        plan = identity_entry(str(root.calls["github_oidc"]["identities"]), "infra-plan")
        roles = re.findall(r'"((?:roles|projects)/[^"]+)"', plan)
        assert roles == [
            "projects/${var.project_id}/roles/${google_project_iam_custom_role.plan.role_id}"
        ]
