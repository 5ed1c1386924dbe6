"""The judges users trust, run for real: checkov on the Terraform, and zizmor,
actionlint and check-jsonschema on the infra workflow. Zero findings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.conftest import (
    CLOUDS,
    MODULES,
    MODULES_DIR,
    render,
    run,
    tool,
    with_local_modules,
)

pytestmark = pytest.mark.slow

SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")


def checkov_summary(checkov: Path, directory: Path, *extra: str) -> dict[str, Any]:
    done = run(
        checkov,
        "-d",
        directory,
        "--framework",
        "terraform",
        "-o",
        "json",
        "--skip-download",
        *extra,
    )
    assert done.returncode in (0, 1), done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def assert_clean(report: dict[str, Any]) -> None:
    if "results" not in report:  # nothing that checkov has checks for
        assert report["failed"] == 0
        return
    failed = [
        (c["check_id"], c["resource"], c["file_path"]) for c in report["results"]["failed_checks"]
    ]
    assert not failed, failed
    for skipped in report["results"]["skipped_checks"]:
        reason = skipped["check_result"].get("suppress_comment", "")
        assert reason.strip() and reason != "No comment provided", skipped["check_id"]


def test_every_inline_skip_in_the_sources_carries_a_reason() -> None:
    template = Path(__file__).resolve().parents[2] / "templates" / "ml-repo"
    sources = [*MODULES_DIR.rglob("*.tf"), *template.rglob("*.tf")]
    skips = [m for path in sources for m in SKIP_COMMENT.finditer(path.read_text(encoding="utf-8"))]
    assert skips
    for match in skips:
        assert (match.group(2) or "").strip(), f"{match.group(1)} is skipped without a reason"


@pytest.mark.parametrize("module", MODULES)
def test_checkov_passes_every_module(module: str, checkov: Path) -> None:
    assert_clean(checkov_summary(checkov, MODULES_DIR / module))


@pytest.mark.parametrize("cloud", CLOUDS)
def test_checkov_passes_the_generated_root(
    cloud: str, generated: dict[str, Path], checkov: Path
) -> None:
    assert_clean(checkov_summary(checkov, generated[cloud] / "terraform"))


@pytest.mark.parametrize("cloud", CLOUDS)
def test_checkov_passes_the_root_with_its_modules_resolved(
    cloud: str, generated: dict[str, Path], checkov: Path, tmp_path: Path
) -> None:
    """The root and its modules scanned together, as a graph, with the root's values.

    The sources point at this checkout here, so the source-pinning checks (which
    the test above applies to the real, pinned sources) do not apply.
    """
    root = with_local_modules(generated[cloud] / "terraform", tmp_path / "terraform")
    report = checkov_summary(checkov, root, "--skip-check", "CKV_TF_1,CKV_TF_2")
    assert_clean(report)
    assert report["summary"]["resource_count"] > 0


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_checkov_passes_the_managed_endpoint_root_with_its_modules_resolved(
    cloud: str, checkov: Path, tmp_path: Path
) -> None:
    """deploy_target 'managed' adds the endpoints, their identities and their storage."""
    repo = render(tmp_path / "repo", cloud=cloud, deploy_target="managed")
    root = with_local_modules(repo / "terraform", tmp_path / "terraform")
    assert_clean(checkov_summary(checkov, repo / "terraform"))
    assert_clean(checkov_summary(checkov, root, "--skip-check", "CKV_TF_1,CKV_TF_2"))


@pytest.mark.parametrize("cloud", CLOUDS)
def test_zizmor_finds_nothing_in_the_infra_workflow(cloud: str, generated: dict[str, Path]) -> None:
    workflow = generated[cloud] / ".github" / "workflows" / "infra.yml"
    done = run(tool("zizmor"), "--offline", "--format", "json", workflow)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize("cloud", CLOUDS)
def test_actionlint_finds_nothing_in_the_infra_workflow(
    cloud: str, generated: dict[str, Path]
) -> None:
    workflow = generated[cloud] / ".github" / "workflows" / "infra.yml"
    done = run(tool("actionlint"), "-no-color", workflow)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


@pytest.mark.parametrize("cloud", CLOUDS)
def test_check_jsonschema_accepts_the_infra_workflow(
    cloud: str, generated: dict[str, Path]
) -> None:
    workflow = generated[cloud] / ".github" / "workflows" / "infra.yml"
    done = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", workflow)
    assert done.returncode == 0, done.stdout + done.stderr
