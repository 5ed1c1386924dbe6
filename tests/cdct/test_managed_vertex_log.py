"""The generated Vertex AI log export (``<pkg>.managed.vertex_log``) and its reader, call by
call against google-cloud-bigquery's own signatures.

No BigQuery runs here, so the client is a recorder whose every call is bound to the
installed library's signature (``inspect.signature(...).bind``: a wrong argument
name or count fails as it would against the real client); the job config and query
parameters are the library's real objects, and the rows are its real ``Row`` type
with the documented columns of a Vertex AI request-response logging table (schema
v1: endpoint STRING, deployed_model_id STRING, logging_time TIMESTAMP, request_id
NUMERIC, request_payload and response_payload REPEATED STRING). The exported files are
then read by the repository's own ``capture.read_window``, as the drift monitor reads them.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.managed_fakes import Blobs, forget, import_generated

bigquery = pytest.importorskip("google.cloud.bigquery")
from google.cloud.bigquery.table import Row  # noqa: E402

pytestmark = pytest.mark.slow
SCHEMA = ["endpoint", "deployed_model_id", "logging_time", "request_id",
          "request_payload", "response_payload"]  # fmt: skip
TABLE = "p.logging_my_ml_project_staging_7.request_response_logging"
NOW = datetime.now(timezone.utc)


class Job:
    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows

    def result(self, *args: Any, **kwargs: Any) -> Iterator[Row]:
        inspect.signature(bigquery.QueryJob.result).bind(self, *args, **kwargs)
        return iter(self.rows)


class Client:
    """``bigquery.Client``'s ``query``, bound to the installed signature, recorded."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.calls: list[dict[str, Any]] = []

    def query(self, *args: Any, **kwargs: Any) -> Job:
        bound = inspect.signature(bigquery.Client.query).bind(self, *args, **kwargs)
        self.calls.append({k: v for k, v in bound.arguments.items() if k != "self"})
        return Job(self.rows)


def row(request_id: int, when: datetime, request: list[str], response: list[str]) -> Row:
    values = ("projects/p/locations/r/endpoints/7", "111", when, Decimal(request_id),
              request, response)  # fmt: skip
    return Row(values, {name: i for i, name in enumerate(SCHEMA)})


def v2(rows: list[list[float]]) -> str:
    tensor = {"name": "features", "shape": [len(rows), len(rows[0])], "datatype": "FP64"}
    return json.dumps({"inputs": [{**tensor, "data": [v for r in rows for v in r]}]})


def answer(labels: list[int]) -> str:
    return json.dumps({"outputs": [{"name": "label", "shape": [len(labels)], "data": labels}]})


@pytest.fixture
def vertex_log(
    render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    repo = copy_repo(render(cloud="gcp", deploy_target="managed"), tmp_path / "repo")
    yield import_generated(repo, "vertex_log", monkeypatch)
    forget()


def test_the_export_queries_the_documented_columns_and_writes_one_file_per_day(
    vertex_log: ModuleType, tmp_path: Path
) -> None:
    yesterday = NOW - timedelta(days=1)
    rows = [
        row(7001, yesterday, [v2([[1.0, 2.0], [3.0, 4.0]])], [answer([1, 0])]),  # rawPredict
        row(7002, NOW, [json.dumps([5.0, 6.0]), json.dumps([7.0, 8.0])], ["0.1", "0.9"]),  # predict
    ]
    client, blobs = Client(rows), Blobs({})
    folder = "gs://my-ml-project-dvc/monitoring/vertex/production"
    written = vertex_log.export(client, TABLE, 7, folder, blobs)
    (call,) = client.calls
    sql = call["query"]
    assert f"FROM `{TABLE}`" in sql
    named = set(re.findall(r"\b[a-z_]+\b", sql.split("FROM")[0].removeprefix("SELECT")))
    filtered = set(re.findall(r"\b([a-z_]+) [<>]=? @", sql))
    assert named | filtered <= set(SCHEMA) and filtered == {"logging_time"}
    config = call["job_config"]
    assert isinstance(config, bigquery.QueryJobConfig)
    parameters = {p.name: (p.type_, p.value) for p in config.query_parameters}
    start = (NOW - timedelta(days=6)).replace(hour=0, minute=0, second=0)
    assert parameters["start"][0] == parameters["end"][0] == "TIMESTAMP"
    assert abs(parameters["start"][1] - start) < timedelta(minutes=1)
    assert set(re.findall(r"@(\w+)", sql)) == set(parameters)
    days = [f"{d:%Y/%m/%d}" for d in (yesterday, NOW)]
    uris = [f"{folder}/{d}/request_response_logging.jsonl" for d in days]
    assert written == uris
    monitoring = tmp_path / "monitoring"
    for key, payload in blobs.objects.items():
        target = monitoring / key.split("/monitoring/", 1)[1]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
    reader = __import__("my_ml_project.window", fromlist=["read_window"])
    window = reader.read_window(str(monitoring), "production", NOW.date(), 7, 100, 0)
    assert (window.files, window.rows) == (2, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    assert window.labels == [1, 0, None, None]


def test_a_table_name_that_is_not_project_dataset_table_is_refused(vertex_log: ModuleType) -> None:
    client = Client([])
    common = __import__("my_ml_project.managed.common", fromlist=["DeployError"])
    with pytest.raises(common.DeployError, match=r"is not a BigQuery table name"):
        vertex_log.export(client, "p.d.t` WHERE 1=1 --", 7, "gs://b/monitoring", Blobs({}))
    assert client.calls == []


def test_drift_yml_exports_with_the_module_before_the_drift_step(render: Render) -> None:
    text = (render(cloud="gcp", deploy_target="managed") / ".github/workflows/drift.yml").read_text(
        encoding="utf-8"
    )
    export = text.index(
        'python -m my_ml_project.managed.vertex_log --table "$VERTEX_LOGGING_TABLE"'
        ' --days "$days" --environment production'
    )
    assert export < text.index("python -m my_ml_project.drift --environment production")
    assert "bq " not in text


def test_the_partition_is_the_day_of_logging_time(vertex_log: ModuleType) -> None:
    assert vertex_log.by_day([{"logging_time": "2026-03-09T10:00:00+00:00", "id": "1"}]) == {
        "2026/03/09": '{"id": "1", "logging_time": "2026-03-09T10:00:00+00:00"}\n'
    }
