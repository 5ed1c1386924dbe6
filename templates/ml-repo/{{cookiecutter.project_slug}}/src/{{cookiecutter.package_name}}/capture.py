"""The captured inference data's formats: records, the rows they hold, who sent them.

Every sink writes below ``<DVC remote>/monitoring/<sink>/<environment>/`` and, further
down, a ``yyyy/mm/dd/hh`` partition (``window.py`` lists only the partitions of the
window): ``serve/capture.py`` behind KServe's request logger
(``kserve/<env>/yyyy/mm/dd/hh/<service>-*.jsonl``, CloudEvents in batches), SageMaker's
data capture (``sagemaker/<env>/<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl``), Azure ML's
data collector (``azureml/<env>/<endpoint>/{request,response}/yyyy/mm/dd/hh/*.jsonl``)
and Vertex AI's BigQuery log rows, exported by drift.yml to ``vertex/<env>/yyyy/mm/dd/``.
A record gives the request's feature rows (KServe v2 ``inputs``, or ``instances``) and,
when the answer is captured too, the label the model answered.

CD's smoke requests carry the marker ``SMOKE_PREFIX`` as their v2 request ``id`` (and as
SageMaker's ``InferenceId``); the window leaves them out (``is_smoke``).

The true labels come later, from whoever learns them, as JSON lines under
``feedback/<env>/yyyy/mm/dd/``: ``{"id": "<request id>", "labels": [0, 1, ...]}`` (one
per row of the request; ``"label": 1`` for a one-row request). The request id is the one
the capture records: KServe's CloudEvent id, SageMaker's ``InferenceId`` (or its event
id), Azure ML's correlation id, Vertex AI's ``request_id``. Feedback counts from the
window's first day on, whenever it arrived; the model's own answers are never taken for
true labels.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

FEEDBACK = "feedback"  # the true labels' prefix, beside the sinks' own
MAX_OBJECT = 64 * 1024 * 1024  # a capture file is small; a larger object is not read
SMOKE_PREFIX = "mlrig-smoke-"  # the request id of CD's smoke requests (managed/common.py)
AZURE_HTTPS = re.compile(r"https://(?P<account>[a-z0-9]+)\.blob\.core\.windows\.net/(?P<rest>.+)")


class CaptureError(RuntimeError):
    """The captured data cannot be read (no driver, no access, no such bucket or account)."""


def filesystem(url: str) -> tuple[Any, str]:
    """An fsspec filesystem for ``url`` (DVC's own s3fs, gcsfs or adlfs) and the path in it."""
    import fsspec

    found = AZURE_HTTPS.match(url)
    if found:  # the Blob https form pins use: adlfs with the account and Azure AD sign-in
        fs = fsspec.filesystem("az", account_name=found["account"], anon=False)
        return fs, found["rest"]
    return fsspec.core.url_to_fs(url)


def feedback(items: Iterator[dict[str, Any]]) -> dict[str, list[int]]:
    """Request id to its rows' true labels, from feedback records (malformed ones skipped)."""
    found: dict[str, list[int]] = {}
    for item in items:
        labels = item.get("labels", [item["label"]] if "label" in item else None)
        if item.get("id") is None or not isinstance(labels, list):
            continue
        if all(isinstance(v, int) and not isinstance(v, bool) for v in labels):
            found[str(item["id"])] = [int(v) for v in labels]
    return found


def records(text: str) -> Iterator[dict[str, Any]]:
    """The JSON objects of a file: one document, a list of them, or one per line."""
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    lines = whole if isinstance(whole, list) else [whole] if whole is not None else []
    if whole is None:
        for line in text.splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    yield from (item for item in lines if isinstance(item, dict))


def parts(record: dict[str, Any], fallback: str) -> Iterator[tuple[str, str, Any]]:
    """(exchange id, "request" or "response", parsed body) found in one captured record."""
    capture = record.get("captureData")
    if isinstance(capture, dict):  # SageMaker data capture: both sides in one record
        meta = record.get("eventMetadata") or {}
        key = str(meta.get("inferenceId") or meta.get("eventId") or fallback)
        for part, name in (("request", "endpointInput"), ("response", "endpointOutput")):
            if isinstance(capture.get(name), dict):
                yield key, part, _sagemaker_body(capture[name])
        return
    if "request_payload" in record:  # a Vertex AI request-response log row (BigQuery)
        key = str(record.get("id") or fallback)
        yield key, "request", _vertex_body(record.get("request_payload"), "instances")
        yield key, "response", _vertex_body(record.get("response_payload"), "predictions")
        return
    kind = str(record.get("type") or record.get("ce-type") or "")
    part = "response" if "response" in kind else "request" if "request" in kind else None
    if part is not None:  # a CloudEvent: KServe's logger (via serve/capture.py), Azure ML
        key = str(record.get("correlationid") or record.get("id") or fallback)
        yield key, part, _json(record.get("data"))


def _vertex_body(payload: Any, name: str) -> Any:
    """A logged payload (REPEATED STRING): one whole JSON body (``rawPredict``), or one
    element per instance (or prediction) of ``predict``."""
    items = [_json(item) for item in payload] if isinstance(payload, list) else []
    whole = {"inputs", "outputs", "instances", "predictions"}
    if len(items) == 1 and isinstance(items[0], dict) and whole & items[0].keys():
        return items[0]
    return {name: items} if items else None


def _sagemaker_body(side: dict[str, Any]) -> Any:
    data = side.get("data")
    if str(side.get("encoding", "")).upper() == "BASE64" and isinstance(data, str):
        data = base64.b64decode(data).decode("utf-8", errors="replace")
    return _json(data)


def _json(value: Any) -> Any:
    if isinstance(value, (str, bytes)):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def feature_rows(body: Any) -> list[list[float]]:
    """The rows of a v2 infer request (one ``[rows, features]`` tensor) or of ``instances``."""
    if not isinstance(body, dict):
        return []
    if isinstance(body.get("instances"), list):
        return [row for row in (_row(item) for item in body["instances"]) if row]
    tensors = body.get("inputs")
    if not (isinstance(tensors, list) and len(tensors) == 1 and isinstance(tensors[0], dict)):
        return []
    shape, data = tensors[0].get("shape"), _flat(tensors[0].get("data"))
    if not (isinstance(shape, list) and len(shape) == 2 and data is not None):
        return []
    rows, width = shape
    if not (isinstance(rows, int) and isinstance(width, int)) or len(data) != rows * width:
        return []
    return [data[i * width : (i + 1) * width] for i in range(rows)]


def served_labels(body: Any, rows: int) -> list[int | None]:
    """The ``label`` output of a v2 answer when it covers every row; else unknown labels."""
    outputs = body.get("outputs") if isinstance(body, dict) else None
    for tensor in outputs if isinstance(outputs, list) else []:
        if isinstance(tensor, dict) and tensor.get("name") == "label":
            data = _flat(tensor.get("data"))
            if data is not None and len(data) == rows:
                return [int(value) for value in data]
    return [None] * rows


def _row(item: Any) -> list[float] | None:
    flat = _flat(item)
    return flat or None


def _flat(value: Any) -> list[float] | None:
    """Numbers of a (nested) list, flattened; None when anything is not a finite number."""
    out: list[float] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            out.append(float(item))
        else:
            return None
    return [v for v in out if v == v and abs(v) != float("inf")] if out else None


def is_smoke(key: str, exchange: dict[str, Any]) -> bool:
    """Whether an exchange is one of CD's smoke requests: its capture id, or the ``id`` of
    its v2 request or answer, starts with ``SMOKE_PREFIX``."""
    ids = [key] + [
        str(body.get("id") or "") for body in exchange.values() if isinstance(body, dict)
    ]
    return any(value.startswith(SMOKE_PREFIX) for value in ids)


def accuracy(labels: list[int | None], truth: list[int | None]) -> tuple[float, int] | None:
    """The share of answers that matched their true label, and how many had one (None:
    no true label yet)."""
    pairs = [
        (served, true)
        for served, true in zip(labels, truth, strict=True)
        if served is not None and true is not None
    ]
    if not pairs:
        return None
    return sum(served == true for served, true in pairs) / len(pairs), len(pairs)


def accuracy_line(scored: tuple[float, int] | None) -> str:
    if scored is None:
        return "\naccuracy: no labels yet\n"
    return f"\naccuracy: {scored[0]:.4f} over {scored[1]} labelled answers\n"
