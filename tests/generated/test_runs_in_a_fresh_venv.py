"""The generated aws repository works as its README says, in a fresh virtual environment.

It installs from its lock by hash, its own tests and lint pass, ``dvc repro``
runs with every proxy pointing at a closed port (so any network use fails), and
``dvc push``/``dvc pull`` round-trip through an S3 endpoint that moto serves on
127.0.0.1.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.generated.conftest import commit_all, generate_into, git, install_project, run, venv_env
from tests.venvs import bin_path

pytestmark = pytest.mark.slow

BUCKET = "my-ml-project-dvc"
DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
CLOSED = "http://127.0.0.1:9"
OFFLINE = {"HTTP_PROXY": CLOSED, "HTTPS_PROXY": CLOSED, "http_proxy": CLOSED, "https_proxy": CLOSED}
ARTIFACTS = ("data/prepared/train.csv", "data/prepared/test.csv", "models/model.joblib")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("moto server exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            time.sleep(0.2)
        else:
            return
    raise TimeoutError(f"moto server did not listen on 127.0.0.1:{port}")


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    """``python -m moto.server`` on a free local port, with the DVC bucket created."""
    pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, process)
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def aws_repo(tmp_path: Path, aws_venv: Path) -> Path:
    repo = generate_into(tmp_path / "gen", cloud="aws")
    commit_all(repo)
    install_project(aws_venv, repo)
    return repo


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_own_tests_and_lint_pass(aws_repo: Path, aws_venv: Path) -> None:
    env = venv_env(aws_venv, **OFFLINE)
    python = bin_path(aws_venv, "python")
    assert " passed" in ok(
        run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], aws_repo, env)
    )
    ok(run(["ruff", "check", "--no-cache", "."], aws_repo, env))
    ok(run(["ruff", "format", "--no-cache", "--check", "."], aws_repo, env))


def test_dvc_repro_runs_offline_and_writes_metrics(aws_repo: Path, aws_venv: Path) -> None:
    env = venv_env(aws_venv, **OFFLINE)
    ok(run(["dvc", "repro"], aws_repo, env))
    metrics = (aws_repo / "metrics.json").read_text(encoding="utf-8")
    assert '"accuracy"' in metrics
    assert (aws_repo / "dvc.lock").is_file()
    assert "up to date" in ok(run(["dvc", "status"], aws_repo, env))
    changed = git(aws_repo, "status", "--porcelain").splitlines()
    assert sorted(changed) == ["?? dvc.lock", "?? eval/", "?? metrics.json"]  # eval/: plots data


def test_dvc_push_then_pull_into_a_clean_clone(
    aws_repo: Path, aws_venv: Path, s3_endpoint: str, tmp_path: Path
) -> None:
    env = venv_env(aws_venv, **DUMMY_AWS)
    ok(run(["dvc", "repro"], aws_repo, env))
    commit_all(aws_repo, "reproduce the pipeline")
    ok(
        run(
            ["dvc", "remote", "modify", "--local", "storage", "endpointurl", s3_endpoint],
            aws_repo,
            env,
        )
    )
    ok(run(["dvc", "push"], aws_repo, env))

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(aws_repo), str(clone))
    assert not (clone / "models" / "model.joblib").exists()
    ok(
        run(
            ["dvc", "remote", "modify", "--local", "storage", "endpointurl", s3_endpoint],
            clone,
            env,
        )
    )
    ok(run(["dvc", "pull"], clone, env))
    for artifact in ARTIFACTS:
        assert (clone / artifact).read_bytes() == (aws_repo / artifact).read_bytes(), artifact
    assert "up to date" in ok(run(["dvc", "status"], clone, env))


def test_cloud_none_round_trips_through_the_local_remote(aws_venv: Path, tmp_path: Path) -> None:
    """The ``none`` answer's remote is a folder beside the repository (``../<slug>-dvc-remote``)."""
    repo = generate_into(tmp_path / "gen", cloud="none")
    commit_all(repo)
    install_project(aws_venv, repo)
    env = venv_env(aws_venv, **OFFLINE)
    ok(run(["dvc", "repro"], repo, env))
    commit_all(repo, "reproduce the pipeline")
    ok(run(["dvc", "push"], repo, env))
    assert (tmp_path / "gen" / "my-ml-project-dvc-remote" / "files").is_dir()
    clone = tmp_path / "gen" / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    ok(run(["dvc", "pull"], clone, env))
    for artifact in ARTIFACTS:
        assert (clone / artifact).read_bytes() == (repo / artifact).read_bytes(), artifact
