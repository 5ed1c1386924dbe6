"""The generated ``.pre-commit-config.yaml`` pins third-party hooks by commit, not by tag."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import REPO_ROOT, RunMlrig

OPTIONS = json.loads((REPO_ROOT / "templates/ml-repo/cookiecutter.json").read_text("utf-8"))
PIN = re.compile(r"^    rev: ([0-9a-f]{40})  # frozen: (v\d+\.\d+\.\d+)$")


def test_third_party_hooks_are_pinned_by_commit_with_a_frozen_comment(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    assert run_mlrig("new", "--no-input", "-o", tmp_path).code == 0
    config = (tmp_path / "my-ml-project" / ".pre-commit-config.yaml").read_text("utf-8")
    lines = config.splitlines()
    pinned = {}
    for index, line in enumerate(lines):
        repo = line.removeprefix("  - repo: https://github.com/")
        if repo != line and repo != OPTIONS["mlrig_repository"]:
            found = PIN.match(lines[index + 1])
            assert found, lines[index + 1]
            pinned[repo] = (found[1], found[2])
    assert pinned == {
        repo: (OPTIONS["_precommit_commits"][repo], version)
        for repo, version in OPTIONS["_precommit_revs"].items()
    }
