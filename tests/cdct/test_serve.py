"""The generated model server, trained and started from the repository's own code.

A repository is rendered, ``dvc repro`` trains it offline, and ``serve.server`` runs on
127.0.0.1 with the repository's ``src/`` on the path; real KServe v2 requests get the
answers the repository's own ``model.predict_proba`` gives, and ``/metrics`` counts them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cdct.conftest import Render, copy_repo, run
from tests.cdct.dashboard import alerts, dashboard, exported, metric_names, queries, records

pytestmark = pytest.mark.slow
NAME = "my-ml-project"
PACKAGE = "my_ml_project"
ROWS = 25
# The answers the repository's own code gives for the first ROWS test rows.
EXPECTED = """
import json
from pathlib import Path
from {package}.data import read_table
from {package}.model import load, predict_proba
from {package}.params import MODEL_FILE
features, _, _ = read_table(Path("data/prepared/test.csv"))
rows = features[:{rows}]
print(json.dumps({{"rows": rows.tolist(), "scores": predict_proba(load(MODEL_FILE), rows).tolist()}}))
"""


def server_command(*extra: str) -> list[str]:
    """``python -m serve.server`` on free loopback ports (inference and feedback)."""
    command = [sys.executable, "-m", "serve.server", "--model_name", NAME, "--model_dir"]
    command += ["models", "--host", "127.0.0.1", "--http_port", "0", "--feedback_port", "0"]
    return [*command, *extra]


class Server:
    """``python -m serve.server`` of a trained repository, on a free loopback port, with
    ``MODEL_VERSION`` the md5 dvc.lock records (as each deploy sets it from the pin) unless
    ``env`` gives one."""

    def __init__(self, repo: Path, env: dict[str, str], version: str = "") -> None:
        env = {"MODEL_VERSION": model_md5(repo), **env}
        self.version = version or env["MODEL_VERSION"]  # the label its metrics should carry
        self.process = subprocess.Popen(
            server_command(), cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith(f"serving {NAME} on 127.0.0.1:"), self.process.stderr.read()  # type: ignore[union-attr]
        self.url = "http://127.0.0.1:" + line.rsplit(":", 1)[1].strip()
        line = self.process.stdout.readline()
        assert line.startswith("feedback on 127.0.0.1:"), line
        self.feedback_url = "http://127.0.0.1:" + line.rsplit(":", 1)[1].strip()

    def get(self, path: str) -> tuple[int, bytes]:
        return self._open(urllib.request.Request(self.url + path))

    def post(self, path: str, body: object, url: str = "") -> tuple[int, Any]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request((url or self.url) + path, data=data, method="POST")
        request.add_header("Content-Type", "application/json")
        code, payload = self._open(request)
        return code, json.loads(payload)

    @staticmethod
    def _open(request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return int(answer.status), bytes(answer.read())
        except urllib.error.HTTPError as error:
            return int(error.code), bytes(error.read())

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=10)


def _trained(render: Render, framework: str, target: Path) -> tuple[Path, dict[str, str]]:
    repo = copy_repo(render(cloud="none", ml_framework=framework), target)
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PYTHONPATH": str(repo / "src"),
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        "DVC_NO_ANALYTICS": "1",
    }
    done = run([Path(bindir) / "dvc", "repro"], repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    return repo, env


@pytest.fixture(scope="module", params=["sklearn", "pytorch"])
def served(
    request: pytest.FixtureRequest, render: Render, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, dict[str, Any], str]]:
    framework = str(request.param)
    if framework == "pytorch":
        # The generated lock pins the CUDA torch wheel; the repository's own code runs
        # here on the torch (CPU) of the test environment.
        pytest.importorskip("torch", reason="the pytorch server needs torch in the test venv")
    repo, env = _trained(render, framework, tmp_path_factory.mktemp("serve") / "repo")
    script = EXPECTED.format(package=PACKAGE, rows=ROWS)
    expected = run([sys.executable, "-c", script], repo, env)
    assert expected.returncode == 0, expected.stderr
    # As each overlay sets it from the pin: the md5 dvc.lock records for the model.
    version = model_md5(repo)
    server = Server(repo, {**env, "MODEL_VERSION": version}, version)
    server.repo, server.env = repo, env  # type: ignore[attr-defined]
    try:
        yield server, json.loads(expected.stdout), framework
    finally:
        server.stop()


def model_md5(repo: Path) -> str:
    """The md5 ``dvc.lock`` records for the trained model (``models/``)."""
    import yaml

    lock = yaml.safe_load((repo / "dvc.lock").read_text(encoding="utf-8"))
    (md5,) = [
        out["md5"]
        for stage in lock["stages"].values()
        for out in stage.get("outs", [])
        if out["path"].startswith("models/")
    ]
    return str(md5)


def infer_body(rows: list[list[float]]) -> dict[str, Any]:
    flat = [value for row in rows for value in row]
    return {
        "id": "r1",
        "inputs": [
            {
                "name": "features",
                "shape": [len(rows), len(rows[0])],
                "datatype": "FP64",
                "data": flat,
            }
        ],
    }


def test_health_and_metadata(served: tuple[Server, dict[str, Any], str]) -> None:
    server, _, framework = served
    assert server.get("/v2/health/live") == (200, b'{"live": true}')
    assert server.get("/v2/health/ready") == (200, b'{"ready": true}')
    assert server.get(f"/v2/models/{NAME}/ready") == (
        200,
        b'{"name": "my-ml-project", "ready": true}',
    )
    code, body = server.get(f"/v2/models/{NAME}")
    assert code == 200
    assert json.loads(body) == {
        "name": NAME,
        "versions": [],
        "platform": framework,
        "inputs": [{"name": "features", "datatype": "FP64", "shape": [-1, 8]}],
        "outputs": [
            {"name": "probability", "datatype": "FP64", "shape": [-1]},
            {"name": "label", "datatype": "INT64", "shape": [-1]},
        ],
    }
    assert server.get("/v2/models/other")[0] == 404


def test_infer_answers_what_the_repository_code_predicts(
    served: tuple[Server, dict[str, Any], str],
) -> None:
    server, expected, _ = served
    before = _samples(server.get("/metrics")[1].decode())
    code, answer = server.post(f"/v2/models/{NAME}/infer", infer_body(expected["rows"]))
    assert code == 200, answer
    scores = expected["scores"]
    assert answer == {
        "model_name": NAME,
        "id": "r1",
        "outputs": [
            {"name": "probability", "shape": [ROWS], "datatype": "FP64", "data": scores},
            {
                "name": "label",
                "shape": [ROWS],
                "datatype": "INT64",
                "data": [int(s >= 0.5) for s in scores],
            },
        ],
    }
    assert 0 < sum(int(s >= 0.5) for s in scores) < ROWS  # both classes: a real model
    nested = infer_body(expected["rows"][:2])
    nested["inputs"][0]["data"] = expected["rows"][:2]
    # Nested rows give the same answers (to rounding: a smaller batch sums in another order).
    nested_scores = server.post(f"/v2/models/{NAME}/infer", nested)[1]["outputs"][0]["data"]
    assert nested_scores == pytest.approx(scores[:2], rel=1e-9)
    after = _samples(server.get("/metrics")[1].decode())
    grew = {key: after[key] - before.get(key, 0.0) for key in after}
    assert (
        grew[
            f'inference_requests_total{{code="200",model="{NAME}",route="infer",version="{server.version}"}}'
        ]
        == 2
    )
    assert (
        grew[f'inference_prediction_score_count{{model="{NAME}",version="{server.version}"}}']
        == ROWS + 2
    )
    assert (
        grew[
            f'inference_request_duration_seconds_count{{model="{NAME}",route="infer",version="{server.version}"}}'
        ]
        == 2
    )
    labelled = sum(
        grew[
            f'inference_predictions_total{{label="{label}",model="{NAME}",version="{server.version}"}}'
        ]
        for label in "01"
    )
    assert labelled == ROWS + 2


def test_bad_requests_are_client_errors_and_counted(
    served: tuple[Server, dict[str, Any], str],
) -> None:
    server, expected, _ = served
    route = f"/v2/models/{NAME}/infer"
    before = _samples(server.get("/metrics")[1].decode())
    narrow = infer_body([row[:7] for row in expected["rows"][:2]])
    assert server.post(route, narrow) == (
        400,
        {"error": "the model takes 8 features, the request has 7"},
    )
    assert server.post(route, b"{not json")[0] == 400
    text = infer_body(expected["rows"][:1])
    text["inputs"][0]["datatype"] = "BYTES"
    assert server.post(route, text) == (400, {"error": "datatype 'BYTES' is not numeric"})
    short = infer_body(expected["rows"][:2])
    short["inputs"][0]["data"] = short["inputs"][0]["data"][:-1]
    assert server.post(route, short) == (
        400,
        {"error": "data has 15 values, shape [2, 8] needs 16"},
    )
    after = _samples(server.get("/metrics")[1].decode())
    assert (
        after[f'inference_errors_total{{kind="client",model="{NAME}",version="{server.version}"}}']
        - before.get(
            f'inference_errors_total{{kind="client",model="{NAME}",version="{server.version}"}}',
            0.0,
        )
        == 4
    )
    assert (
        after[
            f'inference_requests_total{{code="400",model="{NAME}",route="infer",version="{server.version}"}}'
        ]
        >= 4
    )


def test_metrics_exports_latency_errors_throughput_and_predictions(
    served: tuple[Server, dict[str, Any], str],
) -> None:
    server, _, _ = served
    code, body = server.get("/metrics")
    assert code == 200
    families = {line.split()[2] for line in body.decode().splitlines() if line.startswith("# TYPE")}
    assert families >= {
        "inference_request_duration_seconds",
        "inference_requests_total",
        "inference_errors_total",
        "inference_prediction_score",
        "inference_predictions_total",
    }


def _samples(text: str) -> dict[str, float]:
    """The samples of a Prometheus text exposition, keyed by name and labels as written."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            samples[key] = float(value)
    return samples


def test_feedback_counts_past_predictions_by_outcome(
    served: tuple[Server, dict[str, Any], str],
) -> None:
    """On the feedback port only: the inference port, which the Service exposes to every
    client, has no feedback route."""
    server, _, _ = served
    route = f"/v2/models/{NAME}/feedback"
    before = _samples(server.get("/metrics")[1].decode())
    good = {"predicted": [1, 0, 1], "actual": [1, 1, 1]}
    assert server.post(route, good) == (404, {"error": f"no route {route}"})
    assert server.post(route, good, server.feedback_url) == (
        200,
        {"model_name": NAME, "correct": 2, "incorrect": 1},
    )
    assert server.post(route, {"predicted": [1], "actual": []}, server.feedback_url) == (
        400,
        {"error": "'predicted' and 'actual' must be non-empty and of one length"},
    )
    infer = f"/v2/models/{NAME}/infer"
    assert server.post(infer, {}, server.feedback_url) == (404, {"error": f"no route {infer}"})
    after = _samples(server.get("/metrics")[1].decode())
    for outcome, count in (("correct", 2), ("incorrect", 1)):
        key = f'inference_feedback_total{{model="{NAME}",outcome="{outcome}",version="{server.version}"}}'
        assert after[key] - before.get(key, 0.0) == count


def test_a_smoke_request_is_answered_and_counted_apart_from_real_traffic(
    served: tuple[Server, dict[str, Any], str],
) -> None:
    """CD's smoke request (its v2 ``id`` starts with ``mlrig-smoke-``) gets the model's
    answer but counts under route ``smoke``: the dashboard's latency, error and throughput
    panels (route ``infer``) and the prediction distribution see real traffic only."""
    server, expected, _ = served
    body = {**infer_body([[0.0] * len(expected["rows"][0])]), "id": "mlrig-smoke-0123456789ab"}
    before = _samples(server.get("/metrics")[1].decode())
    code, answer = server.post(f"/v2/models/{NAME}/infer", body)
    assert (code, answer["id"]) == (200, "mlrig-smoke-0123456789ab")
    after = _samples(server.get("/metrics")[1].decode())
    grew = {key: value - before.get(key, 0.0) for key, value in after.items()}
    labels = f'model="{NAME}",route="smoke",version="{server.version}"'
    assert grew[f'inference_requests_total{{code="200",{labels}}}'] == 1
    assert grew[f"inference_request_duration_seconds_count{{{labels}}}"] == 1
    assert all('route="smoke"' in key for key, value in grew.items() if value)


def test_feature_moments_follow_the_inputs(served: tuple[Server, dict[str, Any], str]) -> None:
    server, expected, _ = served
    rows = expected["rows"][:4]
    before = _samples(server.get("/metrics")[1].decode())
    assert server.post(f"/v2/models/{NAME}/infer", infer_body(rows))[0] == 200
    after = _samples(server.get("/metrics")[1].decode())

    def grew(metric: str, feature: int) -> float:
        key = f'{metric}{{feature="{feature}",model="{NAME}",version="{server.version}"}}'
        return after[key] - before.get(key, 0.0)

    for feature in range(len(rows[0])):
        column = [row[feature] for row in rows]
        assert grew("inference_feature_observations_total", feature) == len(rows)
        mean = (
            grew("inference_feature_value_positive_total", feature)
            - grew("inference_feature_value_negative_total", feature)
        ) / len(rows)
        assert mean == pytest.approx(sum(column) / len(rows))
        squares = grew("inference_feature_value_squares_total", feature)
        assert squares == pytest.approx(sum(value * value for value in column))


def test_every_metric_the_dashboard_reads_is_exported(
    served: tuple[Server, dict[str, Any], str], render: Render
) -> None:
    """Each metric the dashboard's queries name, directly or through the recording rules,
    is in the running server's /metrics once it has answered, failed and had feedback."""
    server, expected, framework = served
    assert server.post(f"/v2/models/{NAME}/infer", infer_body(expected["rows"][:3]))[0] == 200
    assert server.post(f"/v2/models/{NAME}/infer", b"{")[0] == 400
    feedback = {"predicted": [0], "actual": [0]}
    assert server.post(f"/v2/models/{NAME}/feedback", feedback, server.feedback_url)[0] == 200
    repo = render(cloud="none", ml_framework=framework)
    rules = records(repo)
    wanted = set()
    for expr in [*queries(dashboard(repo)), *rules.values(), *alerts(repo)]:
        wanted |= metric_names(expr, rules)
    scraped = exported(server.get("/metrics")[1].decode())
    assert sorted(wanted - scraped) == []
    assert len(wanted) == 12


def test_every_sample_carries_the_model_version_from_the_environment(
    served: tuple[Server, dict[str, Any], str],
) -> None:
    """The overlay's MODEL_VERSION (the pin's md5, checked against the file) labels every
    sample; a local ``--unpinned`` run is labelled with the loaded file's md5, the same."""
    server, expected, _ = served
    assert server.post(f"/v2/models/{NAME}/infer", infer_body(expected["rows"][:2]))[0] == 200
    versions = _versions(server.get("/metrics")[1].decode())
    assert versions == {server.version}
    assert len(server.version) == 32
    repo, env = server.repo, server.env  # type: ignore[attr-defined]
    unpinned = {k: v for k, v in env.items() if k != "MODEL_VERSION"}
    process = subprocess.Popen(
        server_command("--unpinned"), cwd=repo, env=unpinned, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = "http://127.0.0.1:" + process.stdout.readline().rsplit(":", 1)[1].strip()
        request = urllib.request.Request(
            url + f"/v2/models/{NAME}/infer",
            data=json.dumps(infer_body(expected["rows"][:1])).encode(),
            method="POST",
        )
        assert Server._open(request)[0] == 200
        assert _versions(Server._open(urllib.request.Request(url + "/metrics"))[1].decode()) == {
            server.version
        }
    finally:
        process.terminate()
        process.communicate(timeout=10)


def _versions(text: str) -> set[str]:
    """The ``version`` label of every sample of the ``inference_*`` families (one each)."""
    found = set()
    for key in _samples(text):
        if key.startswith("inference_"):
            (version,) = re.findall(r'version="([^"]*)"', key)
            found.add(version)
    return found
