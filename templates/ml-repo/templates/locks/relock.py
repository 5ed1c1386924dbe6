"""Re-compile every ``<cloud>-<framework>.txt`` lock from its ``.in`` input.

Run from anywhere: ``python templates/ml-repo/templates/locks/relock.py [NAME...]
[--upgrade]`` (needs ``uv`` on PATH and access to PyPI). Each input is compiled in a
scratch folder under the name ``requirements.in`` so that the lock's comments read as
they will in a generated repository, whose ``requirements.in`` and ``requirements.txt``
are these two files.

A ``<name>-train.in`` beside ``<name>.in`` (pytorch) is the training environment: the
dev packages (``-r requirements.in``) plus torch. It is compiled first, into
``requirements-train.txt``; the dev lock is then compiled with it as constraints, so
every package the two locks share has one version, and lint, deploy and drift jobs
install the dev lock without torch.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRAIN = "-train"
UV = ["uv", "pip", "compile"]
FLAGS = ["--universal", "--generate-hashes", "--python-version", "3.10"]


def compile_lock(work: Path, name: str, upgrade: bool, constraints: str | None = None) -> None:
    """``uv pip compile <name>.in -o <name>.txt`` in ``work`` (keeping its pins unless upgrading)."""
    extra = ["-c", constraints] if constraints else []
    shown = " ".join([*UV, f"{name}.in", *FLAGS, *extra, "-o", f"{name}.txt"])
    command = [*UV, f"{name}.in", *FLAGS, *extra, "--quiet", "-o", f"{name}.txt"]
    flags = ["--upgrade"] if upgrade else []
    subprocess.run([*command, *flags, "--custom-compile-command", shown], cwd=work, check=True)


def relock(source: Path, upgrade: bool) -> None:
    """Compile ``source`` (and its ``-train`` sibling, first) into the ``.txt`` locks beside it."""
    train = source.with_name(source.stem + TRAIN + ".in")
    pairs = [(train, "requirements" + TRAIN)] if train.exists() else []
    pairs.append((source, "requirements"))
    with tempfile.TemporaryDirectory(prefix="mlrig-relock-") as scratch:
        work = Path(scratch)
        for input_file, name in pairs:
            shutil.copyfile(input_file, work / f"{name}.in")
            lock = input_file.with_suffix(".txt")
            if lock.exists() and not upgrade:
                shutil.copyfile(lock, work / f"{name}.txt")
        if train.exists():
            compile_lock(work, "requirements" + TRAIN, upgrade)
            compile_lock(work, "requirements", False, constraints=f"requirements{TRAIN}.txt")
        else:
            compile_lock(work, "requirements", upgrade)
        for input_file, name in pairs:
            shutil.copyfile(work / f"{name}.txt", input_file.with_suffix(".txt"))
            print(f"locked {input_file.with_suffix('.txt').name}")


def main(argv: list[str]) -> int:
    upgrade = "--upgrade" in argv
    names = [arg for arg in argv if not arg.startswith("-")]
    sources = [HERE / f"{name}.in" for name in names] or sorted(HERE.glob("*.in"))
    for source in sources:
        if not source.stem.endswith(TRAIN):
            relock(source, upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
