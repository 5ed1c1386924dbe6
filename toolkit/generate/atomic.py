"""All or nothing: apply a set of file changes so that an interruption leaves the
tree as it was or fully changed, never half.

Every new content is first written beside its target as a temporary file (the
slow part: disk full, a quota or Ctrl-C here leaves the tree as it was, and the
temporary files are removed). Then one quick pass renames them over their
targets and removes deleted files, with SIGINT and SIGTERM held until the pass
ends, so that Ctrl-C cannot cut it in half. Each file the pass replaces or
removes keeps a second name (a hard link) until the pass ends: when a step
fails half way (a target replaced by a folder meanwhile, a folder made
read-only), every file already changed is put back.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType

from toolkit.errors import UserInputError
from toolkit.generate.confine import inside

_HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def filesystem_errors(where: Path) -> Iterator[None]:
    """Turn a failing write or read (disk full, no permission, read-only) into a user error."""
    try:
        yield
    except OSError as err:
        path = err.filename or where
        raise UserInputError(f"{path}: {err.strerror or err}; nothing was written") from None


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Delay SIGINT and SIGTERM until the block ends, then act on them."""
    try:
        previous = {number: signal.getsignal(number) for number in _HELD}
        pending: list[int] = []

        def hold(number: int, frame: FrameType | None) -> None:
            pending.append(number)

        for number in _HELD:
            signal.signal(number, hold)
    except ValueError:  # not the main thread: no handlers to swap
        yield
        return
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if pending:
        signal.raise_signal(pending[0])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_SUFFIX = ".mlrig-tmp"
_BACKUP = ".mlrig-old"


def _stage(target: Path, data: bytes, mode: int, token: str) -> Path:
    """``data`` in a temporary file beside ``target``, flushed to disk.

    The name carries ``token``, so that the undo finds the file even when Ctrl-C
    lands between its creation and the moment its name is known here.
    """
    prefix = f".{target.name}.{token}."
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(name).chmod(mode)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _mode(target: Path, wanted: int | None) -> int:
    if wanted is not None:
        return wanted & ~_umask() & 0o7777
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _make_folders(folder: Path, made: list[Path]) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        made.append(path)  # first: Ctrl-C right after mkdir must not hide the folder from the undo
        path.mkdir()


def apply_changes(
    repo: Path,
    changes: Mapping[str, bytes | None],
    modes: Mapping[str, int] | None = None,
    dry_run: bool = False,
) -> None:
    """Write each ``relative -> bytes`` (``None``: delete) under ``repo``, all or nothing.

    Every path is checked by :func:`~toolkit.generate.confine.inside` before anything
    is written: a symlink on the way or a path outside ``repo`` refuses the whole set
    (a dry run checks the same, and writes nothing).
    """
    targets = {relative: inside(repo, relative) for relative in sorted(changes)}
    if dry_run:
        return
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []
    token = secrets.token_hex(6)
    done = False
    try:
        with filesystem_errors(repo):
            for relative, target in targets.items():
                data = changes[relative]
                if data is not None:
                    _make_folders(target.parent, made)
                    mode = _mode(target, (modes or {}).get(relative))
                    staged.append((_stage(target, data, mode, token), target))
            deleted = [target for relative, target in targets.items() if changes[relative] is None]
            with signals_held():
                _swap_in(staged, deleted, token)
                done = True
    finally:
        if not done:
            _undo({target.parent for target in targets.values()}, token, made)


def _backup(target: Path, token: str) -> Path | None:
    """A second name for ``target``'s current file (``None``: there is none), so that it
    can be put back; anything but a regular file in the way stops the pass."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "a folder is in the way", str(target))
    if not stat.S_ISREG(mode):
        raise OSError(
            errno.EEXIST, "something that is not a regular file is in the way", str(target)
        )
    backup = target.with_name(f".{target.name}.{token}{_BACKUP}")
    try:
        os.link(target, backup)
    except OSError:  # no hard links here: a copy serves as well
        _stage(backup, target.read_bytes(), stat.S_IMODE(mode), token).replace(backup)
    return backup


def _swap_in(staged: list[tuple[Path, Path]], deleted: list[Path], token: str) -> None:
    """Rename each temporary over its target and remove each deleted file; when one step
    fails (a folder made read-only, a target replaced by a folder), put back every
    target already changed, so that the tree is as it was."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for temporary, target in staged:
            backup = _backup(target, token)
            done.append((target, backup))
            temporary.replace(target)
        for target in deleted:
            backup = _backup(target, token)
            if backup is not None:
                done.append((target, backup))
                target.unlink()
    except BaseException:
        _restore(done)
        raise
    for _, backup in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()


def _restore(done: list[tuple[Path, Path | None]]) -> None:
    """Put back what :func:`_swap_in` changed, last change first."""
    for target, backup in reversed(done):
        with contextlib.suppress(OSError):
            if backup is not None:
                backup.replace(target)
            elif target.is_file() and not target.is_symlink():
                target.unlink()


def _undo(folders: set[Path], token: str, made: list[Path]) -> None:
    """Remove every temporary file of this run (found by ``token``) and the folders it made."""
    for folder in folders:
        with contextlib.suppress(OSError):
            for temporary in folder.glob(f".*.{token}.*{_SUFFIX}"):
                temporary.unlink(missing_ok=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()
