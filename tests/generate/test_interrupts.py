"""Ctrl-C at random points of ``new`` and ``update``: the tree is as it was or complete,
never half, and a rerun succeeds."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.generate.conftest import SLUG_DIR, append, commit_all
from tests.generate.interrupts import differences, interrupt, leftovers, mlrig_process, snapshot

TRIALS = 10
INTERRUPTED = (0, 130, -2)  # finished first, interrupted, or killed before Python started


def run_mlrig(*args: str | Path) -> float:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", *map(str, args)], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


@pytest.mark.slow
def test_interrupted_new_leaves_nothing_or_everything(tmp_path: Path) -> None:
    seconds = run_mlrig("new", "--no-input", "-o", tmp_path / "reference")
    complete = snapshot(tmp_path / "reference" / "my-ml-project")
    rng = random.Random(9)
    outcomes = []
    for trial in range(TRIALS):
        out = tmp_path / f"trial{trial}"
        out.mkdir()
        process = mlrig_process("new", "--no-input", "-o", out)
        code, err = interrupt(process, out, rng, seconds)
        assert code in INTERRUPTED, err
        assert code == -2 or "Traceback" not in err  # -2: Ctrl-C before mlrig's code ran
        state = snapshot(out / "my-ml-project")
        assert state in ({}, complete), (
            f"trial {trial}: a half-written repository: {differences(state, {}, complete)}"
        )
        assert leftovers(out) == [], f"trial {trial} (exit {code}): {err}"
        outcomes.append("complete" if state else "nothing")
        if not state:
            run_mlrig("new", "--no-input", "-o", out)
            assert snapshot(out / "my-ml-project") == complete
    assert "nothing" in outcomes


@pytest.mark.slow
def test_interrupted_update_leaves_the_tree_as_it_was_or_updated(
    tmp_path: Path, generated: Path, template_copy: Path
) -> None:
    for path in sorted((template_copy / SLUG_DIR).rglob("*")):
        if path.is_file():  # every file changes: the longest window to cut in half
            append(path, "\n# a change in the template\n")
    commit_all(template_copy)
    before = snapshot(generated)
    reference = tmp_path / "reference"
    shutil.copytree(generated, reference, symlinks=True)
    seconds = run_mlrig("update", "-C", reference, "--template", template_copy)
    updated = snapshot(reference)
    assert updated != before
    rng = random.Random(10)
    outcomes = []
    for trial in range(TRIALS):
        repo = tmp_path / f"trial{trial}"
        shutil.copytree(generated, repo, symlinks=True)
        process = mlrig_process("update", "-C", repo, "--template", template_copy)
        code, err = interrupt(process, repo, rng, seconds)
        assert code in INTERRUPTED, err
        assert code == -2 or "Traceback" not in err  # -2: Ctrl-C before mlrig's code ran
        state = snapshot(repo)
        assert state in (before, updated), (
            f"trial {trial}: a half-applied update: {differences(state, before, updated)}"
        )
        assert leftovers(repo) == []
        outcomes.append("updated" if state == updated else "as it was")
        if state == before:
            run_mlrig("update", "-C", repo, "--template", template_copy)
            assert snapshot(repo) == updated
    assert "as it was" in outcomes
