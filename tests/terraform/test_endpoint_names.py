"""Managed CD and Terraform name the same Azure ML and Vertex AI endpoints.

An Azure ML online endpoint's name is unique in its region, so both name it after its
workspace (``azureml_endpoints`` in serving.tf, ``azureml_endpoint()`` in managed/common.py);
Vertex AI display names need not be unique in a project, so managed CD finds each
endpoint by the id Terraform gives it (``endpoint_id()`` in managed/vertex.py). The
terraform binary evaluates the generated root's own expressions over many slugs (1 to
100 characters) and workspaces or projects; the generated code must give the same.
"""

from __future__ import annotations

import random
import re
import string
import uuid
from pathlib import Path

from tests.terraform.conftest import render
from tests.terraform.console import assignment, expression_of, generated_code, over_cases

ENVIRONMENTS = ("staging", "production")
AZUREML_ENDPOINT = re.compile(r"[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*")
# Vertex AI's CreateEndpointRequest.endpoint_id: a numeric id has at most 9 digits and no
# leading zero (the API's own rule; some docs say 10, which the API refuses).
VERTEX_ENDPOINT_ID = re.compile(r"[1-9][0-9]{0,8}")


def workspace_cases(count: int) -> list[dict[str, object]]:
    """Slugs `new` accepts, of every length from 1 to 100, each with a workspace id per
    environment (the resource group in mixed case, as a user may type it)."""
    rng = random.Random(13)
    cases: list[dict[str, object]] = []
    for index in range(count):
        length = 1 + index % 100
        slug = rng.choice(string.ascii_lowercase)
        while len(slug) < length:
            slug += rng.choice(
                string.ascii_lowercase + string.digits + ("" if slug.endswith("-") else "--")
            )
        slug = slug.rstrip("-")
        subscription = str(uuid.UUID(int=rng.getrandbits(128)))
        ids = {
            env: f"/subscriptions/{subscription}/resourceGroups/{slug[:10].upper()}-Rg"
            f"/providers/Microsoft.MachineLearningServices/workspaces/{slug[:20]}-ml-{env}"
            for env in ENVIRONMENTS
        }
        cases.append({"slug": slug, "ids": ids})
    return cases


def terraform_endpoints(
    repo: Path, cases: list[dict[str, object]], work: Path, terraform: str
) -> list[dict[str, str]]:
    """``azureml_endpoints`` of serving.tf for each case (slug and workspace ids), as the
    terraform binary evaluates the root's own expressions."""
    text = (repo / "terraform" / "serving.tf").read_text(encoding="utf-8")
    rhs = {
        name: " ".join(assignment(text, name).split(" = ", 1)[1].split())
        for name in ("ml_suffix", "azureml_endpoint_prefix", "azureml_endpoints")
    }
    expression = (
        rhs["azureml_endpoints"]
        .replace("local.azureml_workspace_ids", "c.ids")
        .replace("local.azureml_endpoint_prefix", f"({rhs['azureml_endpoint_prefix']})")
        .replace("var.project_slug", "c.slug")
    )
    case_type = "object({ slug = string, ids = map(string) })"
    prelude = f"locals {{\n  ml_suffix = {rhs['ml_suffix']}\n}}\n"
    found: list[dict[str, str]] = over_cases(
        terraform, work, case_type, cases, expression, prelude=prelude
    )
    return found


AZURE_SCRIPT = """
import json, sys
from PACKAGE.managed import common
print(json.dumps([
    {env: common.azureml_endpoint(c["slug"], env, c["ids"][env]) for env in c["ids"]}
    for c in json.load(sys.stdin)
]))
"""


def test_azure_endpoint_names_in_terraform_match_what_managed_cd_creates(
    long_slug: dict[str, Path], terraform_bin: str, tmp_path: Path
) -> None:
    """Azure ML online endpoint names are unique in their region: Terraform's
    ``azureml_endpoints`` (an output, for whoever calls the endpoint) and managed CD's
    ``azureml_endpoint()`` give the same name, within Azure's rule, for every slug length
    and workspace; two workspaces (two organisations) never share one."""
    repo = long_slug["azure"]
    cases = workspace_cases(300)
    got = terraform_endpoints(repo, cases, tmp_path, terraform_bin)
    assert got == generated_code(repo, AZURE_SCRIPT, cases)
    names = [name for names in got for name in names.values()]
    assert len(set(names)) == len(names)
    for name in names:
        assert AZUREML_ENDPOINT.fullmatch(name) and 3 <= len(name) <= 32, name
    outputs = (repo / "terraform" / "outputs.tf").read_text(encoding="utf-8")
    assert 'output "azureml_endpoints" {' in outputs
    assert "value       = local.azureml_endpoints" in outputs


VERTEX_SCRIPT = """
import json, sys
from PACKAGE.managed import common, vertex
out = []
for c in json.load(sys.stdin):
    endpoint = common.fit(c["slug"] + "-" + c["env"], common.ENDPOINT_LIMIT)
    display = common.fit(endpoint + c["suffix"], vertex.DISPLAY_LIMIT)
    out.append({"name": vertex.endpoint_id(c["project"], display), "display_name": display})
print(json.dumps(out))
"""


def test_vertex_endpoint_ids_in_terraform_match_what_managed_cd_looks_up(
    terraform_bin: str, tmp_path: Path
) -> None:
    """Vertex AI display names need not be unique in a project: managed CD finds each
    endpoint (serving, and smoke) by the id Terraform gives it (serving.tf) and checks its
    display name. The terraform binary evaluates serving.tf's own id and display name
    expressions; the generated ``endpoint_id()`` and ``fit()`` give the same for 200 cases
    of every slug length, each id one the Vertex AI API accepts, no two alike."""
    repo = render(tmp_path / "gcp", cloud="gcp", deploy_target="managed")
    text = (repo / "terraform" / "serving.tf").read_text(encoding="utf-8")
    rng = random.Random(5)
    for resource, suffix in (("deploy", ""), ("smoke", "-smoke")):
        fields = {
            key: expression_of(text, f"google_vertex_ai_endpoint.{resource}", key)
            .replace("var.project_id", "c.project")
            .replace("var.project_slug", "c.slug")
            .replace("each.key", "c.env")
            for key in ("name", "display_name")
        }
        cases = [
            {"project": f"proj-{rng.randrange(10**6)}", "slug": case["slug"], "env": env,
             "suffix": suffix}
            for case in workspace_cases(100)
            for env in ENVIRONMENTS
        ]  # fmt: skip
        body = "{" + ", ".join(f"{key} = {value}" for key, value in fields.items()) + "}"
        case_type = "object({ project = string, slug = string, env = string, suffix = string })"
        got = over_cases(terraform_bin, tmp_path / resource, case_type, cases, body)
        assert got == generated_code(repo, VERTEX_SCRIPT, cases), resource
        for found in got:  # what endpoints.create accepts as a numeric endpointId
            assert VERTEX_ENDPOINT_ID.fullmatch(found["name"]), found
        assert len({found["name"] for found in got}) == len(got), resource
