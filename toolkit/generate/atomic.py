"""All or nothing: apply a set of file changes so that an interruption leaves the
tree as it was or fully changed, never half.

Every new content is first written beside its target as a temporary file (the
slow part: disk full, a quota or Ctrl-C here leaves the tree as it was, and the
temporary files are removed). Then one quick pass renames them over their
targets and removes deleted files, with SIGINT and SIGTERM held until the pass
ends, so that Ctrl-C cannot cut it in half.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
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
            with signals_held():
                for temporary, target in staged:
                    temporary.replace(target)
                for relative, target in targets.items():
                    if changes[relative] is None:
                        target.unlink(missing_ok=True)
                done = True
    finally:
        if not done:
            _undo({target.parent for target in targets.values()}, token, made)


def _undo(folders: set[Path], token: str, made: list[Path]) -> None:
    """Remove every temporary file of this run (found by ``token``) and the folders it made."""
    for folder in folders:
        with contextlib.suppress(OSError):
            for temporary in folder.glob(f".*.{token}.*{_SUFFIX}"):
                temporary.unlink(missing_ok=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()
