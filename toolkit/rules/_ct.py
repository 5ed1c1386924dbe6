"""Which inputs a continuous-training workflow retrains on pull requests.

A workflow that runs ``dvc repro`` and triggers on ``pull_request`` for some
``paths`` (the generated ``ct.yml``: ``params.yaml`` and ``**.dvc``) retrains a
pull request that changes one of those files and commits ``dvc.lock`` back to it.
A stale lock there is a pull request waiting for that run, not a forgotten
``dvc repro``: the DVC rules give such a finding a ``pending`` message, which a
check of a pull request shows as a note that does not fail the run; anywhere
else (main, a fork's pull request, a laptop) the finding fails and names CT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.gha import as_map
from toolkit.check.yamlsource import YList

_NEEDLE = "dvc repro"


def retrained_by(project: Project, path: str) -> str | None:
    """The workflow that retrains pull requests changing ``path``, or None."""
    found = project.each_file("workflow", "ct-pr-paths", _pr_paths, needle=_NEEDLE)
    for workflow, *patterns in found:
        if _selected(path, patterns):
            return str(workflow)
    return None


def hint(workflow: str, path: str) -> str:
    """The words a finding ends with when ``workflow`` will retrain."""
    return (
        f"CT will retrain this PR: {workflow} reruns `dvc repro` on pull requests that "
        f"change {path} and commits dvc.lock back"
    )


_REPRO = re.compile(r";? *run `dvc repro[^`]*`( and commit dvc\.lock)?\Z")


def awaiting_ct(project: Project, finding: Finding, inputs: Iterable[str]) -> Finding:
    """``finding`` with its ``pending`` message when CT retrains pull requests that
    change one of ``inputs`` (the files whose change made the lock stale)."""
    for path in inputs:
        workflow = retrained_by(project, path)
        if workflow is not None:
            base = _REPRO.sub("", finding.message)
            message = (
                f"{finding.message}, or let CT retrain it in a pull request "
                f"({workflow} reruns `dvc repro` on pull requests that change {path})"
            )
            return finding.reworded(message, pending=f"{base}; {hint(workflow, path)}")
    return finding


def _pr_paths(view: Any, text: str) -> list[list[str]]:
    """``[[workflow path, pattern, ...]]`` when the workflow runs ``dvc repro`` on pull requests."""
    del text
    root = as_map(view.root)
    trigger = root.get("on", root.get(True)) if root is not None else None
    events = as_map(trigger)
    pull_request = as_map(events.get("pull_request")) if events is not None else None
    paths = pull_request.get("paths") if pull_request is not None else None
    if not isinstance(paths, YList) or not any(_runs_repro(job) for job in view.jobs):
        return []
    return [[view.path, *(str(pattern) for pattern in paths)]]


def _runs_repro(job: Any) -> bool:
    return any(step.run is not None and _NEEDLE in str(step.run) for step in job.steps)


def _selected(path: str, patterns: list[str]) -> bool:
    """GitHub's rule: the last pattern that matches decides; ``!`` excludes."""
    chosen = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _glob(pattern[1:] if negated else pattern).fullmatch(path):
            chosen = not negated
    return chosen


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """A GitHub filter pattern as a regex: ``**`` crosses folders, ``*`` and ``?`` do not."""
    parts = re.split(r"(\*\*/?|\*|\?)", pattern)
    table = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(table.get(part, re.escape(part)) for part in parts))
