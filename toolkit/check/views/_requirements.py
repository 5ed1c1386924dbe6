"""Requirement strings (PEP 508, the common subset) and ``requirements.txt`` files."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from toolkit.check._record import lazy_pattern
from toolkit.check.views._pep440 import split_specifier

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*)\Z")
_COMMENT = lazy_pattern(r"(^|\s)#.*")
_HASH = lazy_pattern(r"--hash[=\s]+(\S+)")
_OPTION_ARG = lazy_pattern(
    r"(?:-[rcef]|--(?:requirement|constraint|editable|index-url|extra-index-url"
    r"|find-links|trusted-host|pre|only-binary|no-binary|prefer-binary|no-index"
    r"|require-hashes|use-feature))\b"
)


def canonical(name: str) -> str:
    """A project name as PyPI compares them (``Foo_Bar`` is ``foo-bar``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    """One requirement: name, extras, specifier, marker, URL and hashes."""

    name: str
    raw: str
    specifier: str
    extras: tuple[str, ...]
    marker: str
    url: str | None
    line: int
    column: int
    hashes: tuple[str, ...] = ()

    @property
    def exact(self) -> str | None:
        """The version of an exact ``==``/``===`` pin (no wildcard), else ``None``."""
        found = re.fullmatch(r"\s*\(?\s*===?\s*([^\s,;*()]+)\s*\)?\s*", self.specifier)
        return found.group(1) if found else None


@dataclass(frozen=True)
class BadLine:
    """A line that is not a requirement, an option or a comment."""

    line: int
    text: str


def parse_requirement(text: str, line: int = 1, column: int = 1) -> Requirement | None:
    """``text`` as a :class:`Requirement`, or ``None`` when it is not one."""
    hashes = tuple(_HASH.findall(text))
    body = _HASH.sub("", text).strip()
    found = _NAME.match(body)
    if not found:
        return None
    name, extras, rest = found.groups()
    marker = ""
    url = None
    if rest.startswith("@"):
        url, _, marker = rest[1:].partition(" ;")
        url = url.strip()
        if not url:
            return None
        spec = ""
    else:
        spec, _, marker = rest.partition(";")
        if split_specifier(spec) is None:
            return None
    extra_names = tuple(e.strip() for e in (extras or "").split(",") if e.strip())
    return Requirement(
        canonical(name), body, spec.strip(), extra_names, marker.strip(), url, line, column, hashes
    )


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines joined across trailing backslashes, comments removed, with their first line."""
    joined: list[tuple[int, str]] = []
    start = 0
    parts: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not parts:
            start = number
        stripped = (_COMMENT.sub("", raw) if "#" in raw else raw).rstrip()
        if stripped.endswith("\\"):
            parts.append(stripped[:-1])
            continue
        parts.append(stripped)
        line = " ".join(parts).strip()
        parts = []
        if line:
            joined.append((start, line))
    if parts and " ".join(parts).strip():
        joined.append((start, " ".join(parts).strip()))
    return joined


def vcs_requirements(text: str) -> list[Requirement]:
    """The VCS lines (``-e git+https://...#egg=x``, bare ``git+https://...``), each as a
    requirement with its URL; the name comes from ``#egg=`` or the repository's."""
    from toolkit.check.refs import is_vcs_url

    found = []
    raw_lines = text.splitlines()
    for number, line in logical_lines(text):
        words = line.split()
        if words[0] in ("-e", "--editable") and len(words) > 1:
            words = words[1:]
        elif words[0].startswith("--editable="):
            words = [words[0].partition("=")[2]]
        url = words[0]
        if not is_vcs_url(url):
            continue
        egg = re.search(r"[#&]egg=([A-Za-z0-9._-]+)", url)
        name = egg.group(1) if egg else url.split("#")[0].rstrip("/").rsplit("/", 1)[-1]
        name = name.split("@")[0].removesuffix(".git")
        column = raw_lines[number - 1].find(url) + 1
        requirement = Requirement(canonical(name), line, "", (), "", url, number, column or 1)
        found.append(requirement)
    return found


def parse_requirements(text: str) -> tuple[list[Requirement], list[BadLine], list[str]]:
    """Requirements, unparsable lines, and option lines (``-r``, ``--index-url``...)."""
    requirements: list[Requirement] = []
    bad: list[BadLine] = []
    options: list[str] = []
    raw_lines = text.splitlines()
    for number, line in logical_lines(text):
        if line.startswith("-"):
            options.append(line)
            if _OPTION_ARG.match(line) is None and not line.startswith("--hash"):
                bad.append(BadLine(number, line))
            continue
        if line.startswith((".", "/")) or "://" in line.split(" ")[0]:
            options.append(line)
            continue
        raw = raw_lines[number - 1]
        column = 1 + len(raw) - len(raw.lstrip())
        found = parse_requirement(line, number, column)
        if found is None:
            bad.append(BadLine(number, line))
        else:
            requirements.append(found)
    return requirements, bad, options
