"""What a rule read: the record the project keeps while it runs, and the shapes the
results cache stores against it (see :mod:`toolkit.check.project` and
:mod:`toolkit.check.cache`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from toolkit.check.project import Project

# Where a parse error came from: reading (decoding) a file, or, while a view kind
# is being parsed, that kind's name; errors reported by a rule itself carry
# no origin and belong to the rule's record.
READ = ""

ErrorKey = tuple[str, int, int, str]
Signature = tuple[int, int, int, int]


class FactStore(Protocol):
    """Per-file results kept across runs (:class:`toolkit.check.cache.Cache` is one)."""

    def fact(self, project: Project, kind: str, name: str, path: str) -> list[Any] | None: ...

    def put_fact(self, project: Project, name: str, path: str, value: list[Any]) -> None: ...

    def sent(self) -> Any: ...

    def take(self, sent: Any) -> None: ...


class Record:
    """What one rule (or one shared computation) read from the project."""

    __slots__ = ("all_files", "errors", "history", "kinds", "paths")

    def __init__(self) -> None:
        self.kinds: set[str] = set()
        self.paths: set[str] = set()
        self.all_files = False
        self.history = False  # asked git's history, which no file signature covers
        self.errors: set[ErrorKey] = set()

    def absorb(self, other: Record) -> None:
        """Add what ``other`` read (a computation this one used)."""
        self.kinds |= other.kinds
        self.paths |= other.paths
        self.all_files = self.all_files or other.all_files
        self.history = self.history or other.history
        self.errors |= other.errors


def digest(paths: Iterable[str]) -> str:
    """A short stable fingerprint of a list of paths (order matters)."""
    import zlib

    data = "\0".join(paths).encode("utf-8", "surrogateescape")
    return f"{len(data):x}-{zlib.crc32(data):08x}-{zlib.adler32(data):08x}"
