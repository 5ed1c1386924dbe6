"""Just enough of PEP 440 to check pins without a resolver (no ``packaging`` needed).

Versions compare by release numbers, then pre/post/dev parts; local labels
(``+cu124``) are kept apart and ignored when comparing, as pip does for
specifiers without a local label.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from toolkit.check._record import lazy_pattern

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

_VERSION = lazy_pattern(
    r"v?(?:(\d+)!)?(\d+(?:\.\d+)*)"
    r"(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?"
    r"(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?"
    r"(?:[-_.]?dev[-_.]?(\d*))?"
    r"(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\Z",
    re.IGNORECASE,
)
_CLAUSE = lazy_pattern(r"\s*(~=|===|==|!=|<=|>=|<|>)\s*([^\s,;]+)\s*")
_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}

Key = tuple[int, tuple[int, ...], tuple[int, int], int, tuple[int, int]]


@dataclass(frozen=True)
class Version:
    """A parsed version: ``release`` numbers and a sort ``key``."""

    text: str
    release: tuple[int, ...]
    key: Key
    local: str | None
    is_pre: bool


@lru_cache(maxsize=4096)
def parse_version(text: str) -> Version | None:
    """``text`` as a :class:`Version`, or ``None`` when it is not PEP 440."""
    found = _VERSION.match(text.strip())
    if not found:
        return None
    epoch, release, pre_l, pre_n, post_a, _, post_n, dev_n, local = found.groups()
    numbers = tuple(int(part) for part in release.split("."))
    trimmed = numbers
    while len(trimmed) > 1 and trimmed[-1] == 0:
        trimmed = trimmed[:-1]
    dev = int(dev_n or 0) if "dev" in text.lower() else None
    pre = (_PRE[pre_l.lower()], int(pre_n or 0)) if pre_l else None
    post = post_a or post_n
    key: Key = (
        int(epoch or 0),
        trimmed,
        pre if pre else ((-1, 0) if dev is not None and post is None else (3, 0)),
        int(post) if post else -1,
        (0, dev) if dev is not None else (1, 0),
    )
    return Version(text.strip(), numbers, key, local.lower() if local else None, bool(pre or dev))


def _pad(release: tuple[int, ...], size: int) -> tuple[int, ...]:
    return release + (0,) * (size - len(release))


def _wildcard(op: str, wanted: str, version: Version) -> bool | None:
    prefix = parse_version(wanted[:-2])
    if prefix is None:
        return None
    size = len(prefix.release)
    same = _pad(version.release, size)[:size] == prefix.release
    return same if op == "==" else not same


def _compatible(target: Version, version: Version) -> bool | None:
    if len(target.release) < 2:
        return None
    stem = target.release[:-1]
    return version.key >= target.key and _pad(version.release, len(stem))[: len(stem)] == stem


def _clause(op: str, wanted: str, version: Version) -> bool | None:
    if op == "===":
        return version.text == wanted
    if op in ("==", "!=") and wanted.endswith(".*"):
        return _wildcard(op, wanted, version)
    target = parse_version(wanted)
    if target is None:
        return None
    if op == "~=":
        return _compatible(target, version)
    mine, other = version.key, target.key
    if op in ("==", "!="):
        equal = mine == other and (target.local is None or target.local == version.local)
        return equal if op == "==" else not equal
    return {"<=": mine <= other, ">=": mine >= other, "<": mine < other, ">": mine > other}[op]


@lru_cache(maxsize=4096)
def split_specifier(specifier: str) -> list[tuple[str, str]] | None:
    """The ``(operator, version)`` clauses of ``specifier``; ``None`` if malformed."""
    text = specifier.strip().strip("()")
    if not text:
        return []
    clauses = []
    for part in text.split(","):
        found = _CLAUSE.fullmatch(part)
        if not found:
            return None
        clauses.append((found.group(1), found.group(2)))
    return clauses


@lru_cache(maxsize=16384)
def satisfies(version: str, specifier: str) -> bool | None:
    """Whether ``version`` is in ``specifier``; ``None`` when either cannot be parsed."""
    parsed = parse_version(version)
    clauses = split_specifier(specifier)
    if parsed is None or clauses is None:
        return None
    for op, wanted in clauses:
        result = _clause(op, wanted, parsed)
        if result is None:
            return None
        if not result:
            return False
    return True


def minor(version: str) -> str | None:
    """``X.Y`` of a version such as ``3.11.4`` or ``3.11``."""
    parsed = parse_version(version)
    if parsed is None or len(parsed.release) < 2:
        return None
    return f"{parsed.release[0]}.{parsed.release[1]}"
