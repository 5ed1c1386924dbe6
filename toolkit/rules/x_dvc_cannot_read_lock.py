"""## What it does
Finds the dvc version that CI and images install (`pip install dvc==...` in
workflows and Dockerfiles, `iterative/setup-dvc` `version:`, the dvc pin in
requirements and lock files) and checks that it can read the repository's
`dvc.lock` and `.dvc` files: `schema: '2.0'` needs dvc 2 or later, and entries
with `hash: md5` are written by dvc 3 and need dvc 3.

## Why is this bad
An older dvc in CI either refuses the lock file or sees every dvc 3 hash as
changed, so `dvc repro` in continuous training retrains everything, and
`dvc pull` may fetch nothing.

## Example
```yaml
      - run: pip install "dvc[s3]==2.58.2"   # dvc.lock entries carry `hash: md5`
```

## Fix
Install the dvc major version that wrote the lock (`dvc>=3`), or pin CI to the
same version as the lock file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._pep440 import parse_version, satisfies, split_specifier

CODE = "X004"
NAME = "dvc-cannot-read-lock"
FAMILY = "consistency"
SUMMARY = "The dvc version installed in CI is too old for the repository's dvc.lock"
VIEWS: tuple[str, ...] = ("dvc", "pydeps", "workflow", "action", "dockerfile", "precommit")


def needed(facts: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The dvc major version one DVC project's files need, and the place that needs it."""
    return next((need for need in facts if need[0] == 3), facts[0] if facts else None)


def _needs_by_file(project: Project) -> list[tuple[str, tuple[int, str]]]:
    """Each need of each DVC file, with the file's path."""
    return project.each_file(
        "dvc", "dvc-major-needed-by-file", lambda view, _: [(view.path, n) for n in _needs(view)]
    )


def _needs(view: Any) -> list[tuple[int, str]]:
    """What one DVC file needs: dvc 2 for a lock schema, dvc 3 for ``hash: md5`` entries."""
    from toolkit.check.views.dvc import DvcFile, DvcLock

    found = []
    entries = []
    if isinstance(view, DvcLock):
        if view.schema is not None:
            found.append((2, f"{view.path}:1 (schema '{view.schema}')"))
        entries = [e for stage in view.stages for e in (*stage.deps, *stage.outs)]
    elif isinstance(view, DvcFile):
        entries = [*view.deps, *view.outs]
    dvc3 = next((e for e in entries if e.hash_name == "md5"), None)
    if dvc3 is not None:
        found.append((3, f"{view.path}:{dvc3.line} (`hash: md5`, written by dvc 3)"))
    return found


def _major(version: str) -> int:
    parsed = parse_version(version)
    return parsed.release[0] if parsed else 0


def _can_reach(spec: str, major: int) -> bool:
    if not spec:
        return True
    probes = [f"{m}.{n}.0" for m in range(major, major + 3) for n in (0, 10, 30, 60, 99)]
    named = [version for _, version in split_specifier(spec) or [] if "*" not in version]
    probes.extend(v for v in named if _major(v) >= major)
    return any(satisfies(probe, spec) is not False for probe in probes)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each dvc install must allow a version at least as new as the files need."""
    del options
    if not project.has("dvc"):
        return
    from toolkit.rules._dvc_installs import DvcScope, dvc_installs

    needs = [(path, (need[0], need[1])) for path, need in _needs_by_file(project)]
    scope = DvcScope(project, needs)
    for install in dvc_installs(project):
        need = needed(scope.facts_for(install.path, install.line))
        if need is None:
            continue
        major, because = need
        if not _can_reach(install.spec, major):
            message = (
                f"dvc{install.spec} here cannot read the dvc files: {because} needs dvc>={major}"
            )
            yield Finding(install.path, install.line, install.column, CODE, message)
