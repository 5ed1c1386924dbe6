"""A clean interpreter for mlrig, shaped like the virtualenv pre-commit builds.

pre-commit runs a Python hook from its own virtualenv, which loads none of the
base interpreter's ``.pth`` start-up hooks. This machine's base interpreter has
one that imports certifi at every start (about 20 ms, a quarter of a small
run), which no user's hook environment has. So by default the harness runs
mlrig from ``bench/.work/hookenv``: a venv without pip whose only ``.pth`` puts
this checkout and the base interpreter's site-packages on ``sys.path`` (a
plain path line: the ``.pth`` files in that folder are not executed), and whose
``mlrig`` script is the one pip writes. By default the code is ``toolkit/`` as
committed at ``HEAD`` (:func:`snapshot`); ``--worktree`` runs the live checkout.

pip byte-compiles what it installs, so a hook environment starts from cached
bytecode. This machine sets ``PYTHONDONTWRITEBYTECODE=1``, which would make every
run compile mlrig from source (about 60 ms); :func:`environ` instead points
``PYTHONPYCACHEPREFIX`` into ``bench/.work/pycache`` (so the checkout's folders
get no ``__pycache__``); :func:`ensure` compiles mlrig into it and the harness's
untimed warm-up run adds the dependencies.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import sysconfig
import tarfile
import venv
from pathlib import Path

from toolkit.archive import extract_all

SCRIPT = """\
#!{python}
import sys
from toolkit.cli import main
if __name__ == "__main__":
    sys.exit(main())
"""


def _site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    return sorted({paths["purelib"], paths["platlib"]})


def environ(dest: Path) -> tuple[tuple[str, str | None], ...]:
    """Environment overrides for running mlrig from the hook environment."""
    return (("PYTHONDONTWRITEBYTECODE", None), ("PYTHONPYCACHEPREFIX", str(_pycache(dest))))


def _pycache(dest: Path) -> Path:
    return dest.resolve().parent / "pycache"


def snapshot(root: Path, rev: str, work: Path) -> tuple[Path, str]:
    """Export ``toolkit/`` at ``rev`` to ``work/src/<commit>``; return (folder, commit).

    Measuring a commit rather than the live checkout keeps a run consistent while
    others edit the work tree, and names exactly what was measured.
    """
    commit = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dest = work.resolve() / "src" / commit[:12]
    if not (dest / "toolkit").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", "--format=tar", commit, "toolkit"],
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            extract_all(tar, dest)
    return dest, commit


def ensure(dest: Path, source: Path) -> Path:
    """Create (or refresh) the environment; return the path of its ``mlrig`` script."""
    dest = dest.resolve()
    python = dest / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=False, symlinks=True, clear=True).create(dest)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "bench-mlrig.pth").write_text(
        "\n".join([str(source), *_site_dirs()]) + "\n", encoding="utf-8"
    )
    script = dest / "bin" / "mlrig"
    script.write_text(SCRIPT.format(python=python), encoding="utf-8")
    script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(_pycache(dest))
    # mlrig itself now; its dependencies on the harness's untimed warm-up run.
    compileall = [str(python), "-m", "compileall", "-q", str(source / "toolkit")]
    subprocess.run(compileall, env=env, check=False, capture_output=True)
    return script


if __name__ == "__main__":
    print(ensure(Path(sys.argv[1]), Path(sys.argv[2])))
