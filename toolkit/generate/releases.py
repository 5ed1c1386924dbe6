"""The templates of mlrig's earlier releases, bundled so that ``update`` has its base offline.

``templates/releases/index.json`` lists, per template, each release's version,
commit and archive (``<name>-<version>.tar.xz``, the template folder as it was at
that commit). ``python -m toolkit.generate.bundle`` writes them at release time.
"""

from __future__ import annotations

import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from toolkit.archive import extract_all
from toolkit.errors import MlrigError
from toolkit.resources import resource_dir

INDEX = "index.json"


@dataclass(frozen=True)
class Release:
    """One released version of a bundled template."""

    name: str
    version: str
    commit: str
    archive: Path


def releases_dir() -> Path:
    return resource_dir("templates") / "releases"


def bundled_releases(name: str, folder: Path | None = None) -> list[Release]:
    """The releases of template ``name`` that this mlrig carries, oldest first."""
    base = folder or releases_dir()
    index = base / INDEX
    if not index.is_file():
        return []
    try:
        entries = json.loads(index.read_text(encoding="utf-8")).get(name, [])
        return [
            Release(name, str(e["version"]), str(e["commit"]), base / str(e["archive"]))
            for e in entries
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise MlrigError(f"{index}: damaged; reinstall mlrig") from None


def find_release(name: str, version: str, commit: str) -> Release | None:
    """The bundled release a repository was generated from: by commit, else by version
    when the commit was not recorded."""
    known = bundled_releases(name)
    by_commit = [r for r in known if r.commit == commit]
    if by_commit:
        return by_commit[0]
    if len(commit) != 40:
        return next((r for r in known if r.version == version), None)
    return None


def extract_release(release: Release, into: Path) -> Path:
    """The template folder of ``release``, unpacked under ``into``."""
    with tarfile.open(release.archive, "r:xz") as tar:
        extract_all(tar, into)
    template = into / release.name
    if not (template / "cookiecutter.json").is_file():
        raise MlrigError(f"{release.archive}: holds no {release.name}/cookiecutter.json")
    return template
