"""Generation under hostile input and a hostile disk: exit 1 or 2 with file and line, never 3,
bounded in time and memory, and nothing left behind."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, RunMlrig

MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space for one mlrig process
SECONDS = 60


def mlrig(
    *args: str | Path, cwd: Path | None = None, file_limit: int | None = None
) -> tuple[int, str, float]:
    """Run ``python -m toolkit ARGS`` with bounded memory (and file size); exit code, stderr, seconds."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=SECONDS,
        preexec_fn=limits,
        check=False,
    )
    return done.returncode, done.stderr, time.monotonic() - started


def alias_bomb(levels: int = 12) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\nproject_name: bomb\n"


HOSTILE = {
    "alias-bomb": (alias_bomb(), "aliases expand to more than 100000 nodes"),
    "deep-flow": (
        "project_name: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "nest",
    ),
    "deep-block": (
        "".join(" " * i + f"k{i}:\n" for i in range(1_500)) + " " * 1_500 + "x\n",
        "nest",
    ),
    "recursive-alias": ("a: &a [*a]\n", "recursive alias"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_answers_file_is_refused_quickly(tmp_path: Path, kind: str) -> None:
    text, message = HOSTILE[kind]
    answers = tmp_path / "answers.yml"
    answers.write_text(text, encoding="utf-8")
    code, err, seconds = mlrig("new", "--no-input", "-o", tmp_path / "out", "--answers", answers)
    assert code == 2, err
    assert err.startswith(f"mlrig: error: {answers}:")
    assert "answers file is not valid YAML" in err
    assert message in err
    assert len(err.splitlines()) == 1
    assert seconds < SECONDS / 2
    assert not (tmp_path / "out").exists()


def test_a_hostile_answers_file_in_the_repository_is_refused(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    bomb = textwrap.indent(alias_bomb(), "  ")
    (repo / ".mlrig-answers.yml").write_text(
        f"template: ml-repo\nanswers:\n{bomb}", encoding="utf-8"
    )
    for command in (("update", "--dry-run"), ("add", "dependabot")):
        code, err, _ = mlrig(*command, "-C", repo)
        assert code == 2, err
        assert err.startswith(f"mlrig: error: {repo / '.mlrig-answers.yml'}:")
        assert "aliases expand to more than 100000 nodes" in err
    assert sorted(p.name for p in repo.iterdir()) == [".mlrig-answers.yml"]


def test_python_version_3_10_is_text(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("python_version: 3.10\ncuda_version: 12.4\n", encoding="utf-8")
    result = run_mlrig("new", "--no-input", "-o", tmp_path / "out", "--answers", answers)
    assert result.code == 0, result.err
    repo = tmp_path / "out" / "my-ml-project"
    record = yaml.safe_load((repo / ".mlrig-answers.yml").read_text(encoding="utf-8"))
    assert record["answers"]["python_version"] == "3.10"
    assert record["answers"]["cuda_version"] == "12.4"
    assert (repo / ".python-version").read_text(encoding="utf-8") == "3.10\n"


def test_python_version_3_10_in_a_repositorys_answers_file(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = tmp_path / "legacy"
    repo.mkdir()
    (repo / ".mlrig-answers.yml").write_text(
        "template: ml-repo\nanswers:\n  project_name: Legacy\n  python_version: 3.10\nfiles: {}\n",
        encoding="utf-8",
    )
    result = run_mlrig("add", "dependabot", "-C", repo)
    assert result.code == 0, result.err
    record = yaml.safe_load((repo / ".mlrig-answers.yml").read_text(encoding="utf-8"))
    assert record["answers"]["python_version"] == "3.10"


@pytest.fixture
def template(tmp_path: Path) -> Path:
    copy = tmp_path / "template"
    shutil.copytree(
        REPO_ROOT / "templates" / "ml-repo", copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    return copy


@pytest.mark.parametrize("hook", ["pre_gen_project.py", "post_gen_project.py"])
def test_a_hook_with_a_syntax_error_names_file_and_line(
    tmp_path: Path, template: Path, run_mlrig: RunMlrig, hook: str
) -> None:
    path = template / "hooks" / hook
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(10, "def broken(:\n")
    path.write_text("".join(lines), encoding="utf-8")
    result = run_mlrig("new", "--no-input", "-o", tmp_path / "out", "--template", template)
    assert result.code == 1
    assert result.err.startswith(
        f"mlrig: error: {path}:11: the template's hook is not valid Python"
    )
    assert len(result.err.splitlines()) == 1
    assert not (tmp_path / "out" / "my-ml-project").exists()


def test_a_file_size_limit_while_writing_leaves_nothing(tmp_path: Path) -> None:
    """``ulimit -f``: the first large file fails (EFBIG), as a full disk would."""
    out = tmp_path / "out"
    code, err, _ = mlrig("new", "--no-input", "-o", out, file_limit=4096)
    assert code == 1, err
    assert "File too large; nothing was written" in err
    assert len(err.splitlines()) == 1
    assert list(out.iterdir()) == []
    code, err, _ = mlrig("new", "--no-input", "-o", out)
    assert code == 0, err
    assert (out / "my-ml-project" / ".mlrig-answers.yml").is_file()


def _unprivileged() -> list[str]:
    """The command prefix that drops root (root writes into any folder)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv", path="/usr/bin:/bin")
    assert setpriv is not None, "setpriv (util-linux) is needed to run as an unprivileged user"
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_an_unwritable_output_folder_is_a_user_error() -> None:
    with tempfile.TemporaryDirectory(prefix="mlrig-unwritable-") as scratch:
        base = Path(scratch)
        base.chmod(0o755)  # the unprivileged user must reach the folder
        locked = base / "locked"
        locked.mkdir(mode=0o555)
        done = subprocess.run(
            [*_unprivileged(), sys.executable, "-m", "toolkit", "new", "--no-input", "-o", locked],
            cwd=base,
            capture_output=True,
            text=True,
            timeout=SECONDS,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr == (
            f"mlrig: error: {locked}: cannot create my-ml-project here (Permission denied)\n"
        )
        assert list(locked.iterdir()) == []


NO_TMPFS = "cannot mount a small tmpfs here (needs root or user namespaces)"
FULL_DISK = """mount -t tmpfs -o size=64k tmpfs "$1" || exit 99
"$2" -m toolkit new --no-input -o "$1/out" 2>"$1.err"
code=$?
ls -A "$1/out"
exit $code
"""


def test_a_full_disk_leaves_nothing(tmp_path: Path) -> None:
    """A 64 KiB tmpfs fills up (ENOSPC) while the repository is rendered beside its target."""
    unshare = shutil.which("unshare", path="/usr/bin:/bin")
    flags = ["-m"] if os.geteuid() == 0 else ["-Urm"]
    if unshare is None or subprocess.run([unshare, *flags, "true"], check=False).returncode:
        pytest.skip(NO_TMPFS)
    disk = tmp_path / "disk"
    disk.mkdir()
    command = [unshare, *flags, "sh", "-c", FULL_DISK, "sh", str(disk), sys.executable]
    done = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS, check=False)
    if done.returncode == 99:
        pytest.skip(NO_TMPFS)
    err = (tmp_path / "disk.err").read_text(encoding="utf-8")
    assert done.returncode == 1, err
    assert err.endswith(": No space left on device; nothing was written\n")
    assert len(err.splitlines()) == 1
    assert done.stdout == ""  # the output folder is empty
