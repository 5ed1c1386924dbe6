"""Interrupt a real ``mlrig`` process with SIGINT, at a random moment or as it starts writing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

Tree = dict[str, bytes | str]


def snapshot(root: Path) -> Tree:
    """Every file and symlink under ``root`` outside ``.git``, folders included as markers."""
    seen: Tree = {}
    if not root.exists():
        return seen
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == ".git":
            continue
        if path.is_symlink():
            seen[relative.as_posix()] = "-> " + str(path.readlink())
        elif path.is_dir():
            seen[relative.as_posix() + "/"] = "folder"
        else:
            seen[relative.as_posix()] = path.read_bytes()
    return seen


def _signature(root: Path) -> list[tuple[str, int, int]]:
    entries = []
    for folder, folders, files in os.walk(root):
        if ".git" in folders:
            folders.remove(".git")
        for name in [*folders, *files]:
            path = f"{folder}/{name}"
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue
            entries.append((path, info.st_mtime_ns, info.st_size))
    return sorted(entries)


def mlrig_process(*args: str | Path, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "toolkit", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def interrupt(
    process: subprocess.Popen[bytes], watch: Path, rng: random.Random, longest: float
) -> tuple[int, str]:
    """Send SIGINT after a random delay (``longest`` at most) or, every other time, just
    after the first change under ``watch`` appears; return the exit code and stderr."""
    if rng.random() < 0.5:
        time.sleep(rng.uniform(0, longest))
    else:
        before = _signature(watch)
        deadline = time.monotonic() + longest * 2
        while process.poll() is None and time.monotonic() < deadline:
            if _signature(watch) != before:
                time.sleep(rng.choice((0, rng.uniform(0, 0.05))))
                break
            time.sleep(0.002)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    return process.returncode, err.decode(errors="replace")


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders that mlrig left under ``folder``."""
    return sorted(
        str(path)
        for path in folder.rglob("*")
        if path.name.endswith(".mlrig-tmp") or (path.is_dir() and path.name.startswith(".my-"))
    )


def differences(state: Tree, *expected: Tree) -> list[str]:
    """The paths where ``state`` differs from each of ``expected``: what a failure shows."""
    return [
        ", ".join(
            sorted(key for key in set(state) | set(tree) if state.get(key) != tree.get(key))[:8]
        )
        for tree in expected
    ]
