"""Managed CD and Terraform name the same cloud resources, for any length of slug.

``src/<pkg>/managed/common.py`` fits a long name to its cloud's limit with ``fit()``
(its start, a dash, 8 hex digits of its sha256); Terraform grants deploy rights on
those names and names its own resources within their limits. These tests render a
repository with a 60-character slug, evaluate the root's expressions with the
terraform binary (``terraform console``) and compare them with what the generated
repository's own ``fit()`` and ``Release.version`` give (the Azure ML and Vertex AI
endpoints: test_endpoint_names).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.terraform.conftest import LONG_SLUG as SLUG
from tests.terraform.conftest import run
from tests.terraform.console import assignment

ENVIRONMENTS = ("staging", "production")
# Other slugs, evaluated with the same expressions: short, at each limit, over it.
SLUGS = (SLUG, "ml", "a" * 52, "b" * 53, "c" * 54, "d" * 55, "ab-" * 10 + "c", "x-" * 40 + "y",
         "z" * 100, "ab-" * 33 + "c")  # fmt: skip
IAM_ROLE = re.compile(r"[\w+=,.@-]{1,64}")
SAGEMAKER_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
AZUREML_WORKSPACE = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}")
LOG_ANALYTICS = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]")


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
    # The online endpoints' names: test_endpoint_names (they depend on the workspace too).
