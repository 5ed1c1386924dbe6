"""The repository as rules see it: its files, their text, and typed views parsed once.

``Project.views(kind)`` parses every file of that kind on first use and caches
the result; a file that cannot be read or parsed becomes an ``MLR001`` finding
(collected in :attr:`Project.parse_findings`) instead of a view, never an
exception. Rules read views and ``text``; they never touch the disk.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from toolkit.check.findings import Finding, ParseError
from toolkit.check.views import hint, view_module

PARSE_ERROR = "MLR001"
MAX_BYTES = 10 * 1024 * 1024


class Project:
    """The checked files of one repository, with lazily parsed, cached views."""

    def __init__(self, root: Path, files: Iterable[str]) -> None:
        self.root = root
        self.files: list[str] = sorted(files)
        self._texts: dict[str, str | None] = {}
        self._views: dict[str, list[Any]] = {}
        self._kind_files: dict[str, list[str]] = {}
        self._errors: dict[tuple[str, int, int, str], Finding] = {}
        self._folders: set[str] | None = None

    @classmethod
    def discover(cls, root: Path, use_git: bool | None = None) -> Project:
        """The project of every file under ``root`` that git would not ignore."""
        from toolkit.check.discovery import discover

        return cls(root, discover(root, use_git))

    @property
    def parse_findings(self) -> list[Finding]:
        """One ``MLR001`` finding per file that could not be read or parsed so far."""
        return sorted(self._errors.values())

    def text(self, path: str) -> str | None:
        """The file's text (UTF-8, newlines as written), or ``None`` if unreadable."""
        if path not in self._texts:
            self._texts[path] = self._read(path)
        return self._texts[path]

    def texts(self) -> dict[str, str]:
        """Every text read so far, by path."""
        return {path: text for path, text in self._texts.items() if text is not None}

    def errors(self) -> dict[tuple[str, int, int, str], Finding]:
        """The parse errors recorded so far, by (path, line, column, message)."""
        return dict(self._errors)

    def read_texts(self) -> dict[str, str | None]:
        """Every file read so far (``None``: unreadable), by path."""
        return dict(self._texts)

    def merge(
        self, errors: dict[tuple[str, int, int, str], Finding], texts: dict[str, str | None]
    ) -> None:
        """Take in what another process checking the same files read and recorded."""
        self._errors.update(errors)
        for path, text in texts.items():
            self._texts.setdefault(path, text)

    def folders(self) -> set[str]:
        """Every folder that holds a checked file, at any depth (computed once)."""
        if self._folders is None:
            import posixpath

            found: set[str] = set()
            for path in self.files:
                folder = posixpath.dirname(path)
                while folder and folder not in found:
                    found.add(folder)
                    folder = posixpath.dirname(folder)
            self._folders = found
        return self._folders

    def files_of(self, kind: str) -> list[str]:
        """The checked files that views of ``kind`` are made of."""
        if kind not in self._kind_files:
            pattern = hint(kind)
            paths = [p for p in self.files if pattern.search(p)] if pattern else self.files
            match = view_module(kind).match if paths else None
            self._kind_files[kind] = [p for p in paths if match is not None and match(p)]
        return self._kind_files[kind]

    def has(self, kind: str) -> bool:
        """Whether any checked file is of ``kind`` (cheap when none could be)."""
        return bool(self.files_of(kind))

    def views(self, kind: str) -> list[Any]:
        """Parsed views of every file of ``kind`` (files that fail to parse are left out)."""
        if kind not in self._views:
            self._views[kind] = list(self._parse_all(kind))
        return self._views[kind]

    def view(self, kind: str, path: str) -> Any | None:
        """The view of ``kind`` for one path, if that file parsed."""
        return next((v for v in self.views(kind) if getattr(v, "path", None) == path), None)

    def report(self, path: str, error: ParseError) -> None:
        """Record that ``path`` could not be parsed (once per distinct problem)."""
        key = (path, error.line, error.column, error.message)
        self._errors[key] = Finding(path, error.line, error.column, PARSE_ERROR, error.message)

    def _parse_all(self, kind: str) -> Iterable[Any]:
        paths = self.files_of(kind)
        if not paths:
            return
        module = view_module(kind)
        for path in paths:
            text = self.text(path)
            if text is None:
                continue
            try:
                yield module.parse(path, text)
            except ParseError as err:
                self.report(path, err)
            except (ValueError, TypeError, RecursionError, UnicodeError) as err:
                self.report(path, ParseError(f"cannot parse: {err}".splitlines()[0]))

    def _read(self, path: str) -> str | None:
        try:
            data = (self.root / path).read_bytes()
        except OSError:
            return None
        try:
            return decode(data)
        except ParseError as err:
            self.report(path, err)
            return None


def decode(data: bytes) -> str:
    """UTF-8 text without a byte-order mark; :class:`ParseError` naming the line otherwise."""
    if len(data) > MAX_BYTES:
        size = len(data) / (1024 * 1024)
        raise ParseError(f"file is {size:.0f} MB; mlrig parses files of up to 10 MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise ParseError(f"not UTF-8 text (byte 0x{data[err.start]:02x})", line, column) from None
    return text[1:] if text.startswith("\ufeff") else text
