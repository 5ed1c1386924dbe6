"""Which files ``mlrig check`` looks at: git's view of the work tree, or a walk.

In a git work tree the list is ``git ls-files -co --exclude-standard`` (tracked
plus untracked, minus ignored). Elsewhere a walk honours every ``.gitignore`` on
the way down. Either way ``.git``, ``.dvc/cache``, ``.venv`` and the like are
skipped, and so is every path with a template folder or file on the way (a
part holding ``{{`` or ``{%``, as cookiecutter and copier name them): those are
not files yet, and what they say is decided when they are rendered.
"""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.check.globs import IgnoreRule, is_ignored, parse_gitignore

SKIPPED_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox"})
SKIPPED_PREFIXES = (".dvc/cache/", ".dvc/tmp/")


def find_git_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.git``."""
    from toolkit.boundary import git_work_tree

    return git_work_tree(start)


def discover(root: Path, use_git: bool | None = None) -> list[str]:
    """Repository-relative, forward-slash paths of the files under ``root``, sorted."""
    return listing(root, use_git)[0]


def listing(
    root: Path, use_git: bool | None = None, under: tuple[str, ...] = ("",)
) -> tuple[list[str], list[str]]:
    """The files under ``root`` (as :func:`discover`) and the folders that could not be read.

    Without git, only the folders ``under`` (relative to ``root``) are walked.
    """
    if use_git is None:
        use_git = find_git_root(root) is not None
    found = _git_files(root) if use_git else None
    if found is None:
        found = _walk_all(root, under)
    files, unreadable = found
    return sorted(path for path in files if not _skipped(path)), sorted(set(unreadable))


def _skipped(path: str) -> bool:
    parts = path.split("/")
    return (
        any(part in SKIPPED_DIRS for part in parts[:-1])
        or path.startswith(SKIPPED_PREFIXES)
        or is_template_path(path)
    )


def is_template_path(path: str) -> bool:
    """Whether a part of ``path`` is a template name (``{{ cookiecutter.x }}``, ``{% if %}``)."""
    return "{{" in path or "{%" in path


Listed = tuple[list[str], list[str]]


def _git_files(root: Path) -> Listed | None:
    started = _STARTED.pop(str(root), None)
    output, errors = _collect(*(started or _spawn(_ls_files(root))))
    if output is None:
        return None
    names = [name for name in output.decode("utf-8", "surrogateescape").split("\0") if name]
    return names, _unopened(errors)


def _unopened(errors: bytes) -> list[str]:
    """The folders git said it could not open (it lists what it can and exits 0)."""
    found = []
    for line in errors.decode("utf-8", "surrogateescape").splitlines():
        head, quote, rest = line.partition("could not open directory '")
        if quote and head.startswith("warning:"):
            found.append(rest.rpartition("':")[0].rstrip("/"))
    return [folder for folder in found if folder]


def _ls_files(root: Path) -> list[str]:
    return ["git", "-C", str(root), "ls-files", "-z", "-co", "--exclude-standard"]


# git ls-files started early (``prefetch``), by repository root: (pid, pipe).
_STARTED: dict[str, tuple[int, int, int]] = {}


def prefetch(cwd: Path, paths: tuple[Path, ...]) -> None:
    """Start ``git ls-files`` for the repository that ``mlrig check PATHS`` will list,
    so that git runs while the checker's modules load; :func:`discover` collects it.

    Only where a listing will be needed (no paths, or a folder among them) and
    the root is a git work tree; any guess that is not the root discover gets
    is simply never collected. A previous run's unclaimed listing is dropped.
    """
    if not hasattr(os, "posix_spawnp"):  # pragma: no cover - not POSIX
        return
    try:
        if paths and all((cwd / path).is_file() for path in paths):
            return
        anchor = (cwd / paths[0]).resolve() if paths else cwd.resolve()
        root = find_git_root(anchor if anchor.is_dir() else anchor.parent)
    except OSError:
        return
    if root is None:
        return
    stale = _STARTED.pop(str(root), None)
    if stale is not None:
        _collect(*stale)
    _STARTED[str(root)] = _spawn(_ls_files(root))


def _spawn(command: list[str]) -> tuple[int, int, int]:
    """Start ``command`` with its output on a pipe: (pid, read end, standard error file);
    pid 0 if it failed.

    ``os.posix_spawnp`` rather than :mod:`subprocess`: importing that module and
    forking through it cost ~3 ms of a ~70 ms run. Standard error goes to an
    in-memory file (read after the exit: no second pipe to deadlock on), in the
    C locale so that its warnings read alike everywhere.
    """
    read_end, write_end = os.pipe()
    errors = _error_file()
    actions = [(os.POSIX_SPAWN_DUP2, write_end, 1), (os.POSIX_SPAWN_DUP2, errors, 2)]
    try:
        env = {**os.environ, "LC_ALL": "C"}
        pid = os.posix_spawnp(command[0], command, env, file_actions=actions)
    except OSError:
        pid = 0
    finally:
        os.close(write_end)
    return pid, read_end, errors


def _error_file() -> int:
    if hasattr(os, "memfd_create"):
        try:
            return os.memfd_create("mlrig-git-stderr", getattr(os, "MFD_CLOEXEC", 0))
        except OSError:  # pragma: no cover - an old kernel
            pass
    return os.open(os.devnull, os.O_WRONLY)  # pragma: no cover - not Linux


def _collect(pid: int, read_end: int, errors: int) -> tuple[bytes | None, bytes]:
    """The spawned command's output when it exited 0 (``None`` otherwise), and the
    first 64 KiB of its standard error."""
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(1 << 16):
            chunks.append(chunk)
    try:
        if not pid:
            return None, b""
        _, status = os.waitpid(pid, 0)
        told = _read_error_file(errors)
    finally:
        os.close(errors)
    return (b"".join(chunks) if os.waitstatus_to_exitcode(status) == 0 else None), told


def _read_error_file(errors: int) -> bytes:
    try:
        os.lseek(errors, 0, os.SEEK_SET)
        return os.read(errors, 1 << 16)
    except OSError:  # pragma: no cover - the null device
        return b""


def _walk_all(root: Path, under: tuple[str, ...]) -> Listed:
    files: list[str] = []
    unreadable: list[str] = []
    for folder in under:
        found, failed = _walk(root, folder)
        files.extend(found)
        unreadable.extend(failed)
    return sorted(set(files)), unreadable


def _walk(root: Path, start: str = "") -> Listed:
    """The files under ``root/start`` that no ``.gitignore`` (from ``root`` down) ignores,
    and the folders that could not be read."""
    found: list[str] = []
    failed: list[str] = []
    above: list[IgnoreRule] = []
    for ancestor in _ancestors(start):
        above = [*above, *_read_gitignore(root, ancestor)]
    inherited: dict[str, list[IgnoreRule]] = {start: above}
    top = root / start if start else root
    for folder, dirs, names in os.walk(top, onerror=lambda err: failed.append(err.filename)):
        base = os.path.relpath(folder, root).replace(os.sep, "/")
        base = "" if base == "." else base
        rules = inherited.pop(base, [])
        if ".gitignore" in names:
            rules = [*rules, *_read_gitignore(root, base)]
        prefix = f"{base}/" if base else ""
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_DIRS
            and not is_template_path(d)
            and not is_ignored(prefix + d, True, rules)
        )
        inherited.update((prefix + d, rules) for d in dirs)
        found.extend(prefix + n for n in names if not is_ignored(prefix + n, False, rules))
    return found, [_relative(root, str(path)) for path in failed]


def _ancestors(start: str) -> list[str]:
    """The folders from the top down to ``start``'s parent (``""`` first), for .gitignore."""
    if not start:
        return []
    parts = start.split("/")
    return ["/".join(parts[:depth]) for depth in range(len(parts))]


def _relative(root: Path, path: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _read_gitignore(root: Path, base: str) -> list[IgnoreRule]:
    from toolkit.boundary import Refused, TooLarge, read_bytes

    relative = f"{base}/.gitignore" if base else ".gitignore"
    try:
        data = read_bytes(root, relative, 1 << 20)
    except (Refused, TooLarge):
        return []
    return parse_gitignore(data.decode("utf-8", errors="replace"), base)
