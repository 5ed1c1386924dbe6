"""The drift window is one environment's real traffic, read in bounded time (moto S3).

Staging and production capture side by side under ``monitoring/<sink>/<env>/``; CD's
smoke requests (all-zero rows whose v2 ``id`` carries the smoke marker) are captured
too. Each environment's window is compared with the training data of the model that
environment's pin serves, read from the DVC remote by the md5 the pin records; smoke
rows are left out and counted. The reader lists only the day partitions inside the
window (moto's request recorder proves that nothing outside is listed or read), reads
a seeded sample of at most ``drift.max_objects`` files, and the KServe sink batches.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import S3_CREDENTIALS, Render, copy_repo, moto_s3
from tests.cdct.test_drift_capture import TODAY, Repo, Sink, labelled_traffic, traffic

pytestmark = pytest.mark.slow
BUCKET = "my-ml-project-dvc"
START = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 6 * 86400))
HOUR = TODAY.replace("-", "/") + "/10"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("moto") / "recording.jsonl"


@pytest.fixture(scope="module")
def s3(recording: Path) -> Iterator[str]:
    with moto_s3(BUCKET, env={"MOTO_RECORDER_FILEPATH": str(recording)}) as url:
        yield url


def client(s3: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=s3, **S3_CREDENTIALS)


@pytest.fixture(scope="module")
def pinned(render: Render, s3: str, tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """Production serves a model trained on the synthetic sample; staging then moves on
    to one trained on data whose feature f3 is shifted by 2.5."""
    pytest.importorskip("sklearn")
    repo = Repo(copy_repo(render(cloud="aws"), tmp_path_factory.mktemp("envs") / "repo"), s3)
    repo.dvc("repro")
    repo.dvc("push")
    pins = (sys.executable, "-m", "my_ml_project.pins")
    assert repo.run(*pins, "update", "staging").returncode == 0
    production = yaml.safe_load((repo.path / "deploy/staging.yaml").read_text("utf-8"))
    production["environment"] = "production"  # a promotion, as `pins promote` writes it
    (repo.path / "deploy/production.yaml").write_text(yaml.safe_dump(production), "utf-8")
    rows, labels = labelled_traffic(2.5, seed=3, rows=600)
    table = [",".join([*(f"f{i}" for i in range(8)), "target"])]
    table += [",".join(map(str, [*row, label])) for row, label in zip(rows, labels, strict=True)]
    (repo.path / "data/raw/shifted.csv").write_text("\n".join(table) + "\n", encoding="utf-8")
    repo.dvc("repro")
    repo.dvc("push")
    assert repo.run(*pins, "update", "staging").returncode == 0
    shutil.rmtree(repo.path / "data/prepared")
    shutil.rmtree(repo.path / ".dvc/cache")  # every reference comes from the remote
    return repo


def kserve_lines(rows: list[list[float]], first: int, batch: int, request_id: str = "") -> str:
    """The sink's JSON Lines: a request and an answer event per ``batch`` rows."""
    lines = []
    for n, start in enumerate(range(0, len(rows), batch)):
        part = rows[start : start + batch]
        body: dict[str, Any] = {
            "inputs": [{"name": "x", "shape": [len(part), 8], "datatype": "FP64",
                        "data": [v for row in part for v in row]}],
        }  # fmt: skip
        if request_id:
            body["id"] = f"{request_id}{n}"
        answer = {"outputs": [{"name": "label", "shape": [len(part)], "datatype": "INT64",
                               "data": [1] * len(part)}]}  # fmt: skip
        event = f"e{first + n}"
        for kind, data in (("request", body), ("response", answer)):
            record = {"id": event, "type": f"org.kubeflow.serving.inference.{kind}", "data": data}
            lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


def put(s3: str, key: str, text: str) -> None:
    client(s3).put_object(Bucket=BUCKET, Key=key, Body=text.encode())


def test_production_is_compared_with_production_s_reference_without_smoke_rows(
    pinned: Repo, s3: str
) -> None:
    """Were the environments mixed, production's calm traffic would meet staging's
    shifted rows, or staging's reference; were smoke rows kept, 200 all-zero rows would
    be drift on every feature. Neither happens, and the counts say what was read."""
    kserve = "monitoring/kserve"
    calm = traffic(0.0, seed=21, rows=200)
    put(s3, f"{kserve}/production/{HOUR}/my-ml-project-a.jsonl", kserve_lines(calm[:100], 0, 20))
    put(s3, f"{kserve}/production/{HOUR}/my-ml-project-b.jsonl", kserve_lines(calm[100:], 5, 20))
    smoke = kserve_lines([[0.0] * 8] * 200, 100, 1, request_id="mlrig-smoke-0123456789ab-")
    put(s3, f"{kserve}/production/{HOUR}/my-ml-project-c.jsonl", smoke)
    shifted = traffic(2.5, seed=22, rows=200)
    put(s3, f"{kserve}/staging/{HOUR}/my-ml-project-d.jsonl", kserve_lines(shifted, 0, 40))

    production = pinned.drift("--environment", "production", "--until", TODAY)
    assert production.returncode == 0, production.stdout + production.stderr
    lines = production.stdout.splitlines()
    assert lines[0] == (
        f"window: production {START} to {TODAY}: read 3 of 3 capture files,"
        " 200 rows (200 smoke rows left out)"
    )
    assert lines[-1] == "no drift"
    staging = pinned.drift("--environment", "staging", "--until", TODAY)
    assert staging.returncode == 0, staging.stdout + staging.stderr
    assert staging.stdout.splitlines()[0] == (
        f"window: staging {START} to {TODAY}: read 1 of 1 capture files, 200 rows"
    )
    assert staging.stdout.splitlines()[-1] == "no drift"  # staging's own shifted reference

    # The same calm traffic against staging's reference is drift on f3: the reference
    # above really was production's.
    put(s3, f"{kserve}/staging/{HOUR}/my-ml-project-d.jsonl", kserve_lines(calm, 0, 20))
    mixed = pinned.drift("--environment", "staging", "--until", TODAY, "--exit-zero")
    drifted = [line.split(" | ")[0].strip("| ") for line in mixed.stdout.splitlines()
               if line.endswith("| yes |")]  # fmt: skip
    assert drifted == ["f3"], mixed.stdout


def test_no_model_pinned_is_nothing_to_compare(pinned: Repo, tmp_path: Path) -> None:
    shutil.copytree(pinned.path, tmp_path / "repo", symlinks=True)
    repo = Repo(tmp_path / "repo", pinned.env["AWS_ENDPOINT_URL"])
    (repo.path / "deploy/production.yaml").write_text(
        "environment: production\nmodel: null\n", encoding="utf-8"
    )
    done = repo.drift("--environment", "production", "--until", TODAY)
    assert (done.returncode, done.stdout) == (
        0,
        "no model: deploy/production.yaml pins no model; nothing to compare\n",
    )


def recorded(recording: Path, marker: int) -> list[tuple[str, str, dict[str, str]]]:
    """(method, path, query) of each request moto recorded after line ``marker``."""
    entries = recording.read_text(encoding="utf-8").splitlines()[marker:]
    found = []
    for entry in map(json.loads, entries):
        url = urllib.parse.urlsplit(entry["url"])
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        found.append((entry["method"], urllib.parse.unquote(url.path), query))
    return found


def recorded_count(recording: Path) -> int:
    """How many requests moto recorded so far (none: no file yet)."""
    return len(recording.read_text(encoding="utf-8").splitlines()) if recording.exists() else 0


def recording_on(s3: str) -> None:
    import urllib.request

    request = urllib.request.Request(f"{s3}/moto-api/recorder/start-recording", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


INSIDE = {  # --until 2030-01-10, 7 days: 2030-01-04 to 2030-01-10
    "kserve/production/2030/01/04/00/my-ml-project-a.jsonl",
    "kserve/production/2030/01/10/23/my-ml-project-b.jsonl",
    "sagemaker/production/ep/m-1/2030/01/06/10/c.jsonl",
    "azureml/production/ep/request/2030/01/07/09/d.jsonl",
}
OUTSIDE = {
    "kserve/production/2030/01/03/23/my-ml-project-e.jsonl",
    "kserve/production/2030/01/11/00/my-ml-project-f.jsonl",
    "kserve/production/2029/12/31/10/my-ml-project-g.jsonl",
    "kserve/production/2030/02/05/10/my-ml-project-h.jsonl",
    "kserve/staging/2030/01/05/10/my-ml-project-i.jsonl",
    "sagemaker/production/ep/m-0/2029/01/06/10/j.jsonl",
    "sagemaker/staging/ep/m-1/2030/01/06/10/k.jsonl",
    "feedback/production/2030/01/01/l.jsonl",
}
FEEDBACK = {"feedback/production/2030/01/09/m.jsonl", "feedback/production/2031/03/01/n.jsonl"}


def test_objects_outside_the_window_are_never_listed_or_read(
    pinned: Repo, s3: str, recording: Path, tmp_path: Path
) -> None:
    rows = traffic(0.0, seed=31, rows=20)
    for n, key in enumerate(sorted(INSIDE | OUTSIDE)):
        put(s3, f"bounded/monitoring/{key}", kserve_lines(rows, 100 * n, 10))
    for key in FEEDBACK:
        put(s3, f"bounded/monitoring/{key}", json.dumps({"id": "e0", "labels": [0] * 10}))
    reference = tmp_path / "reference.csv"
    reference.write_text(
        "f0,f1,f2,f3,f4,f5,f6,f7,target\n"
        + "".join(",".join(map(str, [*row, 0])) + "\n" for row in traffic(0.0, 32, 100)),
        encoding="utf-8",
    )
    args = ("--capture", f"s3://{BUCKET}/bounded/monitoring", "--environment", "production")
    args += ("--until", "2030-01-10", "--reference", str(reference), "--exit-zero")
    recording_on(s3)
    marker = recorded_count(recording)
    done = pinned.drift(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == (
        "window: production 2030-01-04 to 2030-01-10: read 4 of 4 capture files, 80 rows"
    )
    requests = recorded(recording, marker)
    paths = [path.removeprefix(f"/{BUCKET}/bounded/monitoring/") for _, path, _ in requests]
    prefixes = [q.get("prefix", "").removeprefix("bounded/monitoring/") for _, _, q in requests]
    touched = [p for p in paths + prefixes if p]

    def day(key: str) -> str:  # the day folder of a key (captures have an hour below it)
        return key.rsplit("/", 1 if key.startswith("feedback/") else 2)[0]

    for key in OUTSIDE:
        assert not [t for t in touched if t.startswith(day(key) + "/") or t == day(key)], key
    reads = zip(requests, paths, prefixes, strict=True)
    gets = [p for (method, _, q), p, _ in reads if method == "GET" and "list-type" not in q]
    assert sorted(p for p in gets if p.endswith(".jsonl")) == sorted(INSIDE | FEEDBACK)
    # A full listing (no delimiter) happens only on a day inside the window.
    lists = zip(requests, prefixes, strict=True)
    full = {p.rstrip("/") for (_, _, q), p in lists if "list-type" in q and not q.get("delimiter")}
    assert full == {day(key) for key in INSIDE | FEEDBACK}


def test_the_window_reads_a_seeded_sample_of_at_most_max_objects(
    pinned: Repo, s3: str, recording: Path, tmp_path: Path
) -> None:
    params = yaml.safe_load((pinned.path / "params.yaml").read_text(encoding="utf-8"))
    params["drift"]["max_objects"] = 2
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    rows = traffic(0.0, seed=41, rows=100)
    for n in range(5):
        put(s3, f"sampled/monitoring/kserve/production/2030/01/0{n + 1}/10/my-ml-project-{n}.jsonl",
            kserve_lines(rows[20 * n : 20 * n + 20], 10 * n, 10))  # fmt: skip
    args = ("--capture", f"s3://{BUCKET}/sampled/monitoring", "--environment", "production")
    args += ("--until", "2030-01-05", "--params", str(tmp_path / "params.yaml"), "--exit-zero")
    recording_on(s3)
    read = []
    for _ in range(2):
        marker = recorded_count(recording)
        done = pinned.drift(*args)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.splitlines()[0] == (
            "window: production 2029-12-30 to 2030-01-05: read 2 of 5 capture files, 40 rows"
        )
        gets = [path for method, path, query in recorded(recording, marker)
                if method == "GET" and "list-type" not in query and path.endswith(".jsonl")]  # fmt: skip
        assert len(gets) == 2
        read.append(sorted(gets))
    assert read[0] == read[1]  # the same seed and window read the same files


def keys(s3: str, prefix: str) -> list[str]:
    listed = client(s3).list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return sorted(str(item["Key"]) for item in listed)


def test_the_sink_writes_batches_under_hour_partitions_and_flushes_on_shutdown(
    pinned: Repo, s3: str
) -> None:
    target = f"s3://{BUCKET}/batch/monitoring/kserve/production"
    sink = Sink(pinned, target, "--batch-events", "4")
    try:
        for n in range(5):
            sink.event("request", f"b{n}", {"inputs": []})
            sink.event("response", f"b{n}", {"outputs": []})
        written = keys(s3, "batch/")
        assert len(written) == 2  # two full batches of 4; 2 events still queued
    finally:
        sink.stop()
    written = keys(s3, "batch/")
    assert len(written) == 3  # the queued events, written on SIGTERM
    sizes = []
    for key in written:
        parts = key.split("/")
        assert parts[:4] == ["batch", "monitoring", "kserve", "production"]
        hour = time.strptime("/".join(parts[4:8]), "%Y/%m/%d/%H")
        assert abs(time.mktime(hour) - time.mktime(time.gmtime())) < 2 * 3600
        assert parts[8].startswith("my-ml-project-") and parts[8].endswith(".jsonl")
        body = client(s3).get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
        sizes.append(len(body.splitlines()))
    assert sorted(sizes) == [2, 4, 4]

    sink = Sink(pinned, f"s3://{BUCKET}/aged/monitoring/kserve/staging", "--batch-seconds", "1")
    try:
        sink.event("request", "a0", {"inputs": []})
        deadline = time.monotonic() + 20
        while not keys(s3, "aged/") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(keys(s3, "aged/")) == 1  # a quiet sink writes its batch once it is old
    finally:
        sink.stop()
