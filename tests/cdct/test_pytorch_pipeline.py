"""The generated pytorch pipeline, run end to end on this CPU with the repository's own code.

Two ``dvc repro`` runs give the same ``dvc.lock`` (seeds and deterministic kernels),
the device that trained is recorded, the training curve, ROC curve and confusion
matrix are declared and drawn, the metrics read back, and CI's reproducibility step
says the committed lock reproduces. The repository's own tests pass too (the lock
pins the CUDA wheel; this venv's torch is the CPU build).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo, git, run

pytestmark = pytest.mark.slow
PACKAGE = "my_ml_project"


def _env(repo: Path) -> dict[str, str]:
    bindir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PYTHONPATH": str(repo / "src"),
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        "DVC_NO_ANALYTICS": "1",
    }


def _ok(command: list[str | Path], repo: Path) -> str:
    done = run(command, repo, _env(repo))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _outs(repo: Path) -> dict[str, str]:
    stages = yaml.safe_load((repo / "dvc.lock").read_text(encoding="utf-8"))["stages"]
    return {out["path"]: out["md5"] for stage in stages.values() for out in stage["outs"]}


def test_two_runs_give_the_same_lock_and_the_plots(render: Render, tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the pytorch server needs torch in the test venv")
    repo = copy_repo(render(cloud="none", ml_framework="pytorch"), tmp_path / "repo")
    dvc = [sys.executable, "-m", "dvc"]
    _ok([*dvc, "repro"], repo)
    first = (repo / "dvc.lock").read_text(encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "trained")
    _ok([*dvc, "repro", "--force"], repo)
    assert (repo / "dvc.lock").read_text(encoding="utf-8") == first
    assert set(_outs(repo)) == {
        "data/prepared",
        "models/model.pt",
        "eval/training.csv",
        "eval/training.json",
        "eval/roc.csv",
        "eval/predictions.csv",
        "metrics.json",
    }
    assert git(repo, "status", "--porcelain") == ""
    reproduced = _ok([sys.executable, "-m", f"{PACKAGE}.reproduce"], repo)
    assert reproduced == "dvc.lock: every stage compared byte for byte: reproduces\n"

    info = json.loads((repo / "eval/training.json").read_text(encoding="utf-8"))
    assert info["cuda"] == 0  # this machine has no GPU: the CPU trained it
    curve = (repo / "eval/training.csv").read_text(encoding="utf-8").splitlines()
    epochs = yaml.safe_load((repo / "params.yaml").read_text(encoding="utf-8"))["train"]["epochs"]
    assert curve[0] == "epoch,loss" and len(curve) == 1 + epochs
    assert float(curve[-1].split(",")[1]) < float(curve[1].split(",")[1])
    plots = json.loads(_ok([*dvc, "plots", "show", "--json"], repo))["data"]
    assert sorted(plots) == ["Confusion matrix", "ROC curve", "Training loss"]
    metrics = json.loads(_ok([*dvc, "metrics", "show", "--json"], repo))
    scores = next(iter(metrics.values()))["data"]["metrics.json"]["data"]
    assert scores["accuracy"] >= 0.85 and scores["log_loss"] <= 0.5  # the production gate


def test_the_repositorys_own_tests_pass(render: Render, tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the pytorch server needs torch in the test venv")
    repo = copy_repo(render(cloud="none", ml_framework="pytorch"), tmp_path / "repo")
    out = _ok(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "tests"], repo
    )
    for name in ("test_training_twice_gives_the_same_model", "test_training_uses_cuda_when_a_gpu"):
        assert f"PASSED tests/test_pipeline.py::{name}" in out
    assert re.fullmatch(r"=* ?\d+ passed in [\d.]+s ?=*", out.splitlines()[-1]), out
