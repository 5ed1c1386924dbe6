"""The resolution cache: what each remote's refs and each image tag resolved to, and when.

Data only (one JSON file), in a folder private to its user (``0700``, owned by
them), beside the check cache. ``--offline`` answers from it alone; every online
resolution refreshes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

FILE_NAME = "resolved.json"
FORMAT = 1


def folder() -> Path | None:
    """The private folder of the cache, made if missing; ``None`` when it is not safe."""
    from toolkit.check.cache_store import cache_dir

    try:
        path = cache_dir() / "resolve"
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
    except (OSError, RuntimeError):
        return None
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if not stat.S_ISDIR(info.st_mode) or not mine or info.st_mode & 0o077:
        return None
    return path


class Store:
    """Entries by key (``git <url>``, ``image <reference>``), each ``{"time", "value"}``."""

    def __init__(self, path: Path | None, entries: dict[str, Any]) -> None:
        self.path = path
        self.entries = entries
        self.changed = False

    @classmethod
    def load(cls) -> Store:
        where = folder()
        if where is None:
            return cls(None, {})
        try:
            data = json.loads((where / FILE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(where / FILE_NAME, {})
        valid = isinstance(data, dict) and data.get("format") == FORMAT
        entries = data.get("entries") if valid else None
        return cls(where / FILE_NAME, entries if isinstance(entries, dict) else {})

    def get(self, key: str) -> Any:
        entry = self.entries.get(key)
        return entry.get("value") if isinstance(entry, dict) else None

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = {"time": int(time.time()), "value": value}
        self.changed = True

    def save(self) -> None:
        """Write the file atomically; a cache that cannot be written is only a slower next run."""
        if self.path is None or not self.changed:
            return
        document = json.dumps({"format": FORMAT, "entries": self.entries}, sort_keys=True)
        temporary = self.path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(document)
            temporary.replace(self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
