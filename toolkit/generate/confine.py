"""What ``add``, ``update`` and ``new --force`` may touch in a repository.

A repository is untrusted data: a committed symlink, a dangling one, or a path
in the answers file such as ``../x`` must never lead a write (or a read)
outside it. Every path that generation touches is checked here first, and
the whole command is refused, before anything is written, when one fails.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

from toolkit.boundary import not_regular
from toolkit.errors import UserInputError

# The largest file generation reads from a repository (answers file, files it merges).
MAX_READ = 4 * 1024 * 1024


class TooLargeError(UserInputError):
    """A file is larger than mlrig reads."""


def _refuse(path: Path, why: str) -> UserInputError:
    return UserInputError(
        f"{path}: {why}; mlrig reads and writes only regular files inside the repository"
    )


def inside(repo: Path, relative: str) -> Path:
    """``repo / relative``, refused when it leaves ``repo`` or passes through a symlink.

    Each existing component below ``repo`` is looked at without following it: a
    symlink (committed or dangling) anywhere on the way, or something that is not
    a folder or a regular file, refuses the path. Absent components are fine.
    """
    pure = PurePosixPath(relative)
    if not relative or pure.is_absolute() or any(part in ("", ".", "..") for part in pure.parts):
        raise _refuse(repo / relative, "outside the repository")
    current = repo
    for index, part in enumerate(pure.parts):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return repo / relative
        if stat.S_ISLNK(mode):
            raise _refuse(current, "a symbolic link")
        last = index == len(pure.parts) - 1
        if last and not stat.S_ISREG(mode):
            raise _refuse(current, not_regular(mode) or "not a regular file")
        if not last and not stat.S_ISDIR(mode):
            raise _refuse(current, "not a folder")
    return current


def read_regular(path: Path, limit: int = MAX_READ) -> bytes | None:
    """The bytes of the regular file at ``path`` (``None``: absent), at most ``limit``.

    Opened without following a final symlink and without blocking on a FIFO;
    anything but a regular file is refused before a byte is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _refuse(path, "a symbolic link") from None
        raise UserInputError(f"{path}: cannot read ({err.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(path, not_regular(mode) or "not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLargeError(f"{path}: larger than {limit // 2**20} MiB; mlrig will not read it")
    return data


def read_inside(repo: Path, relative: str, limit: int = MAX_READ) -> bytes | None:
    """The bytes of the regular file ``relative`` in ``repo`` (``None``: absent).

    Refused like :func:`inside`, then read like :func:`read_regular`.
    """
    return read_regular(inside(repo, relative), limit)


def special_file(path: Path) -> str | None:
    """What ``path`` is when it is there but is neither a regular file nor a folder (a
    named pipe, a socket, a device), without opening it; ``None`` otherwise."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode) or stat.S_ISLNK(mode):
        return None
    return not_regular(mode)
