"""Refuse an answers file whose recorded fields are not what mlrig writes.

``.mlrig-answers.yml`` belongs to the repository and may be hand-edited: a
``files`` that is not a mapping of path to hash, a version that is not a version,
a commit that is not a commit, or a bundled release recorded with another
release's commit would otherwise let ``update`` merge against the wrong base.
Each is a configuration error (exit 2) at the line it is written on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from toolkit.errors import MlrigError
from toolkit.generate.answers_yaml import answer_lines
from toolkit.generate.sources import TemplateSource

HASH = re.compile(r"sha256:[0-9a-f]{64}")
COMMIT = re.compile(r"[0-9a-f]{40}|unknown|")


def checked_files(name: str, mapping: Mapping[Any, Any], error: type[MlrigError]) -> None:
    """Raise ``error`` unless ``files`` maps each path to ``sha256:<hex>``."""
    files = mapping.get("files")
    if not isinstance(files, Mapping):
        line = answer_lines(mapping).get("files", 1)
        what = "is not a mapping of path to hash" if "files" in mapping else "is missing"
        raise error(f"{name}:{line}: 'files' (the hash of each generated file) {what}")
    lines = answer_lines(files)
    for path, digest in files.items():
        if not isinstance(digest, str) or not HASH.fullmatch(digest):
            raise error(
                f"{name}:{lines.get(str(path), 1)}: the hash of {str(path)!r} is not "
                "sha256:<64 hex digits>"
            )


def _refuse_version_and_commit(
    name: str, fields: Mapping[str, str], lines: Mapping[str, int], error: type[MlrigError]
) -> None:
    from toolkit.check.views._pep440 import parse_version

    for key, value in fields.items():
        line = lines.get(key, 1)
        if key.endswith("version") and value and parse_version(value) is None:
            raise error(f"{name}:{line}: {key} {value!r} is not a version")
        if key.endswith("commit") and not COMMIT.fullmatch(value):
            raise error(f"{name}:{line}: {key} {value!r} is not a 40-hex commit")


def refuse_bad_source(
    name: str,
    mapping: Mapping[Any, Any],
    fields: Mapping[str, str],
    source_fields: Mapping[str, str],
    error: type[MlrigError],
) -> None:
    """Raise ``error`` at a recorded version or commit that cannot be one."""
    top = {k: v for k, v in fields.items() if k in ("template_version", "template_commit")}
    _refuse_version_and_commit(name, top, answer_lines(mapping), error)
    source = mapping.get("template_source") or {}
    lines = answer_lines(source)
    _refuse_version_and_commit(name, source_fields, lines, error)


def refuse_wrong_release(
    name: str, source: TemplateSource, line: int, error: type[MlrigError]
) -> None:
    """Raise ``error`` when a bundled record names one release's version with another
    commit (the base would silently be the other release)."""
    from toolkit.generate.releases import bundled_releases

    if source.kind != "bundled" or len(source.commit) != 40:
        return
    for release in bundled_releases(source.name or "ml-repo"):
        same_version, same_commit = (
            release.version == source.version,
            release.commit == source.commit,
        )
        if same_version != same_commit:
            raise error(
                f"{name}:{line}: records {source.name} {source.version} at commit "
                f"{source.commit[:12]}, but release {release.version} is commit "
                f"{release.commit[:12]}; the version and the commit disagree"
            )
