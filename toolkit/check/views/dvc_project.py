"""What several DVC rules need from the whole project, built from the ``dvc`` views.

* :func:`pipelines`: each ``dvc.yaml`` with its ``dvc.lock`` and rendered stages;
* :func:`file_md5`: the md5 dvc records for a git-tracked file;
* :func:`ignore_rules`: every ``.gitignore`` rule, root first.
"""

from __future__ import annotations

import hashlib
import posixpath
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import ParseError
from toolkit.check.views._dvc_config import parse_gitignore
from toolkit.check.views._gitignore import Matcher, Rule, rules_of
from toolkit.check.views._located import Located
from toolkit.check.views.dvc import DvcLock, DvcYaml, LockedStage, ParamsFile, params_doc
from toolkit.check.views.dvc_stages import Expanded, Stage, expand

if TYPE_CHECKING:
    from dataclasses import dataclass, field
else:
    from toolkit.check._record import dataclass, field

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
    param_docs: dict[str, Located]
    _stages: dict[str, Stage] = field(init=False, repr=False, compare=False)
    _locked: dict[str, LockedStage] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        stages = {stage.name: stage for stage in self.expanded.stages}
        locked = {stage.name: stage for stage in self.lock.stages} if self.lock else {}
        object.__setattr__(self, "_stages", stages)
        object.__setattr__(self, "_locked", locked)

    def stage(self, name: str) -> Stage | None:
        return self._stages.get(name)

    def locked(self, name: str) -> LockedStage | None:
        return self._locked.get(name)


def pipelines(project: Project) -> list[Pipeline]:
    """Every ``dvc.yaml``/``dvc.lock`` pair, by folder (computed once per run)."""
    return list(project.derived("dvc-pipelines", lambda: _pipelines(project)))


def _pipelines(project: Project) -> tuple[Pipeline, ...]:
    views = project.views(KIND)
    yamls = {posixpath.dirname(v.path): v for v in views if isinstance(v, DvcYaml)}
    locks = {posixpath.dirname(v.path): v for v in views if isinstance(v, DvcLock)}
    docs = {v.path: v.doc for v in views if isinstance(v, ParamsFile)}
    for each in yamls.values():
        for path in sorted(referenced_files(each) - set(docs)):
            found_doc = _read_params(project, path)
            if found_doc is not None:
                docs[path] = found_doc
    params = {path: doc.data for path, doc in docs.items()}
    found = []
    for folder in sorted(set(yamls) | set(locks)):
        dvc_yaml = yamls.get(folder)
        expanded = expand(dvc_yaml, params) if dvc_yaml else Expanded((), ())
        found.append(Pipeline(folder, dvc_yaml, locks.get(folder), expanded, params, docs))
    return tuple(found)


def recorded_params(
    params: dict[str, Any], wdir: str, locked: LockedStage
) -> tuple[dict[str, Any], list[str]]:
    """``params`` with the values ``locked`` recorded put back, and the files that changed."""
    recorded = locked.params.data if isinstance(locked.params.data, dict) else {}
    import copy

    out = copy.deepcopy(params)
    changed: set[str] = set()
    for file, keys in recorded.items():
        path = repo_path(wdir, str(file))
        if path in out and isinstance(keys, dict):
            for key, value in keys.items():
                if _put(out[path], str(key), value):
                    changed.add(path)
    return out, sorted(changed)


def _put(data: Any, dotted: str, value: Any) -> bool:
    """Set ``dotted`` (a key, or a dotted path of keys) in ``data``; True when it changed."""
    parts = [dotted] if isinstance(data, dict) and dotted in data else dotted.split(".")
    for part in parts[:-1]:
        data = data.get(part) if isinstance(data, dict) else None
    if not isinstance(data, dict) or parts[-1] not in data or data[parts[-1]] == value:
        return False
    data[parts[-1]] = value
    return True


def referenced_files(dvc_yaml: DvcYaml) -> set[str]:
    """The params and vars files a ``dvc.yaml`` names (outside ``${}``), as repository paths."""
    folder = posixpath.dirname(dvc_yaml.path)
    names: set[str] = set()
    stages = dvc_yaml.doc.get("stages")
    bodies = [b for b in stages.values() if isinstance(b, dict)] if isinstance(stages, dict) else []
    bodies += [b["do"] for b in bodies if isinstance(b.get("do"), dict)]
    for item in [dvc_yaml.doc.get("vars"), *(b.get("vars") for b in bodies)]:
        names.update(v.partition(":")[0] for v in item or [] if isinstance(v, str))
    for body in bodies:
        for item in body.get("params") or [] if isinstance(body.get("params"), list) else []:
            if isinstance(item, dict):
                names.update(str(key) for key in item)
    return {repo_path(folder, name) for name in names if name and "${" not in name}


def _read_params(project: Project, path: str) -> Located | None:
    if path not in project.files:
        return None
    text = project.text(path)
    if text is None:
        return None
    try:
        return params_doc(path, text)
    except ParseError as error:
        project.report(path, error)
        return None


def repo_path(folder: str, path: str) -> str:
    """``path`` (relative to ``folder``) as a normalised repository path."""
    return posixpath.normpath(posixpath.join(folder, path))


def file_md5(project: Project, path: str, legacy: bool) -> set[str]:
    """The md5 dvc would record for ``path``: raw bytes, plus dvc 2's text form.

    dvc 3 hashes the raw bytes; dvc 2 (a lock entry without ``hash: md5``)
    hashed text files with CRLF turned into LF. Empty when unreadable.
    """
    data = project.data(path, MAX_HASHED_BYTES)
    if data is None:
        return set()
    found = {hashlib.md5(data, usedforsecurity=False).hexdigest()}
    if legacy and b"\x00" not in data[:8192]:
        unix = data.replace(b"\r\n", b"\n")
        found.add(hashlib.md5(unix, usedforsecurity=False).hexdigest())
    return found


def other_line_endings_md5(project: Project, path: str) -> dict[str, str]:
    """The md5 of a text file's bytes with its line endings turned the other way, by the
    endings: ``{md5: "CRLF"}`` for a file with LF endings, ``{md5: "LF"}`` for one with
    CRLF. What a lock records when it was made on a checkout that converts them."""
    data = project.data(path, MAX_HASHED_BYTES)
    if data is None or b"\x00" in data[:8192] or b"\n" not in data:
        return {}
    unix = data.replace(b"\r\n", b"\n")
    if unix != data:
        return {hashlib.md5(unix, usedforsecurity=False).hexdigest(): "LF"}
    windows = data.replace(b"\n", b"\r\n")
    return {hashlib.md5(windows, usedforsecurity=False).hexdigest(): "CRLF"}


def ignore_rules(project: Project) -> Matcher:
    """The rules of every ``.gitignore``, shallowest folder first."""
    return project.derived("gitignore-rules", lambda: _ignore_rules(project))


def _ignore_rules(project: Project) -> Matcher:
    paths = [p for p in project.files if posixpath.basename(p) == ".gitignore"]
    paths.sort(key=lambda p: (p.count("/"), p))
    rules: list[Rule] = []
    for path in paths:
        view = parse_gitignore(path, project.text(path) or "")
        rules.extend(rules_of(posixpath.dirname(path), (p for p, _ in view.patterns)))
    return Matcher(rules)
