"""## What it does
Compares the parameter values that `dvc.lock` recorded for each stage with the
current values in `params.yaml` (and the other params files a stage names), and
checks that every parameter a stage declares in `dvc.yaml` is recorded.

## Why is this bad
A parameter changed after the last `dvc repro` means the committed model was
trained with other settings than the ones in this commit: the repository no
longer reproduces the artifacts it pins.

## Example
```yaml
# params.yaml
train:
  lr: 0.01   # dvc.lock records train.lr: 0.1
```

When a workflow runs `dvc repro` on pull requests that change the params file
(the generated `ct.yml`), a check of a pull request from the repository itself
(GitHub Actions, `pull_request`) says "CT will retrain this PR" as a note that
does not fail the run: CT commits `dvc.lock` back, and the finding goes away.
On main, in a fork's pull request or on a laptop it fails, and names CT; so it
does where the workflow says CT is not set up (`MLRIG_CT_ENABLED` other than
`true`: the generated `ci.yml` sets it from the settings `ct.yml` needs).

## Fix
Run `dvc repro` and commit `dvc.lock` together with the parameter change (or
revert the parameter); or let the CT workflow retrain the pull request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.dvc import LockedStage
from toolkit.check.views.dvc_project import Pipeline, pipelines, repo_path
from toolkit.check.views.dvc_stages import Stage, lookup
from toolkit.rules._ct import awaiting_ct

CODE = "DVC002"
NAME = "stale-dvc-params"
FAMILY = "dvc"
SUMMARY = "A parameter differs from the value dvc.lock recorded, or is not recorded"
VIEWS: tuple[str, ...] = ("dvc",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each locked stage's parameters against the params files."""
    del options
    for pipeline in pipelines(project):
        if pipeline.lock is None or pipeline.lock.problem or pipeline.yaml is None:
            continue
        for stage in pipeline.expanded.stages:
            locked = pipeline.locked(stage.name)
            if locked is not None:
                yield from _declared(pipeline, stage, locked)
                for found in _values(pipeline, stage, locked, pipeline.param_docs):
                    yield _ct_advice(project, found)


def _declared(pipeline: Pipeline, stage: Stage, locked: LockedStage) -> Iterator[Finding]:
    assert pipeline.lock is not None
    recorded = locked.params.data if isinstance(locked.params.data, dict) else {}
    for use in stage.params:
        keys = recorded.get(use.file)
        if not isinstance(keys, dict) or (use.key is not None and not _has(keys, use.key)):
            name = use.file if use.key is None else f"{use.file}:{use.key}"
            message = (
                f"stage '{stage.name}' declares param '{name}', but "
                f"{pipeline.lock.path}:{locked.line} does not record it; run `dvc repro`"
            )
            assert pipeline.yaml is not None
            yield Finding(pipeline.yaml.path, use.line, use.column, CODE, message)


def _has(keys: dict[str, Any], dotted: str) -> bool:
    return dotted in keys or lookup(keys, dotted)[0]


def _values(
    pipeline: Pipeline, stage: Stage, locked: LockedStage, docs: Mapping[str, Any]
) -> Iterator[tuple[str, Finding]]:
    """``(params file, finding)`` for each recorded value that differs from the file's."""
    assert pipeline.lock is not None
    lock_path = pipeline.lock.path
    recorded = locked.params.data if isinstance(locked.params.data, dict) else {}
    for file, keys in recorded.items():
        path = repo_path(stage.wdir, str(file))
        if path not in pipeline.params or not isinstance(keys, dict):
            continue
        current = pipeline.params[path]
        for key, value in keys.items():
            found, now = _current(current, str(key))
            if not found:
                lock_line = locked.params.mark(file, key)[0]
                message = f"param '{key}' recorded here is no longer in {path}; run `dvc repro`"
                yield path, Finding(lock_path, lock_line, 1, CODE, message)
                continue
            for sub, now_leaf, locked_leaf in _leaves(now, value, ()):
                name = ".".join((str(key), *sub))
                lock_line = locked.params.mark(file, key, *sub)[0]
                where = docs[path].mark(*str(key).split("."), *sub) if path in docs else (1, 1)
                if locked_leaf is _ABSENT:
                    message = (
                        f"param '{name}' is not recorded in {lock_path}:{lock_line} "
                        f"(stage '{stage.name}'); run `dvc repro`"
                    )
                elif now_leaf is _ABSENT:
                    message = f"param '{name}' recorded here is no longer in {path}"
                    yield path, Finding(lock_path, lock_line, 1, CODE, message)
                    continue
                else:
                    message = (
                        f"param '{name}' is {_short(now_leaf)} here, but {lock_path}:{lock_line} "
                        f"records {_short(locked_leaf)} (stage '{stage.name}'); run `dvc repro`"
                    )
                yield path, Finding(path, where[0], where[1], CODE, message)


_ABSENT = object()


def _ct_advice(project: Project, found: tuple[str, Finding]) -> Finding:
    """The finding, saying that CT will retrain when a workflow does so for its params file."""
    params_file, finding = found
    return awaiting_ct(project, finding, [params_file])


def _leaves(
    now: Any, locked: Any, sub: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    """``(sub-key, current, recorded)`` for each leaf that differs (``_ABSENT`` when missing)."""
    if isinstance(now, dict) and isinstance(locked, dict):
        for key, value in locked.items():
            if key in now:
                yield from _leaves(now[key], value, (*sub, str(key)))
            else:
                yield (*sub, str(key)), _ABSENT, value
        for key, value in now.items():
            if key not in locked:
                yield (*sub, str(key)), value, _ABSENT
    elif not _same(now, locked):
        yield sub, now, locked


def _current(data: Any, key: str) -> tuple[bool, Any]:
    if isinstance(data, dict) and key in data:
        return True, data[key]
    return lookup(data, key)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


def _short(value: Any) -> str:
    text = repr(_plain(value))
    return text if len(text) <= 40 else text[:37] + "..."


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    for kind in (bool, str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value
