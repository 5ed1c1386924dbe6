"""Prove that the committed ``dvc.lock`` reproduces: run after ``dvc repro --force``.

CI reruns every stage on a CPU from the pinned data and parameters, then::

    python -m {{ cookiecutter.package_name }}.reproduce

compares the rerun's ``dvc.lock`` with the committed one (``git show HEAD:dvc.lock``)
and exits 1 on any difference in a command, a dependency, a parameter or an output.
The stages are seeded, so a CPU rerun gives the same bytes as a CPU training run.

A lock whose inputs changed since it was made (a parameter, or a dependency no stage
writes: code, a new data version, the requirements lock) is stale, not irreproducible: it exits 1 and says
so, except in a pull request that the CT workflow retrains (``CT_RETRAINS_THIS_PR``
is ``true``), where CT commits the retrained lock and CI runs again on that commit.
{%- if cookiecutter.ml_framework == 'pytorch' %}
A model trained on CUDA (``eval/training.json`` records ``cuda: 1``) differs from a CPU
rerun in the last bits; for such a lock the outputs of ``train`` and the stages after
it are compared by their metrics, within ``gate.cross_device_tolerance``.
{%- endif %}
"""

from __future__ import annotations

{% if cookiecutter.ml_framework == 'pytorch' -%}
import json
{% endif -%}
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
{%- if cookiecutter.ml_framework == 'pytorch' %}

from {{ cookiecutter.package_name }}.params import METRICS_FILE, PARAMS_FILE
{%- endif %}

LOCK = "dvc.lock"
STALE = "its inputs changed since it was made (run `dvc repro`, or let CT retrain)"
{%- if cookiecutter.ml_framework == 'pytorch' %}
TRAINING_INFO = "eval/training.json"
MODEL_STAGE = "train"
{%- endif %}


def committed(path: str, root: Path = Path()) -> str | None:
    """``path`` as the checked-out commit has it (None when it is not committed)."""
    done = subprocess.run(
        ["git", "show", f"HEAD:{path}"], cwd=root, capture_output=True, text=True, check=False
    )
    return done.stdout if done.returncode == 0 else None


def entries(stage: dict[str, Any], kind: str) -> dict[str, Any]:
    """A locked stage's deps or outs as path to md5."""
    return {str(item.get("path")): item.get("md5") for item in stage.get(kind) or []}


def differences(old: dict[str, Any], new: dict[str, Any], loose: set[str]) -> list[str]:
    """How the rerun's stages differ from the committed ones.

    What the ``loose`` stages write is compared elsewhere (by metrics): as their
    outputs, and as the dependencies of the stages that read them.
    """
    found = []
    written = {path for name in loose for path in entries(old.get(name) or {}, "outs")}
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name) or {}, new.get(name) or {}
        if before.get("cmd") != after.get("cmd"):
            found.append(f"stage '{name}': cmd differs")
        if before.get("params") != after.get("params"):
            found.append(f"stage '{name}': params differ")
        kinds = ("deps",) if name in loose else ("deps", "outs")
        for kind in kinds:
            mine, theirs = entries(before, kind), entries(after, kind)
            for path in sorted((set(mine) | set(theirs)) - (written if kind == "deps" else set())):
                if mine.get(path) != theirs.get(path):
                    found.append(
                        f"stage '{name}': {kind[:-1]} {path} is {mine.get(path)} in {LOCK}, "
                        f"{theirs.get(path)} after the rerun"
                    )
    return found
{%- if cookiecutter.ml_framework == 'pytorch' %}


def downstream(stages: dict[str, Any], first: str) -> set[str]:
    """``first`` and every stage that reads, directly or not, what it writes."""
    names, outs = {first}, set(entries(stages.get(first) or {}, "outs"))
    grew = True
    while grew:
        grew = False
        for name, stage in stages.items():
            if name not in names and outs & set(entries(stage, "deps")):
                names.add(name)
                outs |= set(entries(stage, "outs"))
                grew = True
    return names


def trained_on_cuda(text: str | None) -> bool:
    return bool(text) and bool(json.loads(text or "{}").get("cuda"))


def metric_drift(old_text: str | None, root: Path, tolerance: float) -> list[str]:
    """Metrics of the rerun further than ``tolerance`` from the committed ones."""
    old = json.loads(old_text or "{}")
    new = json.loads((root / METRICS_FILE).read_text(encoding="utf-8"))
    return [
        f"metric {name}: {old.get(name)} in {METRICS_FILE}, {new.get(name)} after the CPU rerun"
        for name in sorted(set(old) | set(new))
        if not isinstance(old.get(name), (int, float))
        or not isinstance(new.get(name), (int, float))
        or abs(old[name] - new[name]) > tolerance
    ]
{%- endif %}


def stale_inputs(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The inputs that changed since ``old`` was made: parameters, and dependencies that
    no stage writes (code, data tracked by .dvc files)."""
    written = {path for stage in new.values() for path in entries(stage or {}, "outs")}
    found = []
    for name in sorted(set(old) & set(new)):
        if (old[name] or {}).get("params") != (new[name] or {}).get("params"):
            found.append(f"stage '{name}': params differ from params.yaml")
        before, after = entries(old[name] or {}, "deps"), entries(new[name] or {}, "deps")
        for path in sorted(set(after) - written):
            if before.get(path) != after[path]:
                found.append(f"stage '{name}': dep {path} changed since {LOCK} was made")
    return found


def check(root: Path = Path()) -> tuple[list[str], str]:
    """The differences, and a line that says what was compared."""
    text = committed(LOCK, root)
    if text is None:
        return [], f"no {LOCK} is committed yet: nothing to compare"
    old = (yaml.safe_load(text) or {}).get("stages") or {}
    new = (yaml.safe_load((root / LOCK).read_text(encoding="utf-8")) or {}).get("stages") or {}
    stale = stale_inputs(old, new)
    if stale:
        return stale, f"{LOCK} is stale: {STALE}"
{%- if cookiecutter.ml_framework == 'pytorch' %}
    if trained_on_cuda(committed(TRAINING_INFO, root)) and not trained_on_cuda(
        (root / TRAINING_INFO).read_text(encoding="utf-8")
    ):
        params = yaml.safe_load((root / PARAMS_FILE).read_text(encoding="utf-8")) or {}
        tolerance = float((params.get("gate") or {}).get("cross_device_tolerance", 0.02))
        loose = downstream(old, MODEL_STAGE)
        found = differences(old, new, loose)
        found += metric_drift(committed(str(METRICS_FILE), root), root, tolerance)
        return found, (
            f"{LOCK} was trained on CUDA: stages {', '.join(sorted(loose))} compared by "
            f"metrics (tolerance {tolerance:g}), the others byte for byte"
        )
{%- endif %}
    return differences(old, new, set()), f"{LOCK}: every stage compared byte for byte"


def main() -> int:
    found, what = check()
    for line in found:
        print(line)
    if what.endswith(STALE):
        waiting = os.environ.get("CT_RETRAINS_THIS_PR") == "true"
        print(what + (": CT retrains this pull request and commits it" if waiting else ""))
        return 0 if waiting else 1
    print(f"{what}: {'does not reproduce' if found else 'reproduces'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
