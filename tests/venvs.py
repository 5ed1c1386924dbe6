"""Fresh virtual environments for tests that must not see this one's packages."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def bin_path(env: Path, name: str) -> Path:
    """The path of executable ``name`` inside ``env``."""
    folder = "Scripts" if sys.platform == "win32" else "bin"
    return env / folder / name


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path``: one process at a time (the suite's
    xdist workers, or two runs on one machine) builds what several of them share."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """The folder ``name`` that ``build(folder)`` fills once per test run: the xdist
    workers of one run share it (the first to ask builds it, the others wait for it)."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # each worker's basetemp is a folder of the run's own
    folder, done = root / name, root / f"{name}.built"
    with locked(root / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            build(folder)
            done.touch()
    return folder


def make_venv(env: Path, *requirements: str) -> Path:
    """Create ``env`` with pip and install ``requirements`` (pip arguments) into it."""
    venv.EnvBuilder(with_pip=True, clear=True).create(env)
    python = bin_path(env, "python")
    if requirements:
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *requirements,
            ],
            check=True,
        )
    return python


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by forward-slash relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def build_wheel(source: Path, out: Path) -> Path:
    """Build mlrig's wheel from the checkout ``source`` into ``out``; its path."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)],
        check=True,
    )
    (wheel,) = out.glob("mlrig-*.whl")
    return wheel
