"""The repository as rules see it: its files, their text, and typed views parsed once.

``Project.views(kind)`` parses every file of that kind on first use and caches
the result; a file that cannot be read or parsed becomes an ``MLR001`` finding
(collected in :attr:`Project.parse_findings`) instead of a view, never an
exception. Rules read views, ``text`` and ``data``; they never touch the disk.

While a rule runs, the project records what it read (:meth:`Project.recording`):
the view kinds, the single files, whether it looked at the whole file list, and
whether it asked git's history. :mod:`toolkit.check.cache` keys a rule's
findings on that record, so a later run can reuse them while those inputs are
unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from toolkit.check.encoding import decode_text
from toolkit.check.findings import Finding, ParseError
from toolkit.check.reads import READ, ErrorKey, FactStore, Record, Signature, digest
from toolkit.check.views import hint, view_module

PARSE_ERROR = "MLR001"
MAX_BYTES = 10 * 1024 * 1024
T = TypeVar("T")


class Project:
    """The checked files of one repository, with lazily parsed, cached views."""

    def __init__(self, root: Path, files: Iterable[str]) -> None:
        self.root = Path(os.path.realpath(root))  # the trust boundary compares real paths
        self._files: list[str] = sorted(files)
        self._texts: dict[str, str | None] = {}
        self._views: dict[str, list[Any]] = {}
        self._kind_files: dict[str, list[str]] = {}
        self._known_kinds: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._errors: dict[ErrorKey, Finding] = {}
        self._origins: dict[ErrorKey, str | None] = {}
        self._signatures: dict[str, Signature | None] = {}
        self._folders: set[str] | None = None
        self._derived: dict[str, tuple[Any, Record]] = {}
        self._records: list[Record] = []
        self._origin: str | None = None
        self._single: dict[tuple[str, str], Any] = {}
        self._by_path: dict[str, dict[str, Any]] = {}
        self._digests: dict[str, str] = {}
        self.fact_store: FactStore | None = None

    def subset(self, paths: Iterable[str]) -> Project:
        """A project of some of these files that shares their texts, signatures and errors
        with this one (so what it reads is reported and suppressed here)."""
        part = Project(self.root, paths)
        part._texts = self._texts
        part._signatures = self._signatures
        part._errors = self._errors
        part._origins = self._origins
        part._single = self._single  # each file is parsed once, whichever project asks
        return part

    @property
    def files(self) -> list[str]:
        """Every checked file, sorted (a rule that reads this depends on the whole list)."""
        if self._records:
            self._records[-1].all_files = True
        return self._files

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
        if self._records:
            self._records[-1].paths.add(path)
        if path not in self._texts:
            self._texts[path] = self._read(path)
        return self._texts[path]

    def data(self, path: str, max_bytes: int) -> bytes | None:
        """The file's bytes, or ``None`` when it is not a readable file of at most ``max_bytes``
        (a file the trust boundary refuses is also a finding)."""
        from toolkit.boundary import Refused, TooLarge, read_bytes

        if self._records:
            self._records[-1].paths.add(path)
        if self.signature(path) is None:
            self.text(path)  # reports why it is not read (once), unless it is absent
            return None
        try:
            return read_bytes(self.root, path, max_bytes)
        except (Refused, TooLarge):
            return None

    def signature(self, path: str) -> Signature | None:
        """(size, mtime, ctime, inode) of a regular file inside the root, taken once per run;
        ``None`` for anything the trust boundary does not read."""
        if path in self._signatures:
            return self._signatures[path]
        from toolkit.boundary import Refused, regular_stat

        try:
            stat = regular_stat(self.root, path)
        except Refused:
            found = None
        else:
            found = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        self._signatures[path] = found
        return found

    @contextmanager
    def recording(self) -> Iterator[Record]:
        """Record what the code inside the block reads (nested blocks add to this one)."""
        record = Record()
        self._records.append(record)
        try:
            yield record
        finally:
            self._records.pop()
            if self._records:
                self._records[-1].absorb(record)

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per run, shared by rules; each caller depends on what it read."""
        if name not in self._derived:
            with self.recording() as record:
                self._derived[name] = (compute(), record)
        else:
            record = self._derived[name][1]
            if self._records:
                self._records[-1].absorb(record)
        return self._derived[name][0]  # type: ignore[no-any-return]

    def uses_history(self) -> None:
        """Mark the running rule as reading what no file signature covers (git history, a
        folder's listing on disk): its findings are never reused."""
        if self._records:
            self._records[-1].history = True

    def error_origins(self) -> dict[ErrorKey, str | None]:
        """Where each recorded parse error came from (see :data:`READ`)."""
        return dict(self._origins)

    def know_kind(self, kind: str, candidates: str, paths: tuple[str, ...]) -> None:
        """Take a previous run's list of ``kind``'s files, valid while the candidates' digest
        (:func:`digest` of the paths that pass the kind's hint) is ``candidates``."""
        self._known_kinds[kind] = (candidates, paths)

    def texts(self) -> dict[str, str]:
        """Every text read so far, by path."""
        return {path: text for path, text in self._texts.items() if text is not None}

    def errors(self) -> dict[ErrorKey, Finding]:
        """The parse errors recorded so far, by (path, line, column, message)."""
        return dict(self._errors)

    def add_errors(self, found: Iterable[Finding]) -> None:
        """Parse errors a previous run recorded for inputs it did not read again."""
        for finding in found:
            self._errors[(finding.path, finding.line, finding.column, finding.message)] = finding

    def signatures(self) -> dict[str, Signature | None]:
        """Every file signature taken so far, by path."""
        return dict(self._signatures)

    def read_texts(self) -> dict[str, str | None]:
        """Every file read so far (``None``: unreadable), by path."""
        return dict(self._texts)

    def merge(
        self,
        errors: dict[ErrorKey, Finding],
        origins: dict[ErrorKey, str | None],
        texts: dict[str, str | None],
        signatures: dict[str, Signature | None],
    ) -> None:
        """Take in what another process checking the same files read and recorded."""
        self._errors.update(errors)
        self._origins.update(origins)
        for path, text in texts.items():
            self._texts.setdefault(path, text)
        for path, signature in signatures.items():
            self._signatures.setdefault(path, signature)

    def folders(self) -> set[str]:
        """Every folder that holds a checked file, at any depth (computed once)."""
        if self._records:
            self._records[-1].all_files = True
        if self._folders is None:
            import posixpath

            found: set[str] = set()
            for path in self._files:
                folder = posixpath.dirname(path)
                while folder and folder not in found:
                    found.add(folder)
                    folder = posixpath.dirname(folder)
            self._folders = found
        return self._folders

    def files_of(self, kind: str) -> list[str]:
        """The checked files that views of ``kind`` are made of."""
        if self._records:
            self._records[-1].kinds.add(kind)
        if kind not in self._kind_files:
            pattern = hint(kind)
            paths = [p for p in self._files if pattern.search(p)] if pattern else self._files
            known = self._known_kinds.get(kind)
            if known is not None and known[0] == digest(paths):
                # The same candidates as last time: no need to import the view's module.
                self._kind_files[kind] = list(known[1])
            else:
                match = view_module(kind).match if paths else None
                self._kind_files[kind] = [p for p in paths if match is not None and match(p)]
        return self._kind_files[kind]

    def kind_digest(self, kind: str) -> str:
        """:func:`digest` of :meth:`files_of` (computed once per kind)."""
        key = f"kind:{kind}"
        if key not in self._digests:
            self._digests[key] = digest(self.files_of(kind))
        return self._digests[key]

    def files_digest(self) -> str:
        """:func:`digest` of every checked file (computed once)."""
        if "files" not in self._digests:
            self._digests["files"] = digest(self._files)
        return self._digests["files"]

    def candidates_digest(self, kind: str) -> str:
        """:func:`digest` of the files passing ``kind``'s hint (what :meth:`know_kind` keys on)."""
        pattern = hint(kind)
        return digest([p for p in self._files if pattern.search(p)] if pattern else self._files)

    def has(self, kind: str) -> bool:
        """Whether any checked file is of ``kind`` (cheap when none could be)."""
        return bool(self.files_of(kind))

    def views(self, kind: str) -> list[Any]:
        """Parsed views of every file of ``kind`` (files that fail to parse are left out)."""
        if self._records:
            self._records[-1].kinds.add(kind)
        if kind not in self._views:
            self._views[kind] = list(self._parse_all(kind))
        return self._views[kind]

    def each_file(
        self,
        kind: str,
        name: str,
        extract: Callable[[Any, str], list[T]],
        parse: bool = True,
        needle: str | None = None,
    ) -> list[T]:
        """``extract(view, text)`` for each file of ``kind``, concatenated in file order.

        Files that do not parse (or, with ``parse=False``, cannot be read) are left
        out; without parsing, ``view`` is the path. ``extract`` must depend on that
        one file alone, and ``name`` must name it (with any arguments it closes
        over): with a :attr:`fact_store`, a file unchanged since an earlier run gives
        the stored result without being read, so an edit re-reads one file, not all.
        With a ``needle``, a file whose text lacks it gives nothing and is not parsed.
        """
        paths = self.files_of(kind)
        store = self.fact_store
        if store is None and parse and needle is None:
            views = self.views(kind)
            return [item for view in views for item in extract(view, self.text(view.path) or "")]
        found: list[T] = []
        for path in paths:
            stored = store.fact(self, kind, name, path) if store is not None else None
            if stored is None:
                text = self.text(path)
                if text is None or (needle is not None and needle not in text):
                    stored = []  # unreadable, or nothing to find here: no parse
                else:
                    view = self._view_of(kind, path, text) if parse else path
                    stored = extract(view, text) if view is not None else []
                if store is not None:
                    store.put_fact(self, name, path, stored)
            found.extend(stored)
        return found

    def _view_of(self, kind: str, path: str, text: str | None) -> Any | None:
        """The view of one file of ``kind`` (parsed alone unless the whole kind was)."""
        if kind in self._views:
            if kind not in self._by_path:
                self._by_path[kind] = {str(getattr(v, "path", "")): v for v in self._views[kind]}
            return self._by_path[kind].get(path)
        if (kind, path) not in self._single:
            self._single[kind, path] = (
                None if text is None else self._parse_one(view_module(kind), kind, path, text)
            )
        return self._single[kind, path]

    def view(self, kind: str, path: str) -> Any | None:
        """The view of ``kind`` for one path, if that file parsed."""
        return next((v for v in self.views(kind) if getattr(v, "path", None) == path), None)

    def report(self, path: str, error: ParseError) -> None:
        """Record that ``path`` could not be parsed (once per distinct problem)."""
        key = (path, error.line, error.column, error.message)
        self._errors[key] = Finding(path, error.line, error.column, PARSE_ERROR, error.message)
        self._origins[key] = self._origin
        if self._origin is None and self._records:
            self._records[-1].errors.add(key)

    def _parse_all(self, kind: str) -> Iterable[Any]:
        paths = self.files_of(kind)
        if not paths:
            return
        module = view_module(kind)
        for path in paths:
            if (kind, path) in self._single:
                view = self._single[kind, path]
            else:
                text = self.text(path)
                view = None if text is None else self._parse_one(module, kind, path, text)
                self._single[kind, path] = view
            if view is not None:
                yield view

    def _parse_one(self, module: Any, kind: str, path: str, text: str) -> Any | None:
        self._origin = kind
        try:
            return module.parse(path, text)
        except ParseError as err:
            self.report(path, err)
        except (ValueError, TypeError, RecursionError, UnicodeError) as err:
            self.report(path, ParseError(f"cannot parse: {err}".splitlines()[0]))
        finally:
            self._origin = None
        return None

    def _read(self, path: str) -> str | None:
        self.signature(path)  # before reading: a later change shows as a new signature
        try:
            data = read_limited(self.root, path)
            text: str | None = None if data is None else decode(data)
        except ParseError as err:
            origin, self._origin = self._origin, READ
            self.report(path, err)
            self._origin = origin
            text = None
        self._texts[path] = text
        return text


def read_limited(root: Path, path: str) -> bytes | None:
    """The bytes of ``path`` through the trust boundary (``None``: no such file);
    :class:`ParseError` when it is refused or too large."""
    from toolkit.boundary import Refused, TooLarge, read_bytes

    try:
        return read_bytes(root, path, MAX_BYTES)
    except Refused as err:
        if err.absent:
            return None
        raise ParseError(str(err)) from None
    except TooLarge as err:
        size = err.size / (1024 * 1024)
        raise ParseError(f"file is {size:.0f} MB; mlrig parses files of up to 10 MB") from None


def decode(data: bytes) -> str:
    """The text of a file, decoded as pip decodes it (see :mod:`toolkit.check.encoding`);
    :class:`ParseError` naming the line when it is not text of that encoding.

    A NUL byte makes the file "not text" (UTF-16 without a byte-order mark decodes as
    UTF-8 with a NUL beside every ASCII character): one finding, not one per line.
    """
    if len(data) > MAX_BYTES:
        size = len(data) / (1024 * 1024)
        raise ParseError(f"file is {size:.0f} MB; mlrig parses files of up to 10 MB")
    text = decode_text(data)
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise ParseError("not text: it holds NUL bytes (binary, or UTF-16/32)", line, column)
    return text
