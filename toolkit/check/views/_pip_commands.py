"""Find ``pip install`` requirements and index URLs in shell text (workflow ``run:``,
Dockerfile ``RUN``), with the line offset and column of each.

Handles ``pip``/``pip3``/``python -m pip``/``uv pip`` installs, quoted
arguments, backslash continuations and ``&&``/``;``/``|`` separators. Options
that take a value (``-r``, ``--index-url`` ...) are skipped, their URLs kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from toolkit.check.pip_options import WITH_VALUE, hold_expressions, release
from toolkit.check.views._requirements import Requirement, parse_requirement

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

_INSTALL = re.compile(
    r"\bpip3?(?:\.exe)?\s+install\b|\buv\s+pip\s+install\b|\buv\s+tool\s+install\b"
)
_URL_OPTIONS = frozenset({"-i", "--index-url", "--extra-index-url", "-f", "--find-links"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})


@dataclass(frozen=True)
class Installed:
    """A requirement on an install command line; ``line`` counts from 0 in the text."""

    requirement: Requirement
    line: int
    column: int


@dataclass(frozen=True)
class IndexUrl:
    """An ``--index-url``/``--extra-index-url``/``--find-links`` value."""

    url: str
    line: int
    column: int


def _logical(text: str) -> list[tuple[int, str, list[str]]]:
    """Lines joined over backslash continuations: first line index, text, raw lines."""
    found = []
    parts: list[str] = []
    raws: list[str] = []
    start = 0
    for index, raw in enumerate(text.splitlines()):
        if not parts:
            start = index
        raws.append(raw)
        if raw.rstrip().endswith("\\"):
            parts.append(raw.rstrip()[:-1])
            continue
        parts.append(raw)
        found.append((start, " ".join(parts), raws))
        parts, raws = [], []
    if parts:
        found.append((start, " ".join(parts), raws))
    return found


def _position(raws: list[str], token: str, start: int) -> tuple[int, int]:
    for offset, raw in enumerate(raws):
        column = raw.find(token)
        if column >= 0:
            return start + offset, column + 1
    return start, 1


def scan(text: str) -> tuple[list[Installed], list[IndexUrl]]:
    """Every installed requirement and index URL in ``text``."""
    installed: list[Installed] = []
    urls: list[IndexUrl] = []
    for start, logical, raws in _logical(text):
        line, held = hold_expressions(logical)
        for found in _INSTALL.finditer(line):
            tokens = [release(token, held) for token in _tokens(line[found.end() :])]
            _collect(tokens, (start, raws), installed, urls)
    return installed, urls


# Text without quotes, escapes, comments or ``;&|`` (and only ASCII) splits on
# shlex's whitespace exactly as shlex would split it, at a fraction of the cost.
_PLAIN = re.compile(r"[^ \t\r\nA-Za-z0-9_.,:/=+@%^~*?!<>\[\](){}$-]")
_BLANKS = re.compile(r"[ \t\r\n]+")


def _tokens(text: str) -> list[str]:
    if _PLAIN.search(text) is None:
        return [token for token in _BLANKS.split(text) if token]
    import shlex  # only for text that quotes, escapes or comments

    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:
        return text.split()


def _collect(
    tokens: list[str],
    where: tuple[int, list[str]],
    installed: list[Installed],
    urls: list[IndexUrl],
) -> None:
    start, raws = where
    skip_next: str | None = None
    for token in tokens:
        if token in _SEPARATORS:
            return
        if skip_next is not None:
            if skip_next in _URL_OPTIONS:
                urls.append(IndexUrl(token, *_position(raws, token, start)))
            skip_next = None
            continue
        if token.startswith("-"):
            option, has_value, value = token.partition("=")
            if option in _URL_OPTIONS and has_value:
                urls.append(IndexUrl(value, *_position(raws, value, start)))
            elif option in WITH_VALUE and not has_value:
                skip_next = option
            continue
        if "$" in token or token.startswith((".", "/")) or "://" in token.split("@")[0]:
            continue
        requirement = parse_requirement(token)
        if requirement is not None:
            line, column = _position(raws, token, start)
            installed.append(Installed(requirement, line, column))
