"""The ``.dir`` md5 dvc 3 records for a folder, computed only when it is certain.

dvc hashes a folder as the md5 of ``json.dumps([{"md5": ..., "relpath": ...}],
sort_keys=True)`` over its files (sorted by relative path, raw bytes, ``.dvcignore``
applied). dvc hashes the workspace, not git, so the result is returned only when
every file in the folder is one that git tracks or the output of a ``.dvc`` file
(``dvc add``: its recorded md5 stands for the data, pulled or not); otherwise ``None``.
A ``.dvc`` output that is itself a folder (``.dir``) lists files only dvc's cache
knows, so a folder holding one is never computed.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from toolkit.check.views._gitignore import Matcher, Rule, rules_of

if TYPE_CHECKING:
    from toolkit.check.project import Project

MAX_FILES = 5000
MAX_BYTES = 256 * 1024 * 1024
_NO_OUTS: Mapping[str, str] = MappingProxyType({})


def dvcignore_rules(project: Project) -> Matcher:
    """Every ``.dvcignore`` rule, shallowest folder first."""
    paths = sorted(
        (p for p in project.files if posixpath.basename(p) == ".dvcignore"),
        key=lambda p: (p.count("/"), p),
    )
    rules: list[Rule] = []
    for path in paths:
        text = project.text(path) or ""
        patterns = [line.rstrip() for line in text.splitlines()]
        kept = [p for p in patterns if p and not p.startswith("#")]
        rules.extend(rules_of(posixpath.dirname(path), kept))
    return Matcher(rules)


def _files_on_disk(project: Project, folder: str, ignore: Matcher) -> list[str] | None:
    found: list[str] = []
    for root, dirs, files in os.walk(project.root / folder):
        rel_root = posixpath.normpath(
            posixpath.join(
                folder, os.path.relpath(root, project.root / folder).replace(os.sep, "/")
            )
        )
        dirs[:] = [d for d in dirs if d not in {".git", ".dvc"}]
        for name in files:
            path = posixpath.join(rel_root, name) if rel_root != "." else name
            if not ignore.ignored(path):
                found.append(path)
        if len(found) > MAX_FILES:
            return None
    return found


def dir_md5(
    project: Project,
    folder: str,
    tracked: set[str],
    ignore: Matcher,
    data_outs: Mapping[str, str] = _NO_OUTS,
) -> str | None:
    """The ``<md5>.dir`` dvc 3 would record for ``folder``, or ``None`` when unsure.

    ``data_outs`` maps the output of each ``.dvc`` file to its recorded md5.
    The folder's listing on disk is no file's signature, so a result that used it
    is never reused from the cache; each file is read through the trust boundary.
    """
    project.uses_history()
    files = _files_on_disk(project, folder, ignore)
    if files is None:
        return None
    inside = {
        path: md5
        for path, md5 in data_outs.items()
        if path.startswith(folder + "/") and not ignore.ignored(path)
    }
    if any(md5.endswith(".dir") for md5 in inside.values()):
        return None
    entries = _hashed(project, [path for path in files if path not in inside], tracked)
    if entries is None:
        return None
    entries += list(inside.items())
    if not entries:
        return None
    entries = [(posixpath.relpath(path, folder), md5) for path, md5 in entries]
    entries.sort()
    listing = [{"md5": digest, "relpath": relpath} for relpath, digest in entries]
    text = json.dumps(listing, sort_keys=True)
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest() + ".dir"


def _hashed(project: Project, files: list[str], tracked: set[str]) -> list[tuple[str, str]] | None:
    """``(path, md5)`` of each file, all git-tracked and within the bounds (else ``None``)."""
    found = []
    total = 0
    for path in files:
        data = project.data(path, MAX_BYTES - total) if path in tracked else None
        if data is None:
            return None
        total += len(data)
        if total > MAX_BYTES:
            return None
        found.append((path, hashlib.md5(data, usedforsecurity=False).hexdigest()))
    return found
