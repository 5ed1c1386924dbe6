"""Decide whether a path is ignored by the repository's ``.gitignore`` files.

The common subset of git's rules: patterns relative to their file's folder,
anchoring by a leading or middle ``/``, ``*``, ``?``, ``[...]``, ``**``,
negation with ``!`` and folder-only patterns ending in ``/``. A path inside an
ignored folder is ignored. Whether an output is a file or a folder is unknown
statically, so a folder-only pattern counts for the output itself.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Rule:
    """One pattern of one ``.gitignore``."""

    base: str
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    anchored: bool


def rules_of(folder: str, patterns: Iterable[str]) -> list[Rule]:
    """The rules of the ``.gitignore`` in ``folder`` ("" for the root)."""
    rules = []
    for raw in patterns:
        pattern = raw
        negated = pattern.startswith("!")
        if negated:
            pattern = pattern[1:]
        pattern = pattern.removeprefix("\\")
        dir_only = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        if not pattern:
            continue
        anchored = "/" in pattern
        rules.append(Rule(folder, _regex(pattern.lstrip("/")), negated, dir_only, anchored))
    return rules


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str]:
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("/**", index) and index + 3 == len(pattern):
            out.append("/.*")
            break
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out) + r"\Z")


def _matches(rule: Rule, path: str, is_dir: bool) -> bool:
    if rule.dir_only and not is_dir:
        return False
    if rule.base:
        if not path.startswith(rule.base + "/"):
            return False
        path = path[len(rule.base) + 1 :]
    target = path if rule.anchored else posixpath.basename(path)
    return rule.regex.match(target) is not None


def _ignored_here(rules: list[Rule], path: str, is_dir: bool) -> bool:
    ignored = False
    for rule in rules:
        if _matches(rule, path, is_dir):
            ignored = not rule.negated
    return ignored


def is_ignored(path: str, rules: list[Rule]) -> bool:
    """Whether git ignores ``path`` (repository-relative) under ``rules``.

    ``rules`` must be ordered from the root ``.gitignore`` to the deepest one.
    """
    parts = posixpath.normpath(path).split("/")
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        if _ignored_here(rules, prefix, is_dir=True):
            return True
    return False
