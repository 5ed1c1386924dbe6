"""## What it does
Compares every stage of `dvc.yaml` with what `dvc.lock` recorded for it: the
stage must be there, with the same `cmd`, the same dependencies and the same
outputs. `foreach`/`matrix` stages are compared by their generated names
(`train@small`), after `${}` interpolation from `params.yaml` and `vars`.
An empty or malformed `dvc.lock` is reported too. A repository with a
`dvc.yaml` and no `dvc.lock` at all has never been reproduced, which is not a
finding. A `cmd` that differs only because a parameter it interpolates changed
(the lock's recorded values give back the locked `cmd`) waits for CT in a pull
request that the CT workflow retrains, as DVC002 explains.

## Why is this bad
`dvc.lock` is the record of what produced the data and models in this commit.
When a stage changed after the last `dvc repro`, the lock describes a pipeline
that no longer exists, and the pinned artifacts cannot be traced to this code.

## Example
```yaml
# dvc.yaml
stages:
  train:
    cmd: python train.py --epochs 20   # dvc.lock still records --epochs 10
```

## Fix
Run `dvc repro` (or `dvc commit` when the outputs are already right) and commit
the updated `dvc.lock`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.dvc import Entry, LockedStage
from toolkit.check.views.dvc_project import Pipeline, pipelines, recorded_params
from toolkit.check.views.dvc_stages import Stage, expand
from toolkit.rules._ct import awaiting_ct

CODE = "DVC001"
NAME = "stale-dvc-lock"
FAMILY = "dvc"
SUMMARY = "dvc.lock is missing a stage of dvc.yaml or records a different cmd, deps or outs"
VIEWS: tuple[str, ...] = ("dvc",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Every pipeline whose ``dvc.lock`` exists is compared stage by stage."""
    del options
    for pipeline in pipelines(project):
        yield from _pipeline(project, pipeline)


def _pipeline(project: Project, pipeline: Pipeline) -> Iterator[Finding]:
    lock = pipeline.lock
    if lock is None or pipeline.yaml is None:
        return
    if lock.problem is not None:
        yield Finding(lock.path, 1, 1, CODE, f"{lock.problem}; run `dvc repro` and commit it")
        return
    where = pipeline.yaml.path
    for name, line, column in pipeline.expanded.malformed:
        message = f"stage '{name}' is malformed (see `dvc stage list`), so it cannot be compared"
        yield Finding(where, line, column, CODE, message)
    for stage in pipeline.expanded.stages:
        locked = pipeline.locked(stage.name)
        if locked is None:
            message = f"stage '{stage.name}' is not in {lock.path}; run `dvc repro {stage.name}`"
            yield Finding(where, stage.line, stage.column, CODE, message)
            continue
        if _cmd(stage.cmd) != _cmd(locked.cmd):
            yield _cmd_finding(project, pipeline, stage, locked)
        both = (lock.path, locked)
        yield from _entries(where, stage, "dep", (stage.deps, locked.deps), both)
        yield from _entries(where, stage, "out", (stage.outs, locked.outs), both)
    known = {stage.name for stage in pipeline.expanded.stages}
    known.update(pipeline.expanded.unresolved)
    known.update(name for name, _, _ in pipeline.expanded.malformed)
    for locked in lock.stages:
        if locked.name not in known and locked.name.split("@")[0] not in known:
            message = f"stage '{locked.name}' is no longer in {where}; run `dvc repro`"
            yield Finding(lock.path, locked.line, locked.column, CODE, message)


def _cmd_finding(
    project: Project, pipeline: Pipeline, stage: Stage, locked: LockedStage
) -> Finding:
    assert pipeline.lock is not None and pipeline.yaml is not None
    message = (
        f"cmd of stage '{stage.name}' is {_short(stage.cmd)} here, but {_short(locked.cmd)} "
        f"in {pipeline.lock.path}:{locked.line}; run `dvc repro {stage.name}`"
    )
    finding = Finding(pipeline.yaml.path, stage.cmd_line, stage.cmd_column, CODE, message)
    files = _interpolated_params(pipeline, stage, locked)
    return awaiting_ct(project, finding, files) if files else finding


def _interpolated_params(pipeline: Pipeline, stage: Stage, locked: LockedStage) -> list[str]:
    """The params files whose recorded values, put back, give the locked cmd (it differs
    only because a parameter it interpolates changed)."""
    assert pipeline.yaml is not None
    params, changed = recorded_params(pipeline.params, stage.wdir, locked)
    again = expand(pipeline.yaml, params).stages if changed else ()
    same = any(s.name == stage.name and _cmd(s.cmd) == _cmd(locked.cmd) for s in again)
    return changed if same else []


def _entries(
    where: str,
    stage: Stage,
    what: str,
    both: tuple[tuple[Entry, ...], tuple[Entry, ...]],
    lock: tuple[str, LockedStage],
) -> Iterator[Finding]:
    declared, recorded = both
    lock_path, locked = lock
    recorded_paths = {_norm(entry.path) for entry in recorded}
    for entry in declared:
        if _norm(entry.path) not in recorded_paths:
            message = (
                f"{what} '{entry.path}' of stage '{stage.name}' is not recorded in "
                f"{lock_path}:{locked.line}; run `dvc repro {stage.name}`"
            )
            yield Finding(where, entry.line, entry.column, CODE, message)
    declared_paths = {_norm(entry.path) for entry in declared}
    for entry in recorded:
        if _norm(entry.path) not in declared_paths:
            message = (
                f"{what} '{entry.path}' of stage '{stage.name}' is recorded here, "
                f"but {where}:{stage.line} no longer declares it; run `dvc repro {stage.name}`"
            )
            yield Finding(lock_path, entry.line, entry.column, CODE, message)


def _norm(path: str) -> str:
    return path.rstrip("/").removeprefix("./")


def _cmd(cmd: Any) -> Any:
    if isinstance(cmd, list):
        return [str(part).strip() for part in cmd]
    return None if cmd is None else str(cmd).strip()


def _short(cmd: Any) -> str:
    text = " && ".join(map(str, cmd)) if isinstance(cmd, list) else str(cmd)
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")
