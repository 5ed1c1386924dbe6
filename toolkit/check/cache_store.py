"""Where the results cache is kept and how: its folder and file, the stamp of the
mlrig that wrote it, atomic writes, and findings as plain rows for marshal."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.check.findings import Finding, Fix
from toolkit.check.reads import Signature, digest

FILE_NAME = "check.marshal"
FORMAT = 1
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
        else (fix.path, fix.line, fix.column, fix.end_line, fix.end_column, fix.replacement)
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
    )


def from_row(row: FindingRow) -> Finding:
    path, line, column, code, message, end_line, end_column, fix = row
    return Finding(
        path, line, column, code, message, end_line, end_column, Fix(*fix) if fix else None
    )


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    finally:
        if temporary.exists():
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
        marker.touch()
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
