# String paths and descriptors on purpose (lstat, O_NOFOLLOW, no Path object per file):
# ruff: noqa: PTH105, PTH108, PTH116, PTH120
"""The trust boundary: what mlrig may read and write, for every command.

Everything mlrig reads may come from a stranger (a pull request, a fresh
clone). This module is the one door to the files of a repository:

- the **root** is the enclosing git work tree or, outside git, the folder given
  (never the current folder by accident: ``cd / && mlrig check DIR`` looks at
  ``DIR`` alone);
- only **regular files inside the root** are read. A symbolic link whose
  target leaves the root, a device, a FIFO or a socket is :class:`Refused`
  ("not read: ..."), and is never opened: the kind is taken with ``lstat``/
  ``stat`` first, the file is opened with ``O_NOFOLLOW | O_NONBLOCK`` (a FIFO
  swapped in after the check cannot block the open) and checked again with
  ``fstat`` (the same inode, still a regular file) before a byte is read;
- reads are **bounded**: the size is taken before reading and at most
  ``limit + 1`` bytes are read (:class:`TooLarge` past the limit);
- a file that cannot be read (permission, I/O) is :class:`Refused` too: the
  caller turns it into a finding that fails the run, never a silent pass;
- writes go through :func:`write_atomically`: never through a symbolic link,
  never outside the root, a temporary file beside the target renamed over it,
  the file's mode kept.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from toolkit.errors import UsageError

_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class Refused(Exception):
    """A path mlrig does not read; ``reason`` completes "not read: ..."."""

    def __init__(self, reason: str, absent: bool = False) -> None:
        super().__init__(f"not read: {reason}")
        self.reason = reason
        self.absent = absent  # nothing there to read (missing, or a folder): no finding


class TooLarge(Exception):
    """A regular file larger than the caller's limit (nothing of it was read)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def find_root(cwd: Path, paths: Sequence[Path]) -> Path:
    """The root of a run over ``paths`` (relative to ``cwd``; none: ``cwd`` itself).

    The git work tree holding the first path, or, outside git, the deepest
    folder holding every path given. ``UsageError`` when a path does not exist.
    """
    anchors = []
    for given in paths or (Path(),):
        joined = cwd / given
        if not os.path.lexists(joined):
            raise UsageError(f"{os.fsdecode(given)!r}: no such file or folder")
        anchors.append(Path(os.path.realpath(joined if joined.is_dir() else joined.parent)))
    git_root = git_work_tree(anchors[0])
    if git_root is not None:
        return git_root
    here = Path(os.path.realpath(cwd))
    # Files named from here (as pre-commit names them): nothing is walked, and
    # their paths keep the folders that say what they are (.github/workflows/).
    if (
        paths
        and not any((cwd / given).is_dir() for given in paths)
        and all(inside(str(here), str(anchor)) for anchor in anchors)
    ):
        return here
    return Path(os.path.commonpath(anchors))


def git_work_tree(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.git``."""
    for folder in (start, *start.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None


def inside(root: str, target: str) -> bool:
    """Whether the real path ``target`` is ``root`` (a real path) or below it."""
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read (``None``: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    return "not a regular file"


def _target(root: Path, relative: str) -> tuple[str, os.stat_result]:
    """The path to open for ``relative`` under ``root`` when it stays inside, and its
    ``lstat`` (``stat`` of the target, for a link); ``Refused`` otherwise."""
    if not relative or relative.startswith("/") or ".." in relative.split("/"):
        raise Refused("a path that leaves the repository")
    joined = f"{root}{os.sep}{relative}"
    try:
        found = os.lstat(joined)
    except (FileNotFoundError, NotADirectoryError):
        raise Refused("no such file", absent=True) from None
    except OSError as err:
        raise Refused(_why(err)) from None
    folder = relative.rpartition("/")[0]
    if folder and not _folder_inside(str(root), folder):
        raise Refused("a path through a symbolic link that leaves the repository")
    if not stat.S_ISLNK(found.st_mode):
        return joined, found
    real = os.path.realpath(joined)
    if not inside(str(root), real):
        raise Refused("a symbolic link to a path outside the repository")
    try:
        return real, os.stat(real)
    except FileNotFoundError:
        raise Refused("a symbolic link to a missing file") from None
    except OSError as err:
        raise Refused(_why(err)) from None


@functools.lru_cache(maxsize=4096)
def _folder_inside(root: str, folder: str) -> bool:
    """Whether ``folder`` (relative) resolves inside ``root``: one ``realpath`` per folder."""
    return inside(root, os.path.realpath(f"{root}{os.sep}{folder}"))


def regular_stat(root: Path, relative: str) -> os.stat_result:
    """``stat`` of a regular file inside ``root`` (links followed inside it), or ``Refused``."""
    return _checked(root, relative)[1]


def _checked(root: Path, relative: str) -> tuple[str, os.stat_result]:
    target, found = _target(root, relative)
    if stat.S_ISDIR(found.st_mode):
        raise Refused("a folder, not a file", absent=True)
    why = not_regular(found.st_mode)
    if why is not None:
        raise Refused(why)
    return target, found


def read_bytes(root: Path, relative: str, limit: int) -> bytes:
    """The bytes of the regular file ``relative`` under ``root``, at most ``limit`` of them.

    ``Refused`` for anything this module does not read; ``TooLarge`` past ``limit``.
    ``root`` must be a real path (as :func:`find_root` gives).
    """
    target, before = _checked(root, relative)
    if before.st_size > limit:
        raise TooLarge(before.st_size)
    try:
        handle = os.open(target, _READ_FLAGS)
    except OSError as err:
        raise Refused(_why(err)) from None
    try:
        opened = os.fstat(handle)
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise Refused("the file was replaced while it was read")
        why = not_regular(opened.st_mode)
        if why is not None:
            raise Refused(why)
        return _read_at_most(handle, limit)
    except OSError as err:
        raise Refused(_why(err)) from None
    finally:
        os.close(handle)


def _read_at_most(handle: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = os.read(handle, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise TooLarge(total)
    return b"".join(chunks)


def _why(err: OSError) -> str:
    import errno

    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.ELOOP:
        return "a symbolic link (never followed here)"
    return (err.strerror or type(err).__name__).lower()


class WriteRefused(Exception):
    """A write this module will not do; the message says why."""


def write_atomically(root: Path, relative: str, data: bytes) -> None:
    """Replace the regular file ``relative`` under ``root`` with ``data``, all or nothing.

    Never through a symbolic link (the file or any folder on the way), never
    outside ``root``; the temporary file is made beside the target, gets the
    target's mode, is flushed to disk, and is renamed over it.
    """
    if relative.startswith("/") or ".." in relative.split("/"):
        raise WriteRefused(f"{relative}: outside the repository")
    target = f"{root}{os.sep}{relative}"
    folder = os.path.dirname(target)
    if os.path.realpath(folder) != os.path.normpath(folder):
        raise WriteRefused(f"{relative}: a folder on the way is a symbolic link")
    try:
        current = os.lstat(target)
    except OSError as err:
        raise WriteRefused(f"{relative}: {_why(err)}") from None
    if not stat.S_ISREG(current.st_mode):
        raise WriteRefused(f"{relative}: not a regular file (a symbolic link is never written)")
    _replace(target, data, stat.S_IMODE(current.st_mode))


def _replace(target: str, data: bytes, mode: int) -> None:
    import tempfile

    folder, name = os.path.split(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".mlrig-tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
