"""CI's reproducibility check, ``python -m <package>.reproduce``, on a pytorch repository.

A model trained on CUDA differs from the CPU rerun in its last bits: its hash, and so
the hash that every later stage records for it as a dependency, differs too. Those
stages are compared by their metrics; everything the CUDA model did not touch stays
byte for byte. No torch is needed: the locks are written as the two runs would.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from tests.cdct.conftest import Render, copy_repo, git, run

PACKAGE = "my_ml_project"
CUDA_MODEL, CPU_MODEL = "c" * 32, "d" * 32
METRICS = {"accuracy": 0.95, "f1": 0.95, "log_loss": 0.12}


def _lock(model_md5: str, prepared_md5: str = "a" * 32) -> dict[str, object]:
    model = {"path": "models/model.pt", "md5": model_md5}
    prepared = {"path": "data/prepared", "md5": prepared_md5}
    return {
        "schema": "2.0",
        "stages": {
            "prepare": {
                "cmd": f"python -m {PACKAGE}.prepare",
                "deps": [{"path": "data/raw", "md5": "b" * 32}],
                "outs": [prepared],
            },
            "train": {
                "cmd": f"python -m {PACKAGE}.train",
                "deps": [prepared],
                "outs": [model, {"path": "eval/training.json", "md5": model_md5[:31] + "0"}],
            },
            "evaluate": {
                "cmd": f"python -m {PACKAGE}.evaluate",
                "deps": [model, prepared],
                "outs": [{"path": "metrics.json", "md5": model_md5[:31] + "1"}],
            },
        },
    }


def _write(repo: Path, lock: dict[str, object], cuda: int, metrics: dict[str, float]) -> None:
    (repo / "dvc.lock").write_text(yaml.safe_dump(lock, sort_keys=False), encoding="utf-8")
    (repo / "eval").mkdir(exist_ok=True)
    (repo / "eval/training.json").write_text(json.dumps({"cuda": cuda}), encoding="utf-8")
    (repo / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")


def _reproduce(
    render: Render, tmp_path: Path, rerun: dict[str, object], metrics: dict[str, float]
) -> str:
    repo = copy_repo(render(cloud="none", ml_framework="pytorch"), tmp_path / "repo")
    _write(repo, _lock(CUDA_MODEL), 1, METRICS)
    git(repo, "add", "-A", "-f")
    git(repo, "commit", "-q", "-m", "CT: retrain on a GPU runner")
    _write(repo, rerun, 0, metrics)
    done = run(
        [sys.executable, "-m", f"{PACKAGE}.reproduce"], repo, {"PYTHONPATH": str(repo / "src")}
    )
    return f"{done.returncode}\n{done.stdout}{done.stderr}"


def test_a_cuda_model_and_what_reads_it_are_compared_by_metrics(
    render: Render, tmp_path: Path
) -> None:
    output = _reproduce(render, tmp_path, _lock(CPU_MODEL), dict(METRICS, log_loss=0.125))
    assert output == (
        "0\ndvc.lock was trained on CUDA: stages evaluate, train compared by metrics "
        "(tolerance 0.02), the others byte for byte: reproduces\n"
    )


def test_the_data_before_the_cuda_model_is_still_compared_byte_for_byte(
    render: Render, tmp_path: Path
) -> None:
    forged = "e" * 32
    output = _reproduce(render, tmp_path, _lock(CPU_MODEL, prepared_md5=forged), METRICS)
    assert output.splitlines() == [
        "1",
        f"stage 'evaluate': dep data/prepared is {'a' * 32} in dvc.lock, {forged} after the rerun",
        f"stage 'prepare': out data/prepared is {'a' * 32} in dvc.lock, {forged} after the rerun",
        f"stage 'train': dep data/prepared is {'a' * 32} in dvc.lock, {forged} after the rerun",
        "dvc.lock was trained on CUDA: stages evaluate, train compared by metrics "
        "(tolerance 0.02), the others byte for byte: does not reproduce",
    ]


def test_metrics_beyond_the_tolerance_do_not_reproduce(render: Render, tmp_path: Path) -> None:
    output = _reproduce(render, tmp_path, _lock(CPU_MODEL), dict(METRICS, accuracy=0.9))
    assert output.splitlines()[:2] == [
        "1",
        "metric accuracy: 0.95 in metrics.json, 0.9 after the CPU rerun",
    ]
