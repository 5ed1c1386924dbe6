"""The sink of KServe's request logger: CloudEvents in batches, under hour partitions.

KServe's logger (``spec.predictor.logger`` with ``mode: all``) POSTs every request and
answer as a binary-mode CloudEvent: the payload is the body, ``Ce-Id`` pairs a request
with its answer, ``Ce-Type`` ends in ``.request`` or ``.response``. This server keeps
the events (``id``, ``type``, ``time``, ``source``, ``data``, ...) and writes them as one
JSON Lines object per batch to ``<target>/yyyy/mm/dd/hh/<service>-<time>-<id>.jsonl``:
a batch is written when it holds ``--batch-events`` events, when its oldest event is
``--batch-seconds`` old, when the hour turns, and on shutdown (SIGTERM or Ctrl-C), so
that one object holds many events, never one. The target is the environment's folder
of the DVC remote's ``monitoring/kserve`` prefix (each overlay sets it), where the
drift monitor lists only the window's partitions. Run it with the repository's lock,
whose DVC extra brings the bucket's fsspec driver (s3fs, gcsfs or adlfs) and signs in
with the pod's workload identity::

    python -m serve.capture --target s3://<bucket>/monitoring/kserve/production --port 8081

A batch that cannot be written stays queued (up to ``--batch-events``), and the event
that found it so is refused with a 503 for the logger to retry.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
import time
import uuid
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from typing import Any

from . import Handler as BaseHandler
from . import serve_until_stopped

MAX_BODY = 16 * 1024 * 1024
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Sink:
    """Where batches go: an fsspec filesystem and the prefix in it; the batch being filled."""

    def __init__(self, target: str, max_events: int = 1000, max_seconds: float = 60.0) -> None:
        import fsspec
        from fsspec.implementations.local import LocalFileSystem

        self.fs, self.root = fsspec.core.url_to_fs(target)
        self.root = self.root.rstrip("/")
        if isinstance(self.fs, LocalFileSystem):
            self.fs.auto_mkdir = True  # a folder per hour; object stores need none
        self.max_events, self.max_seconds = max(max_events, 1), max_seconds
        self.events: list[tuple[dict[str, Any], float]] = []
        self.lock = threading.Lock()

    def path(self, event: dict[str, Any], received: float) -> str:
        service = SAFE.sub("_", str(event.get("inferenceservicename") or "default"))
        hour, clock = time.strftime("%Y/%m/%d/%H %Y%m%dT%H%M%S", time.gmtime(received)).split()
        return f"{self.root}/{hour}/{service}-{clock}Z-{uuid.uuid4().hex[:12]}.jsonl"

    def add(self, event: dict[str, Any], received: float) -> None:
        """Queue ``event``; write the batch when it is full or the hour turned. On a storage
        failure the event is taken back (the logger retries it) and the error raised."""
        with self.lock:
            if self.events and _hour(self.events[0][1]) != _hour(received):
                self._flush()  # a batch never spans two hour partitions
            self.events.append((event, received))
            if len(self.events) >= self.max_events:
                try:
                    self._flush()
                except Exception:
                    self.events.pop()
                    raise

    def flush(self, older_than: float | None = None) -> str | None:
        """Write the batch (only if its oldest event is older than ``older_than`` seconds)."""
        with self.lock:
            if not self.events:
                return None
            if older_than is not None and time.time() - self.events[0][1] < older_than:
                return None
            return self._flush()

    def _flush(self) -> str:
        first, received = self.events[0]
        path = self.path(first, received)
        lines = "".join(json.dumps(event, sort_keys=True) + "\n" for event, _ in self.events)
        with self.fs.open(path, "wb") as handle:
            handle.write(lines.encode())
        self.events = []
        return path


def _hour(received: float) -> tuple[int, ...]:
    return tuple(time.gmtime(received)[:4])


def flush_every(sink: Sink, stop: threading.Event) -> None:
    """Write a batch whose oldest event is ``max_seconds`` old, until ``stop``."""
    while not stop.wait(min(sink.max_seconds, 5.0)):
        try:
            sink.flush(older_than=sink.max_seconds)
        except Exception as error:  # kept queued; the next tick or event tries again
            print(f"cannot write the batch: {error!r}", file=sys.stderr, flush=True)


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
            self.sink.add(event, time.time())  # partitioned by the UTC hour it arrived
        except Exception as error:  # any storage failure: the logger sees it and may retry
            self.log_message("cannot store event %s: %r", event["id"], error)
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE, f"cannot store the event: {error}")
            return
        self._answer(HTTPStatus.ACCEPTED, "accepted")

    def do_GET(self) -> None:  # liveness
        self._answer(HTTPStatus.OK, "ok")

    def _answer(self, code: HTTPStatus, text: str) -> None:
        self._send(code, text.encode(), "text/plain")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="capture", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--target", required=True, help="e.g. s3://<bucket>/monitoring/kserve/<env>"
    )
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--host", default="0.0.0.0")  # a container listens on every address
    parser.add_argument("--batch-events", type=int, default=1000, help="events per object")
    parser.add_argument("--batch-seconds", type=float, default=60.0, help="oldest event's age")
    args = parser.parse_args(argv)
    Handler.sink = sink = Sink(args.target, args.batch_events, args.batch_seconds)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    signal.signal(signal.SIGTERM, _interrupt)  # Kubernetes stops a pod with SIGTERM
    stop = threading.Event()
    threading.Thread(target=flush_every, args=(sink, stop), daemon=True).start()
    try:
        return serve_until_stopped(
            server, f"capturing to {args.target} on {args.host}:{server.server_port}"
        )
    finally:
        stop.set()
        _last_flush(sink)


def _last_flush(sink: Sink) -> None:
    """Write what is queued before the process ends (or say what was lost)."""
    try:
        written = sink.flush()
    except Exception as error:
        print(f"lost {len(sink.events)} events: {error!r}", file=sys.stderr, flush=True)
        return
    print(f"wrote {written}" if written else "nothing queued", flush=True)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
