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
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass


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


class Matcher:
    """Rules ready for many lookups.

    Without negations, "ignored" means "some rule matches", so the rules of each
    folder are joined into one regular expression per kind; with negations the
    rules are tried from the last one back, and the first match decides.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self.merged: list[Rule] | None = None
        if not any(rule.negated for rule in self.rules):
            grouped: dict[tuple[str, bool, bool], list[str]] = {}
            for rule in self.rules:
                key = (rule.base, rule.anchored, rule.dir_only)
                grouped.setdefault(key, []).append(rule.regex.pattern)
            self.merged = [
                Rule(
                    base,
                    re.compile("|".join(f"(?:{p})" for p in patterns)),
                    False,
                    dir_only,
                    anchored,
                )
                for (base, anchored, dir_only), patterns in grouped.items()
            ]

    def ignored_here(self, path: str, is_dir: bool) -> bool:
        """Whether the rules ignore ``path`` itself (not counting its folders)."""
        if self.merged is not None:
            return any(_matches(rule, path, is_dir) for rule in self.merged)
        for rule in reversed(self.rules):
            if _matches(rule, path, is_dir):
                return not rule.negated
        return False

    def ignored(self, path: str) -> bool:
        """Whether git ignores ``path`` (repository-relative), or a folder above it."""
        parts = posixpath.normpath(path).split("/")
        return any(
            self.ignored_here("/".join(parts[:depth]), is_dir=True)
            for depth in range(1, len(parts) + 1)
        )


def is_ignored(path: str, rules: Sequence[Rule] | Matcher) -> bool:
    """Whether git ignores ``path`` under ``rules`` (ordered root ``.gitignore`` first)."""
    matcher = rules if isinstance(rules, Matcher) else Matcher(rules)
    return matcher.ignored(path)
