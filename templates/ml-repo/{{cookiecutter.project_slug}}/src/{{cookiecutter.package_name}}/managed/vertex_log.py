"""Export Vertex AI's request-response log (BigQuery) to ``<DVC remote>/monitoring/vertex/<env>/``.

``python -m {{ cookiecutter.package_name }}.managed.vertex_log --table P.D.T --days N --environment ENV``
(drift.yml runs it before the drift monitor) reads the last ``N`` days of the table
that the endpoint of ``ENV`` logs to (``predictRequestResponseLoggingConfig``; one
table per endpoint) and stores them as JSON lines, one file per day of ``logging_time``:
``monitoring/vertex/<env>/yyyy/mm/dd/request_response_logging.jsonl`` (rewritten by each run,
so a day is never counted twice). The table has the documented request-response
logging schema: ``endpoint``, ``deployed_model_id``, ``logging_time`` (TIMESTAMP),
``request_id`` (NUMERIC), ``request_payload`` and ``response_payload`` (REPEATED
STRING); ``capture.py`` reads the rows.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from . import storage
from .common import DeployError

TABLE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+\Z")  # project.dataset.table
FILE = "request_response_logging.jsonl"
UTC = timezone(timedelta(0))  # datetime.UTC from Python 3.11 on
QUERY = (
    "SELECT request_id, logging_time, request_payload, response_payload"
    " FROM `{table}` WHERE logging_time >= @start AND logging_time < @end"
    " ORDER BY logging_time"
)


def query(client: Any, table: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The log rows of ``table`` from ``start`` (inclusive) to ``end``, as JSON-ready rows."""
    from google.cloud import bigquery

    if not TABLE.match(table):
        raise DeployError(f"{table!r} is not a BigQuery table name (project.dataset.table)")
    parameters = [
        bigquery.ScalarQueryParameter("start", "TIMESTAMP", start),
        bigquery.ScalarQueryParameter("end", "TIMESTAMP", end),
    ]
    config = bigquery.QueryJobConfig(query_parameters=parameters)
    job = client.query(QUERY.format(table=table), job_config=config)
    return [record(row) for row in job.result()]


def record(row: Mapping[str, Any]) -> dict[str, Any]:
    """One log row as ``capture.py`` reads it (``id`` is the request id)."""
    logged = row["logging_time"]
    return {
        "id": str(row["request_id"]),
        "logging_time": logged.isoformat() if isinstance(logged, datetime) else str(logged),
        "request_payload": list(row["request_payload"] or []),
        "response_payload": list(row["response_payload"] or []),
    }


def by_day(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """``yyyy/mm/dd`` of ``logging_time`` to that day's rows as JSON lines."""
    days: dict[str, list[str]] = {}
    for row in rows:
        day = row["logging_time"][:10].replace("-", "/")
        days.setdefault(day, []).append(json.dumps(row, sort_keys=True))
    return {day: "\n".join(lines) + "\n" for day, lines in days.items()}


def export(client: Any, table: str, days: int, folder: str, gcs: Any = None) -> list[str]:
    """Write the last ``days`` days of ``table`` under ``folder``
    (``<monitoring>/vertex/<env>``); the URIs."""
    end = datetime.now(UTC)
    start = (end - timedelta(days=max(days, 1) - 1)).replace(hour=0, minute=0, second=0)
    written = []
    for day, text in sorted(by_day(query(client, table, start, end)).items()):
        uri = f"{folder}/{day}/{FILE}"
        storage.write(uri, text.encode("utf-8"), gcs)
        written.append(uri)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vertex_log", description=__doc__.split("\n")[0])
    parser.add_argument("--table", required=True, help="project.dataset.table of the log")
    parser.add_argument("--days", type=int, required=True, help="how many days back")
    parser.add_argument("--environment", required=True, help="whose endpoint logs to --table")
    args = parser.parse_args(argv)
    from google.cloud import bigquery

    from {{ cookiecutter.package_name }}.pins import remote_url

    try:
        client = bigquery.Client(project=args.table.split(".", 1)[0])
        folder = f"{remote_url()}/monitoring/vertex/{args.environment}"
        written = export(client, args.table, args.days, folder)
    except DeployError as error:
        print(f"vertex_log: {error}", file=sys.stderr)
        return 2
    print(f"exported {len(written)} days of {args.table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
