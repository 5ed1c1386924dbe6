"""The request logger's sink (``python -m serve.capture``) on 127.0.0.1: it makes the hour
folders of a ``file://`` target, and a storage failure is a 503 the logger sees, never a
dropped connection (here each event is a batch of its own, so that it is written at once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cdct.conftest import Render, copy_repo

pytestmark = pytest.mark.slow  # renders a repository and starts the sink


@contextmanager
def sink(repo: Path, target: str) -> Iterator[str]:
    """The generated repository's sink writing to ``target``; its URL."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo / "src"), str(repo)])}
    command = [sys.executable, "-m", "serve.capture", "--target", target, "--batch-events", "1"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", "0"],
        cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"capturing to {target} on 127.0.0.1:"), line
        yield "http://127.0.0.1:" + line.rsplit(":", 1)[1].strip()
    finally:
        process.terminate()
        process.communicate(timeout=10)


def post(url: str) -> tuple[int, str]:
    """One request CloudEvent, in binary mode, as KServe's logger sends it."""
    body = {"inputs": [{"name": "features", "shape": [1, 2], "datatype": "FP64", "data": [1, 2]}]}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Ce-Id", "abc-1")
    request.add_header("Ce-Type", "org.kubeflow.serving.inference.request")
    request.add_header("Ce-Inferenceservicename", "my-ml-project")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_file_target_gets_its_folders_and_a_storage_error_is_a_503(
    render: Render, tmp_path: Path
) -> None:
    repo = copy_repo(render(cloud="none"), tmp_path / "repo")
    target = tmp_path / "nothing-yet" / "monitoring" / "kserve" / "staging"
    with sink(repo, target.as_uri()) as url:
        assert post(url) == (202, "accepted")
    (stored,) = [path for path in target.rglob("*") if path.is_file()]
    assert stored.name.startswith("my-ml-project-") and stored.name.endswith(".jsonl")
    (event,) = [json.loads(line) for line in stored.read_text(encoding="utf-8").splitlines()]
    assert (event["id"], event["data"]["inputs"][0]["data"]) == ("abc-1", [1, 2])
    assert stored.parents[4] == target  # yyyy/mm/dd/hh

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with sink(repo, (blocker / "kserve").as_uri()) as url:
        code, text = post(url)
        assert code == 503
        assert text.startswith("cannot store the event: ")
        assert post(url)[0] == 503  # the sink still answers
    assert blocker.read_text(encoding="utf-8") == "not a folder"
