"""The model server loads only the pinned model: the file's md5 is checked before it is read.

A trained repository's server runs on 127.0.0.1 with ``MODEL_VERSION`` the md5 that
``dvc.lock`` (and so the pin) records, as every deploy sets it. A model file that anyone
with write access to the bucket replaced, here a pickle that would create a marker file
the moment it is unpickled, is refused with one line naming both md5s, and the server
exits 1 without unpickling it.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cdct.conftest import Render, run
from tests.cdct.test_serve import NAME, Server, _trained, infer_body, model_md5, server_command

pytestmark = pytest.mark.slow


class Planted:
    """Unpickled, it creates ``marker``: what a swapped model could run in production."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


@pytest.fixture(scope="module")
def trained(
    render: Render, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict[str, str]]]:
    pytest.importorskip("sklearn")
    repo, env = _trained(render, "sklearn", tmp_path_factory.mktemp("pinned") / "repo")
    yield repo, env


def tampered(repo: Path, target: Path) -> tuple[Path, Path, str]:
    """A copy of ``repo`` whose model file is a planted pickle: (copy, marker, pinned md5)."""
    shutil.copytree(repo, target)
    marker = target / "unpickled"
    (target / "models/model.joblib").write_bytes(pickle.dumps(Planted(marker)))
    return target, marker, model_md5(repo)


def test_the_pinned_model_serves_from_the_file_kserve_makes_of_the_pin(
    trained: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """KServe's storage initializer saves the object as /mnt/models/<md5 minus 2 hex>."""
    repo, env = trained
    md5 = model_md5(repo)
    initialised = tmp_path / md5[2:]
    shutil.copyfile(repo / "models/model.joblib", initialised)
    server = Server(repo, {**env, "MLSERVER_MODEL_URI": str(initialised), "MODEL_VERSION": md5})
    try:
        code, answer = server.post(f"/v2/models/{NAME}/infer", infer_body([[0.5] * 8]))
        assert code == 200, answer
    finally:
        server.stop()


def test_a_swapped_model_is_refused_before_it_is_unpickled(
    trained: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    repo, env = trained
    copy, marker, md5 = tampered(repo, tmp_path / "repo")
    actual = __import__("hashlib").md5((copy / "models/model.joblib").read_bytes()).hexdigest()
    done = run(server_command(), copy, {**env, "MODEL_VERSION": md5})
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"serve: models/model.joblib: md5 {actual} is not the pinned {md5}; refusing to load it\n"
    )
    assert not marker.exists()


def test_the_planted_pickle_runs_when_loaded_unchecked(
    trained: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The control: the same file, served with ``--unpinned`` (no pin to compare with), is
    unpickled and creates the marker; so the refusal above is what kept it from running."""
    repo, env = trained
    copy, marker, _ = tampered(repo, tmp_path / "repo")
    unpinned = {k: v for k, v in env.items() if k != "MODEL_VERSION"}
    process = subprocess.Popen(
        [str(part) for part in server_command("--unpinned")],
        cwd=copy,
        env=unpinned,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(f"serving {NAME} on 127.0.0.1:")
        assert marker.exists()
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (
            None,
            "serve: models/model.joblib: no pinned md5 to check it against: set $MODEL_VERSION"
            " to the pin's model.md5 (or pass --unpinned for a model you trained yourself)",
        ),
        (
            "0" * 32 + ".dir",
            f"serve: $MODEL_VERSION '{'0' * 32}.dir' is a directory's md5: this server"
            " loads and verifies one file; pin a single-file model",
        ),
        ("canary-0001", "serve: $MODEL_VERSION 'canary-0001' is not the md5 of a file"),
    ],
)
def test_no_pin_or_a_pin_that_is_no_file_md5_is_refused(
    trained: tuple[Path, dict[str, str]], version: str | None, message: str
) -> None:
    repo, env = trained
    environ = {k: v for k, v in env.items() if k != "MODEL_VERSION"}
    if version is not None:
        environ["MODEL_VERSION"] = version
    done = run(server_command(), repo, environ)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", message + "\n")
