"""A new data version by pull request, run through the CT loop (see test_ct_loop).

The author adds a CSV file with ``dvc add``, pushes it to the DVC remote (moto S3 on
127.0.0.1) and opens a pull request that changes only ``.dvc`` files: in that pull
request ``mlrig check`` notes that CT will retrain it (and passes), on a laptop it
fails; CT trains the branch, commits back, and the branch then passes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.cdct import test_ct_loop
from tests.cdct.conftest import git
from tests.cdct.test_ct_loop import Loop

pytestmark = pytest.mark.slow
loop = test_ct_loop.loop
s3 = test_ct_loop.s3
BRANCH = "more-data"
NEW_DATA = "data/raw/labelled.csv"


def _write_sample(path: Path) -> None:
    """Two well separated classes, seeded: 2,000 labelled rows."""
    rng = np.random.default_rng(11)
    target = rng.integers(0, 2, size=2000)
    features = rng.normal(np.where(target[:, None] == 1, 1.0, -1.0), 1.0, size=(2000, 8))
    header = ",".join([*(f"f{i}" for i in range(8)), "target"])
    np.savetxt(
        path,
        np.column_stack([features, target]),
        delimiter=",",
        header=header,
        comments="",
        fmt=["%.6f"] * 8 + ["%d"],
    )


def test_a_data_pr_waits_for_ct_then_passes(loop: Loop) -> None:
    author = loop.clone("data-author")
    git(author.path, "checkout", "-q", "-b", BRANCH)
    _write_sample(author.path / NEW_DATA)
    author.dvc("add", NEW_DATA)
    author.dvc("push")
    git(author.path, "add", f"{NEW_DATA}.dvc", "data/raw/.gitignore")
    git(author.path, "commit", "-q", "-m", "A new data version")
    changed = git(author.path, "diff", "--name-only", "origin/main", "HEAD").split()
    assert changed == ["data/raw/.gitignore", f"{NEW_DATA}.dvc"]
    git(author.path, "push", "-q", "origin", BRANCH)

    on_a_laptop = author.check()
    assert on_a_laptop.returncode == 1
    stale = "DVC003 md5 of data/raw is "
    retrained = (
        "or let CT retrain it in a pull request (.github/workflows/ct.yml reruns `dvc repro` "
        f"on pull requests that change {NEW_DATA}.dvc)\n"
    )
    assert stale in on_a_laptop.stdout and retrained in on_a_laptop.stdout
    loop.as_pull_request(author, BRANCH)
    waiting = author.check()
    assert waiting.returncode == 0, waiting.stdout
    assert waiting.stdout.startswith("dvc.lock:6:7: " + stale)
    assert waiting.stdout.endswith(
        f"; CT will retrain this PR: .github/workflows/ct.yml reruns `dvc repro` on pull "
        f"requests that change {NEW_DATA}.dvc and commits dvc.lock back\n"
        "Found 1 finding in 1 file.\n"
    )

    ran, after = loop.retrain_pull_request(BRANCH)
    assert ran.outputs["decision"] == "proposed", ran.stdout
    done = after.check()
    assert done.returncode == 0, done.stdout + done.stderr
    after.dvc("pull")
    assert after.dvc("status").strip() == "Data and pipelines are up to date."
