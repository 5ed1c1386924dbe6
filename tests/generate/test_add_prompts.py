"""Interactive ``mlrig add`` asks only the questions whose answers the part's files use."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import RunMlrig, Terminal
from tests.generate.conftest import HASHED_LOCK

FIXTURE = Path(__file__).parent / "fixtures" / "plain-repo"
LOCK = HASHED_LOCK


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "churn-model"
    shutil.copytree(FIXTURE, target)
    (target / "requirements.txt").write_text(LOCK, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    return target


def asked(out: str) -> list[str]:
    """The questions asked, by label, in order."""
    return re.findall(r"([A-Z][^\[\]:\n]*?) \[[^\]\n]*\]: ", out)


def test_add_ci_asks_only_what_ci_uses(
    repo: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", Terminal("\n" * 20))
    result = run_mlrig("add", "ci", "-C", repo)
    assert result.code == 0, result.err
    # The cloud comes from .dvc/config; the region still applies to it.
    assert asked(result.out) == [
        "Repository name",
        "Cloud region",
        "ML framework",
        "GitHub repository of mlrig's action and hooks",
    ]
    for never in ("GPU instance type", "CUDA version", "Terraform", "Deployment target"):
        assert never not in result.out
    assert (repo / ".github" / "workflows" / "ci.yml").is_file()


def test_add_dependabot_asks_nothing(
    repo: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", Terminal(""))
    result = run_mlrig("add", "dependabot", "-C", repo)
    assert result.code == 0, result.err
    assert asked(result.out) == []
    assert "]: " not in result.out
