"""Extract a tar archive without letting a member land outside its folder.

``tarfile``'s ``"data"`` filter does this, but only from Python 3.10.12 and 3.11.4
on; Debian 12's Python 3.11.2, for one, lacks it. There, members that are not
regular files, folders or symlinks that stay inside are left out.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterable
from pathlib import Path


def _inside(root: Path, member: tarfile.TarInfo) -> bool:
    target = (root / member.name).resolve()
    if root not in (target, *target.parents):
        return False
    if member.issym():
        link = (target.parent / member.linkname).resolve()
        return root in (link, *link.parents)
    return member.isfile() or member.isdir()


def extract_all(
    tar: tarfile.TarFile, into: Path, members: Iterable[tarfile.TarInfo] | None = None
) -> None:
    """Extract ``members`` (default: all) of ``tar`` under ``into``, safely."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(into, members=members, filter="data")
        return
    root = into.resolve()
    chosen = [m for m in (members if members is not None else tar.getmembers()) if _inside(root, m)]
    tar.extractall(into, members=chosen)
