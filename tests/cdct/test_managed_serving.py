"""What the serving container needs on each managed endpoint.

SageMaker calls every container at ``GET /ping`` and ``POST /invocations``; Vertex AI
copies the Model's artifacts to ``$AIP_STORAGE_URI`` and leaves the download to the
container, so the gcp managed image carries google-cloud-storage (from the lock).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cdct.conftest import Render, run
from tests.cdct.test_serve import Server, _trained, infer_body

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(render: Render, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    pytest.importorskip("sklearn")
    repo, env = _trained(render, "sklearn", tmp_path_factory.mktemp("sm") / "repo")
    served = Server(repo, env)
    try:
        yield served
    finally:
        served.stop()


def test_sagemaker_routes_answer_like_the_v2_ones(server: Server) -> None:
    assert server.get("/ping") == (200, b'{"ready": true}')
    body = infer_body([[0.1] * 8, [-0.4] * 8])
    code, invoked = server.post("/invocations", body)
    assert code == 200
    assert invoked == server.post("/v2/models/my-ml-project/infer", body)[1]
    assert [o["name"] for o in invoked["outputs"]] == ["probability", "label"]


class Bucket:
    def __init__(self, calls: list[tuple[str, ...]]) -> None:
        self.calls = calls

    def bucket(self, name: str) -> Any:
        self.calls.append(("bucket", name))
        return self

    def blob(self, key: str) -> Any:
        self.calls.append(("blob", key))
        return self

    def download_to_filename(self, path: str) -> None:
        self.calls.append(("download_to_filename", path))
        Path(path).write_bytes(b"model")


def test_the_vertex_container_downloads_its_model_from_aip_storage_uri(
    render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = render(cloud="gcp", deploy_target="managed")
    monkeypatch.syspath_prepend(str(repo))
    sys.modules.pop("serve.fetch_model", None)
    from serve import fetch_model  # the generated module

    try:
        monkeypatch.delenv("AIP_STORAGE_URI", raising=False)
        assert fetch_model.from_vertex(tmp_path, Bucket([])) is None
        monkeypatch.setenv("AIP_STORAGE_URI", "gs://caip-abc/model/artifacts")
        calls: list[tuple[str, ...]] = []
        path = fetch_model.from_vertex(tmp_path / "m", Bucket(calls))
        assert path == tmp_path / "m/model.joblib" and path.read_bytes() == b"model"
        assert calls == [
            ("bucket", "caip-abc"),
            ("blob", "model/artifacts/model.joblib"),
            ("download_to_filename", str(tmp_path / "m/model.joblib")),
        ]
    finally:
        for name in [n for n in sys.modules if n == "serve" or n.startswith("serve.")]:
            del sys.modules[name]


@pytest.mark.parametrize(
    ("cloud", "target", "extra"),
    [
        ("gcp", "managed", "google-cloud-storage"),  # Vertex AI: serve/fetch_model.py
        ("aws", "managed", None),  # SageMaker and Azure ML mount the model
        ("azure", "managed", None),
        ("aws", "kserve", "s3fs"),  # serve/capture.py, the request logger's sink
        ("gcp", "kserve", "gcsfs"),
        ("azure", "kserve", "adlfs"),
        ("none", "kserve", None),
    ],
)
def test_the_image_carries_the_storage_client_its_target_needs(
    render: Render, cloud: str, target: str, extra: str | None
) -> None:
    repo = render(cloud=cloud, deploy_target=target)
    dockerfile = (repo / "serve/Dockerfile").read_text(encoding="utf-8")
    found = re.search(r"python lock_subset\.py (\S+) ([a-z0-9 -]+) > serving\.txt", dockerfile)
    assert found is not None
    roots = found[2].split()
    base = ["numpy", "scikit-learn", "joblib", "prometheus-client"]
    assert roots == base + ([extra] if extra else [])
    assert "serve/capture.py serve/fetch_model.py" in dockerfile
    done = run([sys.executable, "serve/lock_subset.py", found[1], *roots], repo)
    assert done.returncode == 0, done.stderr
    names = set(re.findall(r"^([a-z0-9-]+)==", done.stdout, flags=re.MULTILINE))
    assert set(roots) <= names
    assert {"dvc", "pytest", "ruff"}.isdisjoint(names)
