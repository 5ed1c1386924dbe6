"""Whole trees pinned by ``--fix``: zizmor finds no unpinned ``uses:`` afterwards, and a
second ``--fix`` changes nothing.

The trees: the failing fixtures of the pinning rules, a generated repository, and
(when ``MLRIG_REAL_TREES`` names git directories, separated by ``os.pathsep``)
the ``.github`` trees of real repositories, which are other projects' code and
therefore not kept in this repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.check.pinning import (
    build_remotes,
    extract_github,
    pin,
    real_trees,
    snapshot,
    unpinned_uses,
)
from tests.check.remotes import Remotes, git
from tests.conftest import REPO_ROOT

FIXTURES = REPO_ROOT / "tests/rules/fixtures"


def _judge(tree: Path, base: Path) -> tuple[list[str], str]:
    """Pin ``tree``; check it is idempotent; return zizmor's unpinned steps and the errors."""
    git(tree, "init", "-q")
    remotes = Remotes(base / "github")
    impossible = build_remotes(tree, remotes)
    assert unpinned_uses(tree), "the tree has unpinned uses: to start with"
    code, _, err = pin(tree, remotes, base / "cache")
    assert "Traceback" not in err
    assert code in {0, 1}
    fixed = snapshot(tree)
    again = pin(tree, remotes, base / "cache")
    assert snapshot(tree) == fixed, "a second --fix changed files"
    assert again[2] == err, "the second run explains the same findings"
    assert "Fixed" not in again[1]
    left = unpinned_uses(tree)
    assert all(any(ref in step for ref in impossible) for step in left), left
    return left, err


def test_the_pinning_rules_fixtures(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for case in ("GHA001/fail/tags", "GHA003/fail/branches", "GHA002/fail/bare-sha"):
        shutil.copytree(FIXTURES / case, tree / case.replace("/", "-"), dirs_exist_ok=True)
        source = FIXTURES / case / ".github"
        if source.is_dir():
            shutil.copytree(source, tree / ".github", dirs_exist_ok=True)
    left, err = _judge(tree, tmp_path)
    assert left == []
    assert (
        "GHA003 not fixed: https://github.com/actions/cache has no abbreviated SHA 1bd1e32" in err
    )


@pytest.mark.slow
def test_a_generated_repository(tmp_path: Path) -> None:
    from tests.check.helpers import mlrig

    made = mlrig("new", "--no-input", "-o", tmp_path / "out", cwd=tmp_path, timeout=300)
    assert made.code == 0, made.err
    (tree,) = (tmp_path / "out").iterdir()
    for path in tree.rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(_unpin(text), encoding="utf-8")
    left, _ = _judge(tree, tmp_path)
    assert left == []


def _unpin(text: str) -> str:
    """Turn each ``@<sha>  # vX.Y.Z`` back into ``@vX.Y.Z``, as a hand-written workflow has it."""
    import re

    return re.sub(r"@[0-9a-f]{40}\s+#\s*(v?\d[\w.+-]*)", r"@\1", text)


@pytest.mark.slow
@pytest.mark.skipif(not real_trees(), reason="MLRIG_REAL_TREES names no git directories")
@pytest.mark.parametrize("mirror", real_trees(), ids=lambda p: p.parent.name)
def test_a_real_repository(tmp_path: Path, mirror: Path) -> None:
    tree = extract_github(mirror, tmp_path / "tree")
    left, _ = _judge(tree, tmp_path)
    assert left == []
