"""Where the results cache is kept and how: its folder and file, the stamp of the
mlrig that wrote it, atomic writes, and findings as plain rows for marshal."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.check.findings import Finding, Fix
from toolkit.check.reads import Signature, digest

FILE_NAME = "check.marshal"
FORMAT = 3  # 2: each result carries its inputs' signatures; no pickled facts; 3: pending
RACY_SECONDS = 2

FindingRow = tuple[Any, ...]


def fingerprint() -> str:
    """This mlrig: its version, Python's, and the size and time of every checker module."""
    import toolkit

    package = Path(toolkit.__file__).parent
    parts = [__version__, sys.version]
    for folder in ("check", "check/views", "check/report", "rules"):
        try:
            entries = sorted(os.scandir(package / folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".py"):
                stat = entry.stat()
                parts.append(f"{folder}/{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest(parts)


def cache_dir() -> Path:
    """The folder holding every repository's cache (``RuntimeError`` if there is none:
    a relative folder would put the cache in the current one, the work tree)."""
    explicit = os.environ.get("MLRIG_CACHE_DIR")
    base = os.environ.get("XDG_CACHE_HOME")
    folder = (
        Path(explicit) if explicit else (Path(base) if base else Path.home() / ".cache") / "mlrig"
    )
    if not folder.is_absolute():
        raise RuntimeError(f"no absolute folder for the cache: {folder}")
    return folder


def cache_file(root: Path) -> Path:
    """Where the cache of the repository at ``root`` lives (named after its real path)."""
    resolved = str(root.resolve())
    name = "".join(c if c.isalnum() else "-" for c in Path(resolved).name)[:40]
    return cache_dir() / f"{name}-{digest([resolved])}" / FILE_NAME


def trusted(signature: Signature | None, now: int) -> Signature | None:
    """The signature, unless the file changed too recently for its time stamp to tell."""
    if signature is None or now - signature[1] < RACY_SECONDS * 1_000_000_000:
        return None
    return signature


def to_row(finding: Finding) -> FindingRow:
    fix = finding.fix
    fix_row = (
        None
        if fix is None
        else (
            fix.path,
            fix.line,
            fix.column,
            fix.end_line,
            fix.end_column,
            fix.replacement,
            fix.expected,
        )
    )
    return (
        finding.path,
        finding.line,
        finding.column,
        finding.code,
        finding.message,
        finding.end_line,
        finding.end_column,
        fix_row,
        finding.pending,
    )


def from_row(row: FindingRow) -> Finding:
    path, line, column, code, message, end_line, end_column, fix, pending = row
    return Finding(
        path,
        line,
        column,
        code,
        message,
        end_line,
        end_column,
        Fix(*fix) if fix else None,
        pending,
    )


class CacheRefused(Exception):
    """A cache folder mlrig will not use (someone else could write it); the message says why."""


# The file: a magic line, the length and two checksums of the payload, the payload
# (marshal of plain containers). Any mismatch means "rebuild", never a crash.
MAGIC = b"mlrig-check-cache\n"
MAX_FILE_BYTES = 512 * 1024 * 1024


def private_folder(folder: Path, top: Path) -> None:
    """Make ``folder`` (and its missing parents) ``0700``; :class:`CacheRefused` when it,
    or ``top`` (the folder of every repository's cache), is not the user's own."""
    for each in (top, folder) if folder != top else (folder,):
        missing = [p for p in (each, *each.parents) if not os.path.lexists(p)]
        for new in reversed(missing):
            with contextlib.suppress(FileExistsError):
                new.mkdir(0o700)
        _own_folder(each)  # the top first: nothing is made inside a folder not ours


def _own_folder(folder: Path) -> None:
    status = folder.stat()
    if not stat.S_ISDIR(status.st_mode):
        raise CacheRefused(f"{folder} is not a folder")
    if status.st_uid != os.geteuid():
        raise CacheRefused(f"{folder} belongs to another user")
    if status.st_mode & 0o022:
        raise CacheRefused(f"{folder} can be written by other users")
    if status.st_mode & 0o077:
        folder.chmod(0o700)  # our own, made readable by an older mlrig: close it


def seal(payload: bytes) -> bytes:
    """The cache file holding ``payload``."""
    return MAGIC + _sums(payload) + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of a cache file, if it is whole (``None`` otherwise)."""
    head = len(MAGIC) + 24
    if not data.startswith(MAGIC) or len(data) < head:
        return None
    payload = data[head:]
    return payload if data[len(MAGIC) : head] == _sums(payload) else None


def _sums(payload: bytes) -> bytes:
    import zlib

    return b"%08x%08x%08x" % (len(payload) & 0xFFFFFFFF, zlib.crc32(payload), zlib.adler32(payload))


def read_private(path: Path) -> bytes | None:
    """The bytes of the user's own regular file ``path`` (``None``: absent or not ours)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid():
            return None
        if status.st_size > MAX_FILE_BYTES:
            return None
        with os.fdopen(os.dup(handle), "rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(handle)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a private temporary file beside it."""
    import time

    temporary = path.parent / f".{path.name}.{os.getpid()}.{time.time_ns()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        temporary.replace(path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


# The caches of repositories that were moved or deleted stay behind; once a day a
# save removes those not used for this long.
STALE_DAYS = 30
DAY = 24 * 3600


def prune(folder: Path, now: float) -> int:
    """Remove repository caches under ``folder`` unused for :data:`STALE_DAYS`; once a day."""
    marker = folder / ".pruned"
    try:
        if marker.exists() and now - marker.stat().st_mtime < DAY:
            return 0
        marker.touch(mode=0o600)
        removed = 0
        for entry in folder.iterdir():
            stored = entry / FILE_NAME
            if stored.is_file() and now - stored.stat().st_mtime > STALE_DAYS * DAY:
                stored.unlink()
                with contextlib.suppress(OSError):
                    entry.rmdir()
                removed += 1
    except OSError:
        return 0
    return removed
