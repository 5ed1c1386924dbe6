"""Build ``torch_table.json``: which torch release each torchvision and torchaudio wheel needs.

Run ``python -m toolkit.rules.data.build_torch_table`` (network: PyPI only). For
every release of torchvision and torchaudio on PyPI it opens that release's
wheels, smallest first, with HTTP range requests, reads ``*.dist-info/METADATA`` out of
the zip (no whole wheel is downloaded) and takes the ``Requires-Dist: torch``
pin (the local tag, ``+cpu``, dropped). Each row records the wheel it was read
from, so every fact has a source.
Releases whose wheels pin no exact torch are left out: X003 then says nothing
about them rather than guessing.
"""

from __future__ import annotations

import io
import json
import re
import sys
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

PACKAGES = ("torchvision", "torchaudio")
SIMPLE = "https://pypi.org/simple/{package}/"
TABLE = Path(__file__).with_name("torch_table.json")
_TORCH_PIN = re.compile(r"^torch\s*\(?\s*==\s*([0-9][^\s,;)]*)", re.IGNORECASE)
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")
_BLOCK = 64 * 1024
TRIES = 6  # wheels of one release to open before giving up on it


class RemoteFile(io.RawIOBase):
    """A read-only, seekable view of a URL, read in blocks by HTTP range requests."""

    def __init__(self, url: str, size: int) -> None:
        self.url, self.size, self.pos = url, size, 0
        self.blocks: dict[int, bytes] = {}

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def read(self, n: int = -1) -> bytes:
        end = self.size if n < 0 else min(self.size, self.pos + n)
        chunks = []
        while self.pos < end:
            index = self.pos // _BLOCK
            block = self._block(index)
            start = self.pos - index * _BLOCK
            piece = block[start : start + end - self.pos]
            if not piece:
                break
            chunks.append(piece)
            self.pos += len(piece)
        return b"".join(chunks)

    def _block(self, index: int) -> bytes:
        if index not in self.blocks:
            first = index * _BLOCK
            last = min(self.size, first + _BLOCK) - 1
            request = urllib.request.Request(self.url, headers={"Range": f"bytes={first}-{last}"})
            with urllib.request.urlopen(request, timeout=60) as response:
                self.blocks[index] = response.read()
        return self.blocks[index]


def _get_json(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def torch_pin(metadata: str) -> str | None:
    """The exact torch a wheel's METADATA requires (``Requires-Dist: torch (==1.10.0)``)."""
    for line in metadata.splitlines():
        if line.lower().startswith("requires-dist:"):
            found = _TORCH_PIN.match(line.split(":", 1)[1].strip())
            if found:
                return found.group(1)
    return None


def wheel_metadata(url: str, size: int) -> str:
    """The METADATA text inside the wheel at ``url``."""
    with zipfile.ZipFile(RemoteFile(url, size)) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        return wheel.read(name).decode("utf-8", "replace")


def wheels_by_release(package: str, index: str = SIMPLE) -> dict[str, list[dict[str, Any]]]:
    """For each final release of ``package``, its wheel file entries, smallest first."""
    files = _get_json(index.format(package=package))["files"]
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in files:
        name = entry["filename"]
        version = name.split("-")[1] if name.endswith(".whl") else ""
        if _VERSION.match(version) and not entry.get("yanked"):
            found.setdefault(version, []).append(entry)
    return {version: sorted(items, key=lambda e: e["size"]) for version, items in found.items()}


def release_row(entries: list[dict[str, Any]]) -> dict[str, str] | None:
    """The torch pin of the first of ``entries`` (a release's wheels) that states one.

    Some wheels of a release carry no pin (old macOS builds); the others agree.
    """
    for entry in entries[:TRIES]:
        torch = torch_pin(wheel_metadata(entry["url"], entry["size"]))
        if torch is not None:
            return {"torch": torch.split("+", 1)[0], "source": f"{entry['filename']} METADATA"}
    return None


def build(index: str = SIMPLE) -> dict[str, Any]:
    """The whole table, read from ``index`` (a PEP 691 simple index: PyPI's)."""
    table: dict[str, Any] = {"packages": {}}
    for package in PACKAGES:
        rows: dict[str, dict[str, str]] = {}
        for version, entries in sorted(wheels_by_release(package, index).items(), key=_version_key):
            row = release_row(entries)
            print(f"{package} {version}: {row}", file=sys.stderr)
            if row is not None:
                rows[version] = row
        table["packages"][package] = rows
    table["about"] = (
        "Requires-Dist: torch of each release's wheels on PyPI; "
        "made by python -m toolkit.rules.data.build_torch_table"
    )
    return table


def _version_key(item: tuple[str, Any]) -> tuple[int, ...]:
    return tuple(int(part) for part in item[0].split("."))


def main() -> int:
    table = build()
    TABLE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TABLE.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
