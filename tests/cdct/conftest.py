"""Generated repositories for the CD/CT tests, rendered once per answer set per session.

``MLRIG_TEMPLATE`` may name another template folder (a checkout of an older or
newer template); by default the bundled ``ml-repo`` is used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cdct.registry_stubs import AWS_CREDENTIALS, boto_args
from tests.terraform.aws_local import moto_server
from tests.tools import tool
from tests.venvs import bin_path, built_once, make_venv
from toolkit.generate import NewOptions, run_new

Render = Callable[..., Path]
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def _key(answers: Mapping[str, str]) -> str:
    return "-".join(f"{k}={v}" for k, v in sorted(answers.items())) or "defaults"


@pytest.fixture(scope="session")
def render(tmp_path_factory: pytest.TempPathFactory) -> Render:
    """``render(**answers)``: a pristine generated repository (do not modify it; copy it)."""
    cache: dict[str, Path] = {}
    template = os.environ.get("MLRIG_TEMPLATE", "ml-repo")

    def _render(**answers: str) -> Path:
        key = _key(answers)
        if key not in cache:
            parent = tmp_path_factory.mktemp("cdct")
            options = NewOptions(
                output_dir=parent, no_input=True, overrides=dict(answers), template=template
            )
            cache[key] = run_new(options).path
        return cache[key]

    return _render


def copy_repo(source: Path, target: Path) -> Path:
    """A writable copy of a rendered repository, made a git repository with one commit."""
    shutil.copytree(source, target)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "generated")
    return target


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_IDENTITY}
    command = ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args]
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def run(
    command: list[str | Path], cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` (never raises on failure) and capture its output as text."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def script(name: str) -> str:
    """An executable installed in this venv (a failure when missing)."""
    return tool(name)


S3_CREDENTIALS = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "region_name": "us-east-1",
}


@contextmanager
def moto_s3(
    bucket: str, server_module: str = "moto.server", env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """A moto S3 server on a free loopback port holding ``bucket``; yields its URL.
    ``server_module`` runs it (``tests.cdct.moto_sagemaker`` adds UpdateEndpoint); ``env``
    adds to its environment (``MOTO_RECORDER_FILEPATH``: where it records requests)."""
    import boto3

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", server_module, "-H", "127.0.0.1", "-p", str(port)]
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        command,
        cwd=root,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        client = boto3.client("s3", endpoint_url=url, **S3_CREDENTIALS)
        for _ in range(100):
            try:
                client.create_bucket(Bucket=bucket)
                break
            except Exception:  # the server is still starting
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def aws_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the real AWS CLI, installed from PyPI in a venv of its own."""
    folder = built_once(tmp_path_factory, "awscli", lambda f: make_venv(f, "awscli==1.46.2"))
    return bin_path(folder, "aws").parent


@pytest.fixture
def ecr() -> Iterator[str]:
    """moto's server with the serving repository, immutable tags as the module makes it."""
    import boto3

    with moto_server() as endpoint:
        client = boto3.client("ecr", endpoint_url=endpoint, **boto_args(AWS_CREDENTIALS))
        client.create_repository(
            repositoryName="my-ml-project-serve", imageTagMutability="IMMUTABLE"
        )
        yield endpoint
