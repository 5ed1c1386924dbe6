"""The CD, CT, drift and serving-image workflows satisfy zizmor, actionlint and
check-jsonschema, for every cloud and deployment target, with zero findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cdct.conftest import Render, run, script

CLOUDS = ("aws", "gcp", "azure", "none")
TARGETS = ("kserve", "managed")
# verify-image.yml exists in KServe repositories with a cloud (a registry) only.
WORKFLOWS = ("cd.yml", "ct.yml", "drift.yml", "serve-image.yml", "verify-image.yml")
IDENT = "secrets-outside-env"

pytestmark = pytest.mark.slow


def _workflows(repo: Path) -> list[Path]:
    paths = [repo / ".github/workflows" / name for name in WORKFLOWS]
    return [path for path in paths if path.exists()]


@pytest.mark.parametrize(
    ("cloud", "target"),
    # a managed endpoint needs a cloud: cloud "none" has no "managed" variant
    [(c, t) for t in TARGETS for c in CLOUDS if (c, t) != ("none", "managed")],
)
def test_judges_find_nothing(render: Render, cloud: str, target: str) -> None:
    repo = render(cloud=cloud, deploy_target=target)
    files = _workflows(repo)
    zizmor = run([script("zizmor"), "--offline", "--no-progress", *files], repo)
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    assert "No findings to report" in zizmor.stdout
    actionlint = run([script("actionlint"), "-no-color", *files], repo)
    assert actionlint.returncode == 0, actionlint.stdout + actionlint.stderr
    schema = ["--builtin-schema", "vendor.github-workflows"]
    jsonschema = run([script("check-jsonschema"), *schema, *files], repo)
    assert jsonschema.returncode == 0, jsonschema.stdout + jsonschema.stderr


def _outside_env(repo: Path, files: list[Path]) -> list[str]:
    """``file:job`` of each zizmor auditor-level ``secrets-outside-env`` finding."""
    command = [script("zizmor"), "--offline", "--no-progress", "--persona", "auditor"]
    done = run([*command, "--format", "json", *files], repo)
    found = []
    for finding in json.loads(done.stdout):
        if finding["ident"] == IDENT:
            where = finding["locations"][0]["symbolic"]
            route = [step["Key"] for step in where["route"]["route"] if "Key" in step]
            found.append(f"{Path(where['key']['Local']['verbatim_path']).name}:{route[1]}")
    return found


def test_zizmor_flags_a_secret_in_a_job_without_environment(tmp_path: Path) -> None:
    """The audit below is live in the pinned zizmor: a job that reads a secret with no
    environment is flagged."""
    workflow = tmp_path / ".github/workflows/probe.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "name: probe\non: push\npermissions: {}\njobs:\n  leaky:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - env:\n          KEY: ${{ secrets.CT_APP_PRIVATE_KEY }}\n"
        '        run: test -n "$KEY"\n',
        encoding="utf-8",
    )
    assert _outside_env(tmp_path, [workflow]) == ["probe.yml:leaky"]


@pytest.mark.parametrize(
    ("cloud", "target"),
    [(c, t) for t in TARGETS for c in CLOUDS if (c, t) != ("none", "managed")],
)
def test_no_secret_outside_an_environment_at_zizmor_auditor_level(
    render: Render, cloud: str, target: str
) -> None:
    """The GitHub App's key is read only in jobs of an environment (github-app for the jobs
    that commit), never in a job that ran a pull request's code."""
    repo = render(cloud=cloud, deploy_target=target)
    files = sorted((repo / ".github/workflows").glob("*.yml"))
    assert _outside_env(repo, files) == []


def test_workflows_hold_no_secret_and_no_floating_ref(render: Render) -> None:
    repo = render(cloud="aws", deploy_target="managed")
    for path in _workflows(repo):
        text = path.read_text(encoding="utf-8")
        assert "permissions: {}" in text, path.name
        for line in text.splitlines():
            if "uses:" in line and "./" not in line:
                assert "@" in line and "#" in line, line
                ref = line.split("@", 1)[1].split()[0]
                assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), line


def test_ct_runs_on_the_gpu_labels_with_a_hosted_fallback(render: Render) -> None:
    text = (render(cloud="aws") / ".github/workflows/ct.yml").read_text(encoding="utf-8")
    fallback = "vars.CT_RUNNER_LABELS && fromJSON(vars.CT_RUNNER_LABELS) || 'ubuntu-24.04'"
    assert fallback in text
    for trigger in ("schedule:", "repository_dispatch:", "drift-detected", "workflow_dispatch:"):
        assert trigger in text
    for command in ("dvc pull", "dvc repro", "dvc push", "mlrig lineage --format md"):
        assert command in text


def test_production_deploys_only_from_main_through_its_environment(render: Render) -> None:
    text = (render(cloud="gcp", deploy_target="managed") / ".github/workflows/cd.yml").read_text(
        encoding="utf-8"
    )
    assert "pull_request" not in text
    assert "environment: ${{ matrix.environment }}" in text
    # The image is the pin's (by digest, checked by `pins check` and mlrig), never a variable.
    assert "SERVING_IMAGE:" not in text and "vars.SERVING_IMAGE " not in text
    assert "run: python -m my_ml_project.pins check" in text
