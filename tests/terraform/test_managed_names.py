"""Managed CD and Terraform name the same cloud resources, for any length of slug.

``src/<pkg>/managed/common.py`` fits a long name to its cloud's limit with ``fit()``
(its start, a dash, 8 hex digits of its sha256); Terraform grants deploy rights on
those names and names its own resources within their limits. These tests render a
repository with a 60-character slug, evaluate the root's expressions with the
terraform binary (``terraform console``) and compare them with what the generated
repository's own ``fit()`` and ``Release.version`` give.
"""

from __future__ import annotations

import json
import random
import re
import string
import subprocess
import sys
import uuid
from pathlib import Path

from tests.terraform.conftest import LONG_SLUG as SLUG
from tests.terraform.conftest import render, run

ENVIRONMENTS = ("staging", "production")
# Other slugs, evaluated with the same expressions: short, at each limit, over it.
SLUGS = (SLUG, "ml", "a" * 52, "b" * 53, "c" * 54, "d" * 55, "ab-" * 10 + "c", "x-" * 40 + "y",
         "z" * 100, "ab-" * 33 + "c")  # fmt: skip
IAM_ROLE = re.compile(r"[\w+=,.@-]{1,64}")
SAGEMAKER_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
AZUREML_WORKSPACE = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}")
AZUREML_ENDPOINT = re.compile(r"[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*")
LOG_ANALYTICS = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]")


def assignment(text: str, name: str) -> str:
    """The ``name = <expression>`` line(s) of a locals block, brackets balanced."""
    start = re.search(rf"^  {name}\s+=", text, re.MULTILINE)
    assert start, name
    lines: list[str] = []
    depth = 0
    for line in text[start.start() :].splitlines():
        lines.append(line)
        bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
        depth += bare.count("{") + bare.count("[") - bare.count("}") - bare.count("]")
        if depth <= 0:
            return "\n".join(lines)
    raise AssertionError(f"unbalanced {name}")


def evaluate(
    repo: Path, names: list[str], slug: str, work: Path, terraform: str
) -> dict[str, object]:
    """The root's locals ``names`` (from serving.tf and main.tf) for ``slug``, as terraform
    computes them."""
    text = "\n".join(
        (repo / "terraform" / name).read_text(encoding="utf-8")
        for name in ("serving.tf", "main.tf")
    )
    body = "\n".join(assignment(text, name) for name in names)
    work.mkdir(exist_ok=True)
    (work / "main.tf").write_text(
        'variable "project_slug" {\n  type = string\n}\n\nlocals {\n'
        f'  deploy_environments = ["staging", "production"]\n{body}\n}}\n',
        encoding="utf-8",
    )
    expression = "jsonencode({" + ", ".join(f"{n} = local.{n}" for n in names) + "})\n"
    done = subprocess.run(
        [terraform, "console", f"-var=project_slug={slug}"],
        input=expression, cwd=work, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    value: dict[str, object] = json.loads(json.loads(done.stdout))
    return value


def python_names(repo: Path, slugs: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """What the generated repository's managed CD names, per slug (its own code)."""
    package = next((repo / "src").iterdir()).name
    script = f"""
import json, sys
from {package}.managed import common
out = {{}}
for slug in json.loads(sys.argv[1]):
    names = {{}}
    for env in {list(ENVIRONMENTS)!r}:
        endpoint = common.fit(f"{{slug}}-{{env}}", common.ENDPOINT_LIMIT)
        release = common.Release(env, endpoint, "0" * 32, "", "", "", 0, 1)
        names[env] = [endpoint, release.version[: -len(common.VERSION_SUFFIX)]]
    names["sagemaker_role"] = common.fit(slug, 34) + "-sagemaker"  # main.tf's name_prefix
    out[slug] = names
print(json.dumps(out))
"""
    done = run(sys.executable, "-c", script, json.dumps(list(slugs)), cwd=repo / "src")
    assert done.returncode == 0, done.stderr
    found: dict[str, dict[str, object]] = json.loads(done.stdout)
    return found


def test_sagemaker_names_in_iam_match_what_managed_cd_creates(
    long_slug: dict[str, Path], terraform_bin: str, tmp_path: Path
) -> None:
    repo = long_slug["aws"]
    expected = python_names(repo, SLUGS)
    names = ["name_prefix", "sagemaker_endpoints", "sagemaker_versions", "sagemaker_role_name"]
    for index, slug in enumerate(SLUGS):
        got = evaluate(repo, names, slug, tmp_path / str(index), terraform_bin)
        endpoints, versions = got["sagemaker_endpoints"], got["sagemaker_versions"]
        assert isinstance(endpoints, dict) and isinstance(versions, dict)
        for env in ENVIRONMENTS:
            assert [endpoints[env], versions[env]] == expected[slug][env], slug
            assert SAGEMAKER_NAME.fullmatch(endpoints[env]), endpoints[env]
            # The longest name managed CD derives: "<version>-<release 12>-canary".
            assert len(f"{versions[env]}-{'0' * 12}-canary") <= 63
        assert got["sagemaker_role_name"] == expected[slug]["sagemaker_role"]
        assert IAM_ROLE.fullmatch(str(got["sagemaker_role_name"])), slug
    # The 60-character slug is over every limit: the names are cut, not passed through.
    assert expected[SLUG]["sagemaker_role"] != f"{SLUG}-sagemaker"
    serving = (repo / "terraform" / "serving.tf").read_text(encoding="utf-8")
    assert "${var.project_slug}-${each.key}" not in serving
    for kind, local in (
        ("endpoint", "endpoints"),
        ("endpoint-config", "versions"),
        ("model", "versions"),
    ):
        assert f":{kind}/${{local.sagemaker_{local}[each.key]}}" in serving, kind
    assert "name                 = local.sagemaker_role_name" in serving


def test_azure_names_fit_their_limits_for_any_slug(
    long_slug: dict[str, Path], terraform_bin: str, tmp_path: Path
) -> None:
    repo = long_slug["azure"]
    names = ["ml_workspace_names", "ml_logs_name"]
    for index, slug in enumerate(SLUGS):
        got = evaluate(repo, names, slug, tmp_path / str(index), terraform_bin)
        workspaces = got["ml_workspace_names"]
        assert isinstance(workspaces, dict)
        assert sorted(workspaces) == sorted(ENVIRONMENTS)
        assert len(set(workspaces.values())) == 2
        for name in workspaces.values():
            assert AZUREML_WORKSPACE.fullmatch(name), name
        assert LOG_ANALYTICS.fullmatch(str(got["ml_logs_name"])), got
        if len(f"{slug}-ml-production") <= 33:
            assert workspaces["production"] == f"{slug}-ml-production"
    # Managed CD's endpoint name fits Azure ML's 3 to 32 (its own fit()).
    expected = python_names(repo, (SLUG,))[SLUG]
    for env in ENVIRONMENTS:
        endpoint = expected[env]
        assert isinstance(endpoint, list) and 3 <= len(endpoint[0]) <= 32, endpoint


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
    work.mkdir(exist_ok=True)
    (work / "main.tf").write_text(
        'variable "cases" {\n  type = list(object({ slug = string, ids = map(string) }))\n}\n\n'
        f"locals {{\n  ml_suffix = {rhs['ml_suffix']}\n}}\n",
        encoding="utf-8",
    )
    (work / "terraform.tfvars.json").write_text(json.dumps({"cases": cases}), encoding="utf-8")
    done = subprocess.run(
        [terraform, "console"], input=f"jsonencode([for c in var.cases : {expression}])\n",
        cwd=work, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found: list[dict[str, str]] = json.loads(json.loads(done.stdout))
    return found


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
    package = next((repo / "src").iterdir()).name
    script = f"""
import json, sys
from {package}.managed import common
cases = json.load(sys.stdin)
print(json.dumps([
    {{env: common.azureml_endpoint(c["slug"], env, c["ids"][env]) for env in c["ids"]}}
    for c in cases
]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(cases), cwd=repo / "src",
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert got == json.loads(done.stdout)
    names = [name for names in got for name in names.values()]
    assert len(set(names)) == len(names)
    for name in names:
        assert AZUREML_ENDPOINT.fullmatch(name) and 3 <= len(name) <= 32, name
    outputs = (repo / "terraform" / "outputs.tf").read_text(encoding="utf-8")
    assert 'output "azureml_endpoints" {' in outputs
    assert "value       = local.azureml_endpoints" in outputs


def test_vertex_endpoint_ids_in_terraform_match_what_managed_cd_looks_up(
    terraform_bin: str, tmp_path: Path
) -> None:
    """Vertex AI display names need not be unique in a project: managed CD finds its
    endpoint by the id Terraform gives it (serving.tf) and checks its display name. The
    terraform binary evaluates serving.tf's own id and display name expressions; the
    generated ``endpoint_id()`` and ``fit()`` give the same for every slug length."""
    repo = render(tmp_path / "gcp", cloud="gcp", deploy_target="managed")
    text = (repo / "terraform" / "serving.tf").read_text(encoding="utf-8")
    for resource, suffix in (("deploy", ""), ("smoke", "-smoke")):
        block = text[text.index(f'resource "google_vertex_ai_endpoint" "{resource}"') :]
        fields = {
            key: re.search(rf"^  {key}\s+= (.+)$", block, re.MULTILINE)
            for key in ("name", "display_name")
        }
        compare_vertex_ids(repo, fields, suffix, tmp_path / resource, terraform_bin)


def compare_vertex_ids(
    repo: Path, fields: dict[str, re.Match[str] | None], suffix: str, work: Path, terraform: str
) -> None:
    """Terraform's id and display name of an endpoint (``fields``) against the generated
    code's ``endpoint_id()`` of ``fit(<slug>-<env>) + suffix``, for 200 cases."""
    rng = random.Random(5)
    cases = [
        {"project": f"proj-{rng.randrange(10**6)}", "slug": case["slug"], "env": env}
        for case in workspace_cases(100)
        for env in ENVIRONMENTS
    ]
    body = ", ".join(
        f"{key} = {found[1]}".replace("var.project_id", "c.project")
        .replace("var.project_slug", "c.slug")
        .replace("each.key", "c.env")
        for key, found in fields.items()
        if found
    )
    assert body.count(" = ") == 2, fields
    work.mkdir(parents=True)
    (work / "main.tf").write_text(
        'variable "cases" {\n  type = list(object({ project = string, slug = string, env = string }))\n}\n',
        encoding="utf-8",
    )
    (work / "terraform.tfvars.json").write_text(json.dumps({"cases": cases}), encoding="utf-8")
    done = subprocess.run(
        [terraform, "console"], input=f"jsonencode([for c in var.cases : {{{body}}}])\n",
        cwd=work, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    got = json.loads(json.loads(done.stdout))
    package = next((repo / "src").iterdir()).name
    script = f"""
import json, sys
from {package}.managed import common, vertex
out = []
for c in json.load(sys.stdin):
    endpoint = common.fit(c["slug"] + "-" + c["env"], common.ENDPOINT_LIMIT)
    display = common.fit(endpoint + {suffix!r}, vertex.DISPLAY_LIMIT)
    out.append({{"name": vertex.endpoint_id(c["project"], display), "display_name": display}})
print(json.dumps(out))
"""
    ran = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(cases), cwd=repo / "src",
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert got == json.loads(ran.stdout)
    assert len({(c["project"], g["name"]) for c, g in zip(cases, got, strict=True)}) == len(got)
