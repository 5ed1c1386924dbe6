"""The drift loop over captured inference data, with real components on 127.0.0.1.

A generated repository is trained offline (``dvc repro``), its model server answers
real KServe v2 requests, and each request and answer goes to ``serve.capture`` as
KServe's request logger sends them (binary CloudEvents); the sink writes them in
batches to a moto S3 bucket under ``monitoring/kserve/<env>/``. ``<pkg>.drift`` then
reads the environment's window from there: a shifted feature is drift and registers
the window as raw data, on which ``dvc repro`` trains a different model; unshifted
traffic is no drift; an empty window is "no traffic". SageMaker's data capture format
is read the same way. ``test_drift_environments`` covers environments, smoke requests
and the bounded listing.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from tests.cdct.conftest import S3_CREDENTIALS, Render, copy_repo, moto_s3, run
from tests.cdct.test_serve import Server, infer_body
from tests.cdct.workflow_steps import Ran, job_steps, run_step

pytestmark = pytest.mark.slow
BUCKET = "my-ml-project-dvc"
FEATURE_ROW = re.compile(r"\| f\d+ \|")
TODAY = time.strftime("%Y-%m-%d", time.gmtime())


class Repo:
    def __init__(self, path: Path, s3: str) -> None:
        bindir = str(Path(sys.executable).parent)
        self.path, self.bindir = path, bindir
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(path / "src"), str(path)]),
            "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
            "AWS_ENDPOINT_URL": s3,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "DVC_NO_ANALYTICS": "1",
        }

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return run(list(command), self.path, self.env)

    def dvc(self, *args: str) -> None:
        done = self.run(str(Path(self.bindir) / "dvc"), *args)
        assert done.returncode == 0, done.stdout + done.stderr

    def drift(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "my_ml_project.drift", *args)

    def model_md5(self) -> str:
        lock = yaml.safe_load((self.path / "dvc.lock").read_text(encoding="utf-8"))
        (out,) = lock["stages"]["train"]["outs"]
        return str(out["md5"])


class Sink:
    """``python -m serve.capture`` writing to the moto bucket, on a free loopback port."""

    def __init__(self, repo: Repo, target: str, *options: str) -> None:
        command = [sys.executable, "-m", "serve.capture", "--target", target, *options]
        self.process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", "0"],
            cwd=repo.path, env=repo.env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith(f"capturing to {target} on 127.0.0.1:"), line
        self.url = "http://127.0.0.1:" + line.rsplit(":", 1)[1].strip()

    def event(self, kind: str, event_id: str, body: Any) -> None:
        """One CloudEvent, in binary mode, as KServe's logger sends it."""
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST")
        for name, value in {
            "Content-Type": "application/json",
            "Ce-Specversion": "1.0",
            "Ce-Id": event_id,
            "Ce-Type": f"org.kubeflow.serving.inference.{kind}",
            "Ce-Source": "http://localhost:9081/",
            "Ce-Inferenceservicename": "my-ml-project",
        }.items():
            request.add_header(name, value)
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 202

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=10)


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    with moto_s3(BUCKET) as url:
        yield url


@pytest.fixture(scope="module")
def trained(render: Render, s3: str, tmp_path_factory: pytest.TempPathFactory) -> Repo:
    pytest.importorskip("sklearn")
    repo = Repo(copy_repo(render(cloud="aws"), tmp_path_factory.mktemp("drift") / "repo"), s3)
    repo.dvc("repro")
    repo.dvc("push")  # the staging pin's training data, where the drift job reads it
    done = repo.run(sys.executable, "-m", "my_ml_project.pins", "update", "staging")
    assert done.returncode == 0, done.stderr
    return repo


def traffic(shift: float, seed: int, rows: int = 200) -> list[list[float]]:
    """Rows like prepare's synthetic sample (8 features), with feature f3 moved by ``shift``."""
    return labelled_traffic(shift, seed, rows)[0]


def labelled_traffic(
    shift: float, seed: int, rows: int = 200
) -> tuple[list[list[float]], list[int]]:
    """``traffic`` and each row's true class (the centre it was drawn around)."""
    rng = np.random.default_rng(seed)
    classes = rng.integers(0, 2, size=rows)
    centres = np.where(classes[:, None] == 1, 0.75, -0.75)
    features = rng.normal(loc=centres, scale=1.0, size=(rows, 8))
    features[:, 3] += shift
    return [[round(float(v), 6) for v in row] for row in features], [int(c) for c in classes]


def serve_and_log(repo: Repo, target: str, rows: list[list[float]], batch: int = 20) -> list[str]:
    """Send ``rows`` to the model server in batches; log each request and answer to the
    sink; the request ids, one per batch."""
    server, sink = Server(repo.path, repo.env), Sink(repo, target)
    ids = []
    try:
        for start in range(0, len(rows), batch):
            body = infer_body(rows[start : start + batch])
            code, answer = server.post("/v2/models/my-ml-project/infer", body)
            assert code == 200, answer
            sink.event("request", f"req-{start}", body)
            sink.event("response", f"req-{start}", answer)
            ids.append(f"req-{start}")
    finally:
        server.stop()
        sink.stop()
    return ids


def give_feedback(
    s3: str, prefix: str, records: list[dict[str, Any]], name: str = "a", env: str = "staging"
) -> None:
    """True labels as the application that learns them writes them: JSON lines under
    ``<prefix>/feedback/<env>/yyyy/mm/dd/``."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3, **S3_CREDENTIALS)
    key = f"{prefix}/feedback/{env}/{TODAY.replace('-', '/')}/{name}.jsonl"
    body = "\n".join(json.dumps(record) for record in records)
    client.put_object(Bucket=BUCKET, Key=key, Body=body.encode())


def test_a_shifted_feature_is_drift_and_its_window_retrains_a_different_model(
    trained: Repo, s3: str, tmp_path: Path
) -> None:
    """drift.yml's own steps after sign-in: the captured window against the reference
    that the staging pin names (read from the remote), and on drift the window tracked
    by DVC and pushed; CT's dvc repro on it."""
    shutil.copytree(trained.path, tmp_path / "repo", symlinks=True)
    repo = Repo(tmp_path / "repo", s3)  # this test adds data and retrains: a copy
    shutil.rmtree(repo.path / "data/prepared")
    shutil.rmtree(repo.path / ".dvc/cache")  # the reference must come from the remote
    rows, truth = labelled_traffic(2.5, seed=7)
    ids_sent = serve_and_log(repo, f"s3://{BUCKET}/monitoring/kserve/staging", rows)
    batches = [{"id": i, "labels": truth[n * 20 : n * 20 + 20]} for n, i in enumerate(ids_sent)]
    give_feedback(s3, "monitoring", batches)
    before = repo.model_md5()

    ran = step(repo, "Drift over staging's captured window")
    assert ran.returncode == 0, ran.stdout + ran.stderr  # --exit-zero
    assert not (repo.path / "data/prepared").exists()  # read from the remote, not pulled
    start = time.strftime("%Y%m%d", time.gmtime(time.time() - 6 * 86400))
    window = f"data/raw/captured-staging-{start}-{TODAY.replace('-', '')}.csv"
    report = ran.outputs.pop("report")
    assert ran.outputs == {"drift": "true", "traffic": "true", "registered": window}
    assert report.endswith(f"The captured window is registered as `{window}`.")
    lines = ran.stdout.splitlines()
    rows = {line.split(" | ")[0].strip("| "): line for line in lines if FEATURE_ROW.match(line)}
    assert sorted(rows) == [f"f{i}" for i in range(8)]
    assert [name for name, line in rows.items() if line.endswith("| yes |")] == ["f3"]
    first = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 6 * 86400))
    # 10 requests and 10 answers, batched by the sink into one object
    assert lines[0] == f"window: staging {first} to {TODAY}: read 1 of 1 capture files, 200 rows"
    assert lines[1] == f"registered 200 captured rows as {window}"
    assert lines[-1] == "drift detected"
    assert json.loads((repo.path / "drift.json").read_text(encoding="utf-8"))["drift"] is True
    assert "The captured window is registered as" in (repo.path / "drift.md").read_text("utf-8")
    header = (repo.path / window).read_text(encoding="utf-8").splitlines()[0]
    assert header == "f0,f1,f2,f3,f4,f5,f6,f7,target"
    ids = (repo.path / window).with_suffix(".ids").read_text(encoding="utf-8")
    assert ids == "".join(f'"{i}"\n' for i in ids_sent)

    tracked = step(repo, "Track the drifted window with DVC and push it", registered=window)
    assert tracked.returncode == 0, tracked.stdout + tracked.stderr
    pointer = yaml.safe_load((repo.path / f"{window}.dvc").read_text(encoding="utf-8"))
    md5 = pointer["outs"][0]["md5"]
    import boto3

    client = boto3.client("s3", endpoint_url=s3, **S3_CREDENTIALS)
    assert client.head_object(Bucket=BUCKET, Key=f"files/md5/{md5[:2]}/{md5[2:]}")
    repo.dvc("repro")  # what CT runs on the pull request that carries the .dvc file
    assert repo.model_md5() != before


def step(repo: Repo, name: str, registered: str = "") -> Ran:
    """One ``run:`` step of drift.yml's staging monitor job, as the runner runs it."""
    steps = job_steps(repo.path / ".github/workflows/drift.yml", "monitor-staging")
    expressions = {"steps.drift.outputs.registered": registered}
    return run_step(steps[name], repo.path, repo.env, repo.path.parent / "runner-temp", expressions)


def test_unshifted_traffic_is_no_drift(trained: Repo) -> None:
    target = f"s3://{BUCKET}/calm/monitoring/kserve/staging"
    serve_and_log(trained, target, traffic(0.0, seed=11))
    capture = f"s3://{BUCKET}/calm/monitoring"
    done = trained.drift("--capture", capture, "--until", TODAY, "--register", "unused")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "no drift"
    assert not (trained.path / "unused").exists()


def test_an_empty_window_is_no_traffic(trained: Repo, s3: str, tmp_path: Path) -> None:
    import boto3

    client = boto3.client("s3", endpoint_url=s3, **S3_CREDENTIALS)
    old = "quiet/monitoring/kserve/staging/1999/01/01/00/my-ml-project-a.jsonl"
    client.put_object(Bucket=BUCKET, Key=old, Body=b"{}")  # captured, long before the window
    output = tmp_path / "github_output"
    trained.env["GITHUB_OUTPUT"] = str(output)
    try:
        capture = f"s3://{BUCKET}/quiet/monitoring"
        done = trained.drift(
            "--capture", capture, "--until", "2000-01-01", "--register", "data/raw"
        )
    finally:
        del trained.env["GITHUB_OUTPUT"]
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "window: staging 1999-12-26 to 2000-01-01: read 0 of 0 capture files, 0 rows\n"
        "no traffic: fewer than 50 rows; nothing to compare\n"
    )
    assert output.read_text(encoding="utf-8") == "drift=false\ntraffic=false\nregistered=\n"


def sagemaker_record(rows: list[list[float]], labels: list[int], event: str) -> str:
    """One line of SageMaker data capture (input as JSON, output base64), as AWS documents."""
    answer = {"outputs": [{"name": "label", "shape": [len(labels)], "datatype": "INT64",
                           "data": labels}]}  # fmt: skip
    return json.dumps({
        "captureData": {
            "endpointInput": {"observedContentType": "application/json", "mode": "INPUT",
                              "data": json.dumps(infer_body(rows)), "encoding": "JSON"},
            "endpointOutput": {"observedContentType": "application/json", "mode": "OUTPUT",
                               "data": base64.b64encode(json.dumps(answer).encode()).decode(),
                               "encoding": "BASE64"},
        },
        "eventMetadata": {"eventId": event, "inferenceTime": f"{TODAY}T10:00:00Z"},
        "eventVersion": "0",
    })  # fmt: skip


def test_sagemaker_capture_is_read_by_its_partition(trained: Repo, s3: str) -> None:
    import boto3

    client = boto3.client("s3", endpoint_url=s3, **S3_CREDENTIALS)
    rows = traffic(3.0, seed=5, rows=120)
    lines = [sagemaker_record(rows[i : i + 40], [1] * 40, f"e{i}") for i in range(0, 120, 40)]
    give_feedback(s3, "sm/monitoring", [{"id": f"e{i}", "labels": [0] * 40} for i in (0, 40, 80)])
    day = TODAY.replace("-", "/")
    prefix = "sm/monitoring/sagemaker/staging/my-ml-project-staging/m-0123456789ab"
    client.put_object(Bucket=BUCKET, Key=f"{prefix}/{day}/10/a.jsonl", Body="\n".join(lines))
    old = "\n".join(sagemaker_record(rows, [0] * 120, "old") for _ in range(2))
    client.put_object(Bucket=BUCKET, Key=f"{prefix}/2001/01/01/10/b.jsonl", Body=old)
    capture = f"s3://{BUCKET}/sm/monitoring"
    done = trained.drift("--capture", capture, "--until", TODAY, "--register", "sm")
    assert done.returncode == 1, done.stdout + done.stderr
    (registered,) = (trained.path / "sm").glob("*.csv")
    table = registered.read_text(encoding="utf-8").splitlines()
    assert len(table) == 1 + 120  # the window's rows only, not the 2001 partition
    # the true labels that feedback gave, never the label the model answered (1)
    assert {line.rsplit(",", 1)[1] for line in table[1:]} == {"0"}
    assert "accuracy: 0.0000 over 120 labelled answers" in done.stdout.splitlines()


def test_accuracy_counts_answers_against_the_true_labels_that_arrived(
    trained: Repo, s3: str, tmp_path: Path
) -> None:
    """Concept drift: the served label is compared with the feedback of the same request
    id; requests without feedback are left out, and none at all is "no labels yet"."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3, **S3_CREDENTIALS)
    rows = traffic(0.0, seed=13, rows=120)
    lines = [sagemaker_record(rows[i : i + 40], [1] * 40, f"f{i}") for i in range(0, 120, 40)]
    key = f"fb/monitoring/sagemaker/staging/e/m-0123456789ab/{TODAY.replace('-', '/')}/10/a.jsonl"
    client.put_object(Bucket=BUCKET, Key=key, Body="\n".join(lines))
    capture = f"s3://{BUCKET}/fb/monitoring"
    report = tmp_path / "drift.json"
    args = ("--capture", capture, "--until", TODAY, "--report", str(report), "--exit-zero")
    unlabelled = trained.drift(*args)
    assert unlabelled.returncode == 0, unlabelled.stdout + unlabelled.stderr
    assert unlabelled.stdout.splitlines()[-3:-1] == ["", "accuracy: no labels yet"]
    assert json.loads(report.read_text("utf-8"))["accuracy"] is None
    give_feedback(s3, "fb/monitoring", [
        {"id": "f0", "labels": [1] * 30 + [0] * 10},  # 30 of 40 answers right
        {"id": "f40", "labels": [0] * 40},  # none right
        {"id": "f80", "labels": [1] * 39},  # not one per row: ignored
        {"id": "unknown", "labels": [1]}, {"labels": [1] * 40}, {"id": "f80", "labels": "x"},
    ])  # fmt: skip
    labelled = trained.drift(*args)
    assert labelled.returncode == 0, labelled.stdout + labelled.stderr
    assert labelled.stdout.splitlines()[-2] == "accuracy: 0.3750 over 80 labelled answers"
    scored = json.loads(report.read_text("utf-8"))
    assert (scored["accuracy"], scored["labelled"]) == (0.375, 80)


def test_the_sink_refuses_what_is_not_a_cloud_event(trained: Repo, s3: str) -> None:
    import boto3

    sink = Sink(trained, f"s3://{BUCKET}/refused/monitoring/kserve")
    try:
        request = urllib.request.Request(sink.url, data=b'{"inputs": []}', method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 400
        assert refused.value.read() == b"a CloudEvent needs Ce-Id and Ce-Type headers"
    finally:
        sink.stop()
    client = boto3.client("s3", endpoint_url=s3, **S3_CREDENTIALS)
    assert client.list_objects_v2(Bucket=BUCKET, Prefix="refused/").get("KeyCount") == 0


def test_a_missing_prefix_is_no_capture_and_an_unreadable_one_fails(
    trained: Repo, tmp_path: Path
) -> None:
    """Misconfiguration is not "no traffic": nothing ever written under the prefix is a
    warning of its own, and a prefix that cannot be read is an error (exit 2)."""
    output = tmp_path / "github_output"
    trained.env.update(GITHUB_OUTPUT=str(output), GITHUB_ACTIONS="true")
    try:
        capture = f"s3://{BUCKET}/never-written/monitoring"
        missing = trained.drift("--capture", capture, "--until", TODAY)
    finally:
        del trained.env["GITHUB_OUTPUT"], trained.env["GITHUB_ACTIONS"]
    text = (
        f"no capture: {capture} holds nothing for staging; nothing was ever captured there"
        " (is the serving side's capture writing to it?)"
    )
    assert (missing.returncode, missing.stdout) == (0, f"{text}\n::warning::{text}\n")
    assert output.read_text(encoding="utf-8") == "drift=false\ntraffic=false\nregistered=\n"
    unreadable = trained.drift("--capture", "nosuch://bucket/monitoring", "--until", TODAY)
    assert (unreadable.returncode, unreadable.stdout) == (2, "")
    assert unreadable.stderr == (
        "drift: cannot read the captured data under nosuch://bucket/monitoring:"
        " ValueError: Protocol not known: nosuch\n"
    )


def test_overlapping_windows_never_register_a_row_twice(trained: Repo, s3: str) -> None:
    """Daily runs over seven days: the second window holds the first one's requests
    again; only the requests that no earlier snapshot (its ``.ids``) lists are registered."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3, **S3_CREDENTIALS)
    prefix = "overlap/monitoring/sagemaker/staging/my-ml-project-staging/m-0123456789ab"
    rows = traffic(3.0, seed=17, rows=200)
    for day, first, last in (("2030/01/05", 0, 120), ("2030/01/06", 120, 200)):
        lines = [
            sagemaker_record(rows[i : i + 40], [1] * 40, f"o{i}") for i in range(first, last, 40)
        ]
        client.put_object(Bucket=BUCKET, Key=f"{prefix}/{day}/10/a.jsonl", Body="\n".join(lines))
    labels = [{"id": f"o{i}", "labels": [0] * 40} for i in range(0, 200, 40)]
    client.put_object(
        Bucket=BUCKET,
        Key="overlap/monitoring/feedback/staging/2030/01/06/a.jsonl",
        Body="\n".join(json.dumps(label) for label in labels[:3]),
    )
    folder = trained.path / "overlap-raw"
    capture = f"s3://{BUCKET}/overlap/monitoring"
    register = ("--capture", capture, "--register", "overlap-raw", "--exit-zero")
    first = trained.drift(*register, "--until", "2030-01-05")
    assert first.returncode == 0, first.stdout + first.stderr
    one = "overlap-raw/captured-staging-20291230-20300105.csv"
    assert first.stdout.splitlines()[1] == f"registered 120 captured rows as {one}"
    client.put_object(
        Bucket=BUCKET,
        Key="overlap/monitoring/feedback/staging/2030/01/07/b.jsonl",
        Body="\n".join(json.dumps(label) for label in labels[3:]),
    )
    second = trained.drift(*register, "--until", "2030-01-06")
    assert second.returncode == 0, second.stdout + second.stderr
    two = "overlap-raw/captured-staging-20291231-20300106.csv"
    assert second.stdout.splitlines()[1] == (
        f"registered 80 captured rows as {two} (120 registered before)"
    )
    assert len((trained.path / two).read_text(encoding="utf-8").splitlines()) == 1 + 80
    ids = (trained.path / two).with_suffix(".ids").read_text(encoding="utf-8")
    assert ids == '"o120"\n"o160"\n'
    again = trained.drift(*register, "--until", "2030-01-06")
    assert again.stderr == (
        "drift: the window's 200 labelled rows are registered already; nothing registered\n"
    )
    assert sorted(path.name for path in folder.iterdir()) == [
        "captured-staging-20291230-20300105.csv", "captured-staging-20291230-20300105.ids",
        "captured-staging-20291231-20300106.csv", "captured-staging-20291231-20300106.ids",
    ]  # fmt: skip
