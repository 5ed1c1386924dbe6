"""Re-compile every ``<cloud>-<framework>.txt`` lock from its ``.in`` input.

Run from anywhere: ``python templates/ml-repo/templates/locks/relock.py``
(needs ``uv`` on PATH and access to PyPI). Each input is compiled in a scratch
folder under the name ``requirements.in`` so that the lock's comments read as
they will in a generated repository, whose ``requirements.in`` and
``requirements.txt`` are these two files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMAND = [
    "uv",
    "pip",
    "compile",
    "requirements.in",
    "--universal",
    "--generate-hashes",
    "--python-version",
    "3.10",
    "--quiet",
    "-o",
    "requirements.txt",
]
SHOWN = " ".join(part for part in COMMAND if part != "--quiet")


def relock(source: Path, upgrade: bool) -> None:
    """Compile ``source`` into the ``.txt`` lock beside it."""
    lock = source.with_suffix(".txt")
    with tempfile.TemporaryDirectory(prefix="mlrig-relock-") as scratch:
        work = Path(scratch)
        shutil.copyfile(source, work / "requirements.in")
        if lock.exists() and not upgrade:
            shutil.copyfile(lock, work / "requirements.txt")
        extra = ["--upgrade"] if upgrade else []
        command = [*COMMAND, *extra, "--custom-compile-command", SHOWN]
        subprocess.run(command, cwd=work, check=True)
        shutil.copyfile(work / "requirements.txt", lock)
    print(f"locked {lock.name}")


def main(argv: list[str]) -> int:
    upgrade = "--upgrade" in argv
    names = [arg for arg in argv if not arg.startswith("-")]
    sources = [HERE / f"{name}.in" for name in names] or sorted(HERE.glob("*.in"))
    for source in sources:
        relock(source, upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
