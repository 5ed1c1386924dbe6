"""The trust boundary (toolkit/boundary.py): what ``mlrig check`` and ``lineage`` may read.

A pull request can add links out of the repository, special files and files
nobody may read. Each is one finding, never opened, in bounded time and memory,
and nothing read outside the repository appears in any output format.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.check.helpers import WORKFLOW, build_file_tree, git_tree, mlrig, workflow

SECRET = "AWS_SECRET_ACCESS_KEY=do-not-print-me"
FORMATS = ("text", "json", "sarif", "github")
UNPINNED = workflow("      - uses: actions/checkout@v4\n")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside" / "secret.env"
    outside.parent.mkdir()
    outside.write_text(f"{SECRET}\n", encoding="utf-8")
    return outside


@pytest.mark.parametrize("name", ["constraints-x.txt", "requirements-ci.txt", WORKFLOW])
def test_a_link_out_of_the_repository_is_a_finding_and_never_printed(
    tmp_path: Path, secret: Path, name: str
) -> None:
    tree = git_tree(tmp_path / "repo", {})
    (tree / name).parent.mkdir(parents=True, exist_ok=True)
    (tree / name).symlink_to(secret)
    for output_format in FORMATS:
        run = mlrig("check", "--format", output_format, cwd=tree, timeout=30)
        assert run.code == 1, run.err
        assert SECRET not in run.out + run.err
        assert "do-not-print-me" not in run.out + run.err
    text = mlrig("check", cwd=tree).out
    assert text.splitlines()[0] == (
        f"{name}:1:1: MLR001 not read: a symbolic link to a path outside the repository"
    )


def test_a_link_inside_the_repository_is_read(tmp_path: Path) -> None:
    tree = git_tree(tmp_path / "repo", {"shared/ci.yml": UNPINNED})
    (tree / ".github/workflows").mkdir(parents=True)
    (tree / WORKFLOW).symlink_to(tree / "shared/ci.yml")
    run = mlrig("check", cwd=tree)
    assert run.out.splitlines() == [
        f"{WORKFLOW}:7:15: GHA001 actions/checkout is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)",
        "Found 1 finding in 1 file. 1 fixable with --fix.",
    ]


@pytest.mark.parametrize("target", ["inside", "outside"])
def test_a_link_to_a_folder_is_a_finding_not_a_silent_pass(tmp_path: Path, target: str) -> None:
    """A committed ``.github/workflows`` that links to a folder hides what is behind it."""
    outside = build_file_tree(tmp_path / "elsewhere", {"ci.yml": UNPINNED})
    tree = git_tree(tmp_path / "repo", {"wf/ci.yml": UNPINNED, "README.md": "x\n"})
    (tree / ".github").mkdir()
    (tree / ".github/workflows").symlink_to(tree / "wf" if target == "inside" else outside)
    subprocess.run(["git", "-C", str(tree), "add", "-A"], check=True)
    run = mlrig("check", "--no-cache", "--select", "MLR001", cwd=tree)
    assert run.code == 1
    assert ".github/workflows:1:1: MLR001 not read: a symbolic link to a folder" in run.out


def _bounded(tree: Path, *args: str) -> tuple[int, str]:
    """Run mlrig with a 20 s timeout and a 1 GiB address-space limit."""
    import resource

    def limit() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    command = [sys.executable, "-m", "toolkit", *args]
    done = subprocess.run(
        command, cwd=tree, capture_output=True, text=True, timeout=20, preexec_fn=limit, check=False
    )
    return done.returncode, done.stdout + done.stderr


def test_a_link_to_dev_zero_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    tree = git_tree(tmp_path / "repo", {})
    (tree / "requirements.txt").symlink_to("/dev/zero")
    code, output = _bounded(tree, "check", "--no-cache")
    assert code == 1
    assert "requirements.txt:1:1: MLR001 not read: a symbolic link to a path outside" in output


def test_a_fifo_named_like_a_workflow_does_not_hang_check_or_lineage(tmp_path: Path) -> None:
    tree = build_file_tree(tmp_path / "repo", {"README.md": "x\n"})  # no git: git lists no FIFOs
    (tree / ".github/workflows").mkdir(parents=True)
    os.mkfifo(tree / WORKFLOW)
    (tree / "deploy").mkdir()
    os.mkfifo(tree / "deploy/staging.yaml")
    code, output = _bounded(tree, "check", "--no-cache")
    assert code == 1
    assert f"{WORKFLOW}:1:1: MLR001 not read: a named pipe (FIFO), not a regular file" in output
    code, output = _bounded(tree, "check", "--no-cache", WORKFLOW)
    assert (code, "not read: a named pipe (FIFO)" in output) == (1, True)
    code, output = _bounded(tree, "lineage")
    assert code == 1
    assert output == (
        "mlrig: error: deploy/staging.yaml:1: cannot read the pin: "
        "not read: a named pipe (FIFO), not a regular file\n"
    )


def test_a_device_node_is_refused(tmp_path: Path) -> None:
    tree = build_file_tree(tmp_path / "repo", {})
    (tree / ".github/workflows").mkdir(parents=True)
    try:
        os.mknod(tree / WORKFLOW, 0o600 | 0o020000, os.makedev(1, 5))  # a /dev/zero
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD, which this user does not have")
    code, output = _bounded(tree, "check", "--no-cache")
    assert code == 1
    assert f"{WORKFLOW}:1:1: MLR001 not read: a device, not a regular file" in output


def test_a_configuration_that_is_a_link_out_is_a_configuration_error(
    tmp_path: Path, secret: Path
) -> None:
    tree = git_tree(tmp_path / "repo", {})
    (tree / "mlrig.toml").symlink_to(secret)
    run = mlrig("check", cwd=tree)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "mlrig: error: mlrig.toml:1:1: not read: a symbolic link to a path outside the repository\n"
    )


# -- outside git the root is the folder given, never the current folder -------------


def test_outside_git_the_root_is_the_folder_given_not_the_current_one(tmp_path: Path) -> None:
    here = build_file_tree(
        tmp_path / "here",
        {
            "mlrig.toml": 'select = ["PY"]\n',  # would hide GHA001 if it were read
            "stray/.github/workflows/ci.yml": UNPINNED,  # would be walked if "here" were the root
            f"project/{WORKFLOW}": UNPINNED,
        },
    )
    run = mlrig("check", "--no-cache", "project", cwd=here)
    assert run.out.splitlines() == [
        f"{WORKFLOW}:7:15: GHA001 actions/checkout is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)",
        "Found 1 finding in 1 file. 1 fixable with --fix.",
    ]


def test_from_the_filesystem_root_only_the_folder_given_is_walked(tmp_path: Path) -> None:
    tree = build_file_tree(tmp_path / "project", {WORKFLOW: UNPINNED})
    run = mlrig("check", "--no-cache", tree, cwd=Path("/"), timeout=60)
    assert run.out.splitlines() == [
        f"{WORKFLOW}:7:15: GHA001 actions/checkout is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)",
        "Found 1 finding in 1 file. 1 fixable with --fix.",
    ]


# -- unreadable files and folders, as an unprivileged user ----------------------------


def _unprivileged() -> list[str]:
    """The command prefix that runs as ``nobody``, or a skip with the reason."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0:
        if os.access("/", os.W_OK):
            pytest.skip("running as a user who can read everything, and not as root")
        return []  # already unprivileged: permissions apply as they are
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed, so root cannot drop privileges")
    return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's own is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="mlrig-boundary-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder)


def _as_nobody(prefix: list[str], tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tree), "MLRIG_CACHE_DIR": str(tree.parent / "cache")}
    # git refuses a repository of another user unless told it is safe.
    env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="safe.directory", GIT_CONFIG_VALUE_0="*")
    command = [*prefix, sys.executable, "-m", "toolkit", "check", "--no-cache", *args]
    return subprocess.run(
        command, cwd=tree, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_an_unreadable_workflow_fails_the_run(shared_tmp: Path) -> None:
    prefix = _unprivileged()
    tree = build_file_tree(shared_tmp / "repo", {WORKFLOW: UNPINNED})
    for folder in (tree, tree / ".github", tree / ".github/workflows"):
        folder.chmod(0o755)
    (tree / WORKFLOW).chmod(0o000)
    done = _as_nobody(prefix, tree)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines() == [
        f"{WORKFLOW}:1:1: MLR001 not read: permission denied",
        "Found 1 finding in 1 file.",
    ]


def test_an_unreadable_folder_fails_the_run(shared_tmp: Path) -> None:
    prefix = _unprivileged()
    tree = build_file_tree(shared_tmp / "repo", {"locked/.github/workflows/ci.yml": UNPINNED})
    tree.chmod(0o755)
    (tree / "locked").chmod(0o700)
    done = _as_nobody(prefix, tree)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines() == [
        "locked:1:1: MLR001 not read: a folder mlrig may not open",
        "Found 1 finding in 1 file.",
    ]


def test_an_unreadable_folder_in_a_git_work_tree_fails_the_run(shared_tmp: Path) -> None:
    """git lists what it can read and only warns about the rest: the warning is a finding."""
    prefix = _unprivileged()
    tree = git_tree(shared_tmp / "repo", {"open/.github/workflows/ci.yml": UNPINNED})
    build_file_tree(tree, {"locked/.github/workflows/ci.yml": UNPINNED})
    for folder in (tree, tree / "open", tree / "open/.github", tree / "open/.github/workflows"):
        folder.chmod(0o755)
    (tree / "locked").chmod(0o700)
    done = _as_nobody(prefix, tree)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines() == [
        "locked:1:1: MLR001 not read: a folder mlrig may not open",
        "open/.github/workflows/ci.yml:7:15: GHA001 actions/checkout is pinned to tag v4, "
        "not to a commit SHA; pin the SHA (--fix)",
        "Found 2 findings in 2 files. 1 fixable with --fix.",
    ]
