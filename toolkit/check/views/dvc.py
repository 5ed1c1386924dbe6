"""The DVC view: ``dvc.yaml``, ``dvc.lock``, params files, ``*.dvc`` files and
``.dvc/config``, parsed once each without importing dvc. (``.gitignore`` files
are read on demand by :func:`toolkit.check.views.dvc_project.ignore_rules`, so
that a repository without DVC files never wakes the DVC rules.)

``parse`` returns one of the dataclasses below, chosen by the file's name. A
``dvc.yaml`` keeps its raw stage definitions: expanding ``foreach``/``matrix``
and ``${}`` needs the params files too, which :mod:`toolkit.check.views.dvc_stages`
does from several views.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import TYPE_CHECKING, Any

from toolkit.check.views._dvc_config import (
    DvcConfig,
    GitIgnore,
    Remote,
    parse_config,
)
from toolkit.check.views._located import KeyPath, Located, Mark
from toolkit.check.views._parsing import ParseError, load_toml, load_yaml

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

__all__ = [
    "DvcConfig",
    "DvcFile",
    "DvcLock",
    "DvcView",
    "DvcYaml",
    "Entry",
    "GitIgnore",
    "ImportSource",
    "LockedStage",
    "ParamsFile",
    "Remote",
    "entries",
    "match",
    "params_doc",
    "parse",
]

PARAMS_NAME = re.compile(r"params[\w.-]*\.(?:ya?ml|json|toml)\Z")
HASH_KEYS = ("md5", "etag", "checksum", "sha256", "version_id")


@dataclass(frozen=True)
class Entry:
    """A dependency or an output of a stage or ``.dvc`` file."""

    path: str
    line: int
    column: int
    hash: str | None = None
    hash_name: str | None = None
    cache: bool = True


@dataclass(frozen=True)
class DvcYaml:
    """``dvc.yaml``: the raw document; see ``dvc_stages.expand``."""

    path: str
    doc: Located


@dataclass(frozen=True)
class LockedStage:
    """One stage as ``dvc.lock`` recorded it."""

    name: str
    line: int
    column: int
    cmd: Any
    deps: tuple[Entry, ...]
    outs: tuple[Entry, ...]
    params: Located


@dataclass(frozen=True)
class DvcLock:
    """``dvc.lock``; ``problem`` says why it is unusable (empty, wrong shape)."""

    path: str
    schema: str | None
    stages: tuple[LockedStage, ...]
    problem: str | None = None


@dataclass(frozen=True)
class ParamsFile:
    """A params file (``params.yaml`` and its JSON/TOML siblings)."""

    path: str
    doc: Located


@dataclass(frozen=True)
class ImportSource:
    """The ``repo:`` block of an imported dependency."""

    url: str
    rev_lock: str | None
    line: int
    column: int


@dataclass(frozen=True)
class DvcFile:
    """A ``*.dvc`` file: outputs tracked by ``dvc add`` or ``dvc import``."""

    path: str
    outs: tuple[Entry, ...]
    deps: tuple[Entry, ...]
    imports: tuple[ImportSource, ...]
    frozen: bool


DvcView = DvcYaml | DvcLock | ParamsFile | DvcFile | DvcConfig


def match(path: str) -> bool:
    """Whether ``path`` is a file this view reads."""
    name = posixpath.basename(path)
    return (
        name in {"dvc.yaml", "dvc.lock"}
        or name.endswith(".dvc")
        or path == ".dvc/config"
        or path.endswith("/.dvc/config")
        or PARAMS_NAME.match(name) is not None
    )


def parse(path: str, text: str) -> DvcView:
    """Parse one file; raise :class:`ParseError` when it cannot be read."""
    name = posixpath.basename(path)
    if name == "config":
        return parse_config(path, text)
    if name == "dvc.lock":
        return _lock(path, text)
    if name == "dvc.yaml":
        doc = load_yaml(path, text)
        if doc.data is not None and not isinstance(doc.data, dict):
            raise ParseError("dvc.yaml must be a mapping", *doc.mark())
        return DvcYaml(path, doc)
    if name.endswith(".dvc"):
        return _dvc_file(path, text)
    return ParamsFile(path, params_doc(path, text))


def params_doc(path: str, text: str) -> Located:
    """A params file (YAML, JSON or TOML) as located data."""
    name = posixpath.basename(path)
    if name.endswith(".json"):
        try:
            return Located(json.loads(text))
        except json.JSONDecodeError as error:
            raise ParseError(error.msg, error.lineno, error.colno) from None
    if name.endswith(".toml"):
        return Located(load_toml(text))
    return load_yaml(path, text)


def entries(doc: Located, *path: str | int) -> tuple[Entry, ...]:
    """The ``deps``/``outs`` list at ``path``: strings, one-key mappings or locked entries."""
    return entry_list(doc.get(*path), doc, path, locked=True)


def entry_list(items: Any, doc: Located, path: KeyPath, locked: bool) -> tuple[Entry, ...]:
    """``items`` (a ``deps``/``outs`` list, marked in ``doc`` at ``path``) as entries.

    ``locked`` also reads the ``{path: ..., md5: ...}`` form of dvc.lock and .dvc files.
    """
    if not isinstance(items, list):
        return ()
    found = []
    for index, item in enumerate(items):
        line, column = doc.mark(*path, index)
        if isinstance(item, str):
            found.append(Entry(item, line, column))
        elif locked and isinstance(item, dict) and "path" in item:
            found.append(_locked_entry(item, line, column))
        elif isinstance(item, dict) and len(item) == 1:
            ((name, options),) = item.items()
            cache = not (isinstance(options, dict) and options.get("cache") is False)
            found.append(Entry(str(name), line, column, cache=cache))
    return tuple(found)


def _locked_entry(item: dict[str, Any], line: int, column: int) -> Entry:
    hash_value = next((str(item[key]) for key in HASH_KEYS if item.get(key)), None)
    hash_name = item.get("hash")
    return Entry(
        str(item["path"]),
        line,
        column,
        hash=hash_value,
        hash_name=str(hash_name) if hash_name else None,
        cache=item.get("cache") is not False,
    )


def _lock(path: str, text: str) -> DvcLock:
    doc = load_yaml(path, text)
    if doc.data is None:
        return DvcLock(path, None, (), "dvc.lock is empty")
    if not isinstance(doc.data, dict):
        return DvcLock(path, None, (), "dvc.lock is not a mapping")
    schema = doc.data.get("schema")
    raw = doc.data.get("stages")
    if schema is None or not isinstance(raw, dict):
        problem = (
            "dvc.lock has no `schema:` (a DVC 1 lock file?)"
            if schema is None
            else "dvc.lock has no `stages:` mapping"
        )
        return DvcLock(path, None if schema is None else str(schema), (), problem)
    stages = []
    params_marks = _params_marks(doc)
    for name, value in raw.items():
        line, column = doc.mark("stages", name)
        body = value if isinstance(value, dict) else {}
        marks = params_marks.get(name, {})
        marks.setdefault((), doc.mark("stages", name, "params"))
        params_doc = Located(body.get("params") or {}, marks)
        stages.append(
            LockedStage(
                name,
                line,
                column,
                body.get("cmd"),
                entries(doc, "stages", name, "deps"),
                entries(doc, "stages", name, "outs"),
                params_doc,
            )
        )
    return DvcLock(path, str(schema), tuple(stages))


def _params_marks(doc: Located) -> dict[Any, dict[KeyPath, Mark]]:
    """The marks under ``stages.<name>.params``, by stage name, in one pass."""
    found: dict[Any, dict[KeyPath, Mark]] = {}
    for key, mark in doc.marks.items():
        if len(key) >= 3 and key[0] == "stages" and key[2] == "params":
            found.setdefault(key[1], {})[key[3:]] = mark
    return found


def _dvc_file(path: str, text: str) -> DvcFile:
    doc = load_yaml(path, text)
    if not isinstance(doc.data, dict):
        raise ParseError("a .dvc file must be a mapping", *doc.mark())
    imports = []
    for index, dep in enumerate(doc.data.get("deps") or []):
        repo = dep.get("repo") if isinstance(dep, dict) else None
        if isinstance(repo, dict):
            line, column = doc.mark("deps", index, "repo")
            rev_lock = repo.get("rev_lock")
            locked = str(rev_lock) if rev_lock else None
            imports.append(ImportSource(str(repo.get("url", "")), locked, line, column))
    return DvcFile(
        path,
        entries(doc, "outs"),
        entries(doc, "deps"),
        tuple(imports),
        doc.data.get("frozen") is True,
    )
