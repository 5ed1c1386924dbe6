"""Generated CI calls mlrig's own action by a commit of this repository."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import REPO_ROOT

OPTIONS = json.loads(
    (REPO_ROOT / "templates" / "ml-repo" / "cookiecutter.json").read_text(encoding="utf-8")
)
COMMIT = OPTIONS["_mlrig_action_commit"]
VERSION = OPTIONS["_mlrig_action_version"]


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )


def test_the_pin_is_a_full_sha_and_a_release_version() -> None:
    assert len(COMMIT) == 40
    assert int(COMMIT, 16) != 0
    assert VERSION.startswith("v")
    assert VERSION[1:] == OPTIONS["_template_version"]


def test_the_pinned_commit_holds_a_working_action() -> None:
    if git("rev-parse", "--is-inside-work-tree").returncode != 0:
        pytest.skip("not a git checkout of mlrig")
    if git("cat-file", "-e", f"{COMMIT}^{{commit}}").returncode != 0:
        pytest.skip("a shallow clone without the pinned commit")
    action = git("show", f"{COMMIT}:action.yml")
    assert action.returncode == 0, "the pinned commit has no action.yml"
    assert "using: composite" in action.stdout
    assert git("cat-file", "-e", f"{COMMIT}:toolkit/check/action-requirements.txt").returncode == 0
    tagged = git("rev-parse", "--verify", "--quiet", f"{VERSION}^{{commit}}")
    if tagged.returncode == 0:
        assert tagged.stdout.strip() == COMMIT, f"tag {VERSION} is not the pinned commit"
