"""What several DVC rules need from the whole project, built from the ``dvc`` views.

* :func:`pipelines`: each ``dvc.yaml`` with its ``dvc.lock`` and rendered stages;
* :func:`file_md5`: the md5 dvc records for a git-tracked file;
* :func:`ignore_rules`: every ``.gitignore`` rule, root first.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.check.views._gitignore import Rule, rules_of
from toolkit.check.views.dvc import DvcLock, DvcYaml, GitIgnore, LockedStage
from toolkit.check.views.dvc_stages import Expanded, Stage, expand, params_by_path

if TYPE_CHECKING:
    from toolkit.check.project import Project

KIND = "dvc"
MAX_HASHED_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Pipeline:
    """One ``dvc.yaml``, its ``dvc.lock`` (if any) and its rendered stages."""

    folder: str
    yaml: DvcYaml | None
    lock: DvcLock | None
    expanded: Expanded
    params: dict[str, Any]

    def stage(self, name: str) -> Stage | None:
        return next((stage for stage in self.expanded.stages if stage.name == name), None)

    def locked(self, name: str) -> LockedStage | None:
        if self.lock is None:
            return None
        return next((stage for stage in self.lock.stages if stage.name == name), None)


def pipelines(project: Project) -> list[Pipeline]:
    """Every ``dvc.yaml``/``dvc.lock`` pair, by folder (cached on the project)."""
    cached = getattr(project, "_mlrig_dvc_pipelines", None)
    if cached is not None:
        return list(cached)
    views = project.views(KIND)
    params = params_by_path(views)
    yamls = {posixpath.dirname(v.path): v for v in views if isinstance(v, DvcYaml)}
    locks = {posixpath.dirname(v.path): v for v in views if isinstance(v, DvcLock)}
    found = []
    for folder in sorted(set(yamls) | set(locks)):
        dvc_yaml = yamls.get(folder)
        expanded = expand(dvc_yaml, params) if dvc_yaml else Expanded((), ())
        found.append(Pipeline(folder, dvc_yaml, locks.get(folder), expanded, params))
    project._mlrig_dvc_pipelines = tuple(found)  # type: ignore[attr-defined]
    return found


def repo_path(folder: str, path: str) -> str:
    """``path`` (relative to ``folder``) as a normalised repository path."""
    return posixpath.normpath(posixpath.join(folder, path))


def file_md5(project: Project, path: str, legacy: bool) -> set[str]:
    """The md5 dvc would record for ``path``: raw bytes, plus dvc 2's text form.

    dvc 3 hashes the raw bytes; dvc 2 (a lock entry without ``hash: md5``)
    hashed text files with CRLF turned into LF. Empty when unreadable.
    """
    try:
        file = project.root / path
        if not file.is_file() or file.stat().st_size > MAX_HASHED_BYTES:
            return set()
        data = file.read_bytes()
    except OSError:
        return set()
    found = {hashlib.md5(data, usedforsecurity=False).hexdigest()}
    if legacy and b"\x00" not in data[:8192]:
        unix = data.replace(b"\r\n", b"\n")
        found.add(hashlib.md5(unix, usedforsecurity=False).hexdigest())
    return found


def ignore_rules(project: Project) -> list[Rule]:
    """The rules of every ``.gitignore``, shallowest folder first."""
    files = [v for v in project.views(KIND) if isinstance(v, GitIgnore)]
    files.sort(key=lambda v: (v.path.count("/"), v.path))
    rules: list[Rule] = []
    for view in files:
        rules.extend(rules_of(posixpath.dirname(view.path), (p for p, _ in view.patterns)))
    return rules
