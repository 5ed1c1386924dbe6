"""The sink of KServe's request logger: each CloudEvent to ``<target>/<service>/yyyy/mm/dd/``.

KServe's logger (``spec.predictor.logger`` with ``mode: all``) POSTs every request and
answer as a binary-mode CloudEvent: the payload is the body, ``Ce-Id`` pairs a request
with its answer, ``Ce-Type`` ends in ``.request`` or ``.response``. This server writes
each event as one JSON object (``id``, ``type``, ``time``, ``source``, ``data``) under a
date partition of the DVC remote's ``monitoring/kserve`` prefix, where the drift
monitor reads the last window. Run it with the repository's lock, whose DVC extra
brings the bucket's fsspec driver (s3fs, gcsfs or adlfs) and signs in with the pod's
workload identity::

    python -m serve.capture --target s3://<bucket>/monitoring/kserve --port 8081
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from typing import Any

from . import Handler as BaseHandler
from . import serve_until_stopped

MAX_BODY = 16 * 1024 * 1024
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Sink:
    """Where events go: an fsspec filesystem and the prefix in it."""

    def __init__(self, target: str) -> None:
        import fsspec
        from fsspec.implementations.local import LocalFileSystem

        self.fs, self.root = fsspec.core.url_to_fs(target)
        self.root = self.root.rstrip("/")
        if isinstance(self.fs, LocalFileSystem):
            self.fs.auto_mkdir = True  # a folder per day; object stores need none

    def path(self, event: dict[str, Any], received: float) -> str:
        service = SAFE.sub("_", str(event.get("inferenceservicename") or "default"))
        kind = "response" if str(event["type"]).endswith("response") else "request"
        name = SAFE.sub("_", str(event["id"]))[:128]
        day, clock = time.strftime("%Y/%m/%d %H%M%S", time.gmtime(received)).split()
        micro = int(received * 1_000_000) % 1_000_000
        return f"{self.root}/{service}/{day}/{clock}{micro:06d}-{name}-{kind}.json"

    def write(self, event: dict[str, Any], received: float) -> str:
        path = self.path(event, received)
        with self.fs.open(path, "wb") as handle:
            handle.write(json.dumps(event, sort_keys=True).encode())
        return path


def event_of(headers: Any, body: bytes) -> dict[str, Any]:
    """The CloudEvent of a binary-mode request (ValueError when it is not one)."""
    attributes = {
        key.lower()[3:]: value for key, value in headers.items() if key.lower().startswith("ce-")
    }
    if not attributes.get("id") or not attributes.get("type"):
        raise ValueError("a CloudEvent needs Ce-Id and Ce-Type headers")
    try:
        data: Any = json.loads(body)
    except ValueError:
        data = body.decode("utf-8", errors="replace")
    return {**attributes, "data": data}


class Handler(BaseHandler):
    sink: Sink

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 <= length <= MAX_BODY:
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large")
            return
        try:
            event = event_of(self.headers, self.rfile.read(length))
        except ValueError as error:
            self._answer(HTTPStatus.BAD_REQUEST, str(error))
            return
        try:
            self.sink.write(event, time.time())  # partitioned by the UTC day it arrived
        except Exception as error:  # any storage failure: the logger sees it and may retry
            self.log_message("cannot store event %s: %r", event["id"], error)
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE, f"cannot store the event: {error}")
            return
        self._answer(HTTPStatus.ACCEPTED, "stored")

    def do_GET(self) -> None:  # liveness
        self._answer(HTTPStatus.OK, "ok")

    def _answer(self, code: HTTPStatus, text: str) -> None:
        self._send(code, text.encode(), "text/plain")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="capture", description=__doc__.split("\n")[0])
    parser.add_argument("--target", required=True, help="e.g. s3://<bucket>/monitoring/kserve")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--host", default="0.0.0.0")  # a container listens on every address
    args = parser.parse_args(argv)
    Handler.sink = Sink(args.target)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    return serve_until_stopped(
        server, f"capturing to {args.target} on {args.host}:{server.server_port}"
    )


if __name__ == "__main__":
    sys.exit(main())
