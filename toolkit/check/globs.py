"""Glob patterns for ``.gitignore`` files and for ``per-file-ignores``, without dependencies.

Both use git's wildmatch flavour: ``*`` and ``?`` stay within one path segment,
``**`` spans segments, ``[...]`` is a character class. A pattern without a slash
matches a name at any depth; a pattern with one is anchored at its base folder.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass


def translate(pattern: str) -> str:
    """The regular expression (unanchored at the start) for one glob ``pattern``."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            i = _char_class(pattern, i, out)
        elif char == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


def _char_class(pattern: str, start: int, out: list[str]) -> int:
    end = pattern.find("]", start + 2)
    if end < 0:
        out.append(re.escape("["))
        return start + 1
    body = pattern[start + 1 : end]
    if body[0] in "!^":
        body = "^" + body[1:]
    out.append("[" + body.replace("\\", "\\\\") + "]")
    return end + 1


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """A matcher for repository-relative paths; slash-less patterns match any basename."""
    body = translate(pattern.strip("/"))
    anchored = "/" in pattern.rstrip("/")
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"{prefix}{body}(?:/.*)?")


def glob_match(pattern: str, path: str) -> bool:
    """Whether repository-relative ``path`` (or a folder above it) matches ``pattern``."""
    return compile_glob(pattern).fullmatch(path) is not None


@dataclass(frozen=True)
class IgnoreRule:
    """One line of a ``.gitignore`` file, found in folder ``base``."""

    regex: re.Pattern[str]
    negate: bool
    dir_only: bool
    base: str


def parse_gitignore(text: str, base: str) -> list[IgnoreRule]:
    """The rules of one ``.gitignore``; ``base`` is its folder ("" at the root)."""
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line[1:] if negate else line
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        body = translate(line.lstrip("/"))
        regex = re.compile(body if anchored else f"(?:.*/)?{body}")
        rules.append(IgnoreRule(regex, negate, dir_only, base))
    return rules


def is_ignored(path: str, is_dir: bool, rules: list[IgnoreRule]) -> bool:
    """Git's verdict for ``path``: the last matching rule wins."""
    verdict = False
    for rule in rules:
        if rule.dir_only and not is_dir:
            continue
        if rule.base:
            if not path.startswith(rule.base + "/"):
                continue
            relative = path[len(rule.base) + 1 :]
        else:
            relative = path
        if rule.regex.fullmatch(relative):
            verdict = not rule.negate
    return verdict
