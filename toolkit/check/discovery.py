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
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def discover(root: Path, use_git: bool | None = None) -> list[str]:
    """Repository-relative, forward-slash paths of the files under ``root``, sorted."""
    if use_git is None:
        use_git = find_git_root(root) is not None
    files = _git_files(root) if use_git else None
    if files is None:
        files = _walk(root)
    return sorted(path for path in files if not _skipped(path))


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


def _git_files(root: Path) -> list[str] | None:
    started = _STARTED.pop(str(root), None)
    if started is not None:
        output = _collect(*started)
    elif hasattr(os, "posix_spawnp"):
        output = _collect(*_spawn(_ls_files(root)))
    else:  # pragma: no cover - not POSIX
        import subprocess

        try:
            done = subprocess.run(_ls_files(root), capture_output=True, check=False)
        except OSError:
            return None
        output = done.stdout if done.returncode == 0 else None
    if output is None:
        return None
    return [name for name in output.decode("utf-8", "surrogateescape").split("\0") if name]


def _ls_files(root: Path) -> list[str]:
    return ["git", "-C", str(root), "ls-files", "-z", "-co", "--exclude-standard"]


# git ls-files started early (``prefetch``), by repository root: (pid, pipe).
_STARTED: dict[str, tuple[int, int]] = {}


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


def _spawn(command: list[str]) -> tuple[int, int]:
    """Start ``command`` with its output on a pipe: (pid, read end); pid 0 if it failed.

    ``os.posix_spawnp`` rather than :mod:`subprocess`: importing that module and
    forking through it cost ~3 ms of a ~70 ms run. Standard error is discarded.
    """
    read_end, write_end = os.pipe()
    actions = [
        (os.POSIX_SPAWN_DUP2, write_end, 1),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    try:
        pid = os.posix_spawnp(command[0], command, os.environ, file_actions=actions)
    except OSError:
        pid = 0
    finally:
        os.close(write_end)
    return pid, read_end


def _collect(pid: int, read_end: int) -> bytes | None:
    """The spawned command's output when it exited 0 (``None`` otherwise)."""
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(1 << 16):
            chunks.append(chunk)
    if not pid:
        return None
    _, status = os.waitpid(pid, 0)
    return b"".join(chunks) if os.waitstatus_to_exitcode(status) == 0 else None


def _walk(root: Path) -> list[str]:
    found: list[str] = []
    inherited: dict[str, list[IgnoreRule]] = {"": []}
    for folder, dirs, names in os.walk(root):
        base = os.path.relpath(folder, root).replace(os.sep, "/")
        base = "" if base == "." else base
        rules = inherited.pop(base)
        if ".gitignore" in names:
            rules = [*rules, *_read_gitignore(Path(folder) / ".gitignore", base)]
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
    return found


def _read_gitignore(path: Path, base: str) -> list[IgnoreRule]:
    try:
        return parse_gitignore(path.read_text(encoding="utf-8", errors="replace"), base)
    except OSError:
        return []
