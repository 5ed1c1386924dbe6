"""Serve the trained model over the KServe v2 protocol, with Prometheus metrics.

Run from the repository root with the folder that holds the package on the path
(the image does this)::

    PYTHONPATH=src/{{ cookiecutter.package_name }}/.. python -m serve.server --model_name {{ cookiecutter.project_slug }} --model_dir models --unpinned

The model is loaded with this repository's own ``{{ cookiecutter.package_name }}.model.load``, so
the server reads exactly what ``dvc repro`` wrote. The file is ``$MLSERVER_MODEL_URI``
(the overlays set it to the file KServe's storage initializer makes of the pin) or
the only file in ``--model_dir``.

Before loading it, the server checks that the file's md5 is the pinned one,
``$MODEL_VERSION`` (serve/pinned.py): a model file that differs is refused, never loaded,
and the server exits 1, so a rollout's smoke test fails and rolls back. ``--unpinned``
serves a model you trained yourself with no pin (a local run).

Routes: ``GET /v2/health/live``, ``GET /v2/health/ready``, ``GET /v2``,
``GET /v2/models/<name>``, ``GET /v2/models/<name>/ready``,
``POST /v2/models/<name>/infer`` and ``GET /metrics``; for SageMaker, which calls every
container the same way, ``GET /ping`` and ``POST /invocations`` (the v2 infer). On a port
of its own, ``--feedback_port`` (8082) on ``--feedback_host`` (127.0.0.1: reachable from
inside the pod only, never through the Service), ``POST /v2/models/<name>/feedback`` takes
the true labels of past predictions, once known: ``{"predicted": [0, 1], "actual": [0, 0]}``,
for the accuracy panel.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from {{ cookiecutter.package_name }} import model as trained
from {{ cookiecutter.package_name }}.capture import SMOKE_PREFIX

from . import Handler as BaseHandler
from . import fetch_model, metrics, serve_until_stopped
from .pinned import MODEL_VERSION_ENV, Refused, verified
from .protocol import BadRequest, decode, encode, feedback, metadata

PLATFORM = "{{ 'pytorch' if cookiecutter.ml_framework == 'pytorch' else 'sklearn' }}"
MODEL_FILE_ENV = "MLSERVER_MODEL_URI"
MAX_BODY = 16 * 1024 * 1024


class Served:
    """The loaded model and what the handler needs to answer for it."""

    def __init__(self, name: str, path: Path, threshold: float, version: str) -> None:
        self.name, self.threshold, self.version = name, threshold, version
        self.model = trained.load(path)
        width = getattr(self.model, "n_features", getattr(self.model, "n_features_in_", None))
        self.n_features = int(width) if width is not None else None

    def infer(self, body: Any, observe: bool = True) -> dict[str, Any]:
        """The v2 answer; with ``observe`` off (CD's smoke requests) no feature, score or
        label is counted, so the prediction distribution holds real traffic only."""
        features = decode(body, self.n_features)
        scores = trained.predict_proba(self.model, features)
        if not observe:
            return encode(self.name, body.get("id"), scores, self.threshold)
        metrics.observe_features(self.name, self.version, features)
        for score, label in zip(scores, scores >= self.threshold, strict=True):
            metrics.SCORES.labels(self.name, self.version).observe(float(score))
            metrics.LABELS.labels(self.name, self.version, str(int(label))).inc()
        return encode(self.name, body.get("id"), scores, self.threshold)


def model_path(model_dir: Path) -> Path:
    """``$MLSERVER_MODEL_URI``, Vertex AI's ``$AIP_STORAGE_URI`` copy, or the one file in ``model_dir``."""
    named = os.environ.get(MODEL_FILE_ENV)
    if named:
        return Path(named)
    fetched = fetch_model.from_vertex()
    if fetched:
        return fetched
    files = sorted(p for p in model_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    if len(files) != 1:
        raise SystemExit(f"{model_dir}: expected one model file, found {len(files)}")
    return files[0]


class Handler(BaseHandler):
    """The inference port: health, metadata, infer and metrics (what the Service exposes)."""

    served: Served
    server_version = "{{ cookiecutter.project_slug }}-serve"

    def post_routes(self) -> dict[str, str]:
        # SageMaker's /invocations is the v2 infer, counted as such on the dashboard.
        return {f"/v2/models/{self.served.name}/infer": "infer", "/invocations": "infer"}

    def do_GET(self) -> None:
        name = self.served.name
        routes: dict[str, Any] = {
            "/v2/health/live": {"live": True},
            "/v2/health/ready": {"ready": True},
            "/ping": {"ready": True},
            "/v2": {"name": self.server_version, "version": "2", "extensions": []},
            f"/v2/models/{name}": metadata(name, PLATFORM, self.served.n_features),
            f"/v2/models/{name}/ready": {"name": name, "ready": True},
        }
        if self.path == "/metrics":
            self._send(HTTPStatus.OK, generate_latest(metrics.REGISTRY), CONTENT_TYPE_LATEST)
        elif self.path in routes:
            self._json(HTTPStatus.OK, routes[self.path])
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no route {self.path}"})

    def do_POST(self) -> None:
        route = self.post_routes().get(self.path)
        if route is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no route {self.path}"})
            return
        started = time.perf_counter()
        code, answer, route = self._answer(route)
        served = (self.served.name, self.served.version)
        metrics.LATENCY.labels(*served, route).observe(time.perf_counter() - started)
        metrics.REQUESTS.labels(*served, route, str(int(code))).inc()
        self._json(code, answer)

    def _answer(self, route: str) -> tuple[HTTPStatus, dict[str, Any], str]:
        """The answer and the route it counts under: CD's smoke requests (a v2 ``id``
        starting with ``SMOKE_PREFIX``) count as ``smoke``, never as ``infer``."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                raise BadRequest(f"a body of 1 to {MAX_BODY} bytes is expected")
            body = json.loads(self.rfile.read(length))
            if route == "feedback":
                return HTTPStatus.OK, self._feedback(body), route
            if isinstance(body, dict) and str(body.get("id") or "").startswith(SMOKE_PREFIX):
                return HTTPStatus.OK, self.served.infer(body, observe=False), "smoke"
            return HTTPStatus.OK, self.served.infer(body), route
        except (BadRequest, json.JSONDecodeError, UnicodeDecodeError) as error:
            metrics.ERRORS.labels(self.served.name, self.served.version, "client").inc()
            return HTTPStatus.BAD_REQUEST, {"error": str(error)}, route
        except Exception as error:  # the model failed: answer 500, keep serving
            metrics.ERRORS.labels(self.served.name, self.served.version, "server").inc()
            return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": type(error).__name__}, route

    def _feedback(self, body: Any) -> dict[str, Any]:
        correct, incorrect = feedback(body)
        served = (self.served.name, self.served.version)
        metrics.FEEDBACK.labels(*served, "correct").inc(correct)
        metrics.FEEDBACK.labels(*served, "incorrect").inc(incorrect)
        return {"model_name": self.served.name, "correct": correct, "incorrect": incorrect}

    def _json(self, code: HTTPStatus, body: dict[str, Any]) -> None:
        self._send(code, json.dumps(body).encode(), "application/json")


class FeedbackHandler(Handler):
    """The feedback port: the true labels of past predictions, for the accuracy panel.

    Apart from the inference port, which every client of the Service reaches with no
    authentication: it listens on 127.0.0.1 by default, which no Service, InferenceService
    or managed endpoint routes to, so only whoever may enter the pod (``kubectl
    port-forward``, Kubernetes RBAC) can move the accuracy panel.
    """

    def post_routes(self) -> dict[str, str]:
        return {f"/v2/models/{self.served.name}/feedback": "feedback"}

    def do_GET(self) -> None:
        self._json(HTTPStatus.NOT_FOUND, {"error": f"no route {self.path}"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="serve", description=__doc__.split("\n")[0])
    parser.add_argument("--model_name", default="{{ cookiecutter.project_slug }}")
    parser.add_argument("--model_dir", type=Path, default=Path("/mnt/models"))
    parser.add_argument("--http_port", type=int, default=8080)
    parser.add_argument("--host", default="0.0.0.0")  # a container listens on every address
    parser.add_argument("--feedback_port", type=int, default=8082)
    parser.add_argument("--feedback_host", default="127.0.0.1")  # inside the pod only
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument(
        "--unpinned", action="store_true", help="serve a model of your own with no pinned md5"
    )
    args, _ = parser.parse_known_args(argv)  # KServe may pass flags this server does not use
    path = model_path(args.model_dir)
    try:
        version = verified(path, os.environ.get(MODEL_VERSION_ENV), args.unpinned)
    except (Refused, OSError) as error:
        print(f"serve: {error}", file=sys.stderr)
        return 1
    Handler.served = Served(args.model_name, path, args.threshold, version)
    server = ThreadingHTTPServer((args.host, args.http_port), Handler)
    feedback_server = ThreadingHTTPServer((args.feedback_host, args.feedback_port), FeedbackHandler)
    threading.Thread(target=feedback_server.serve_forever, daemon=True).start()
    banner = (
        f"serving {args.model_name} on {args.host}:{server.server_port}\n"
        f"feedback on {args.feedback_host}:{feedback_server.server_port}"
    )
    try:
        return serve_until_stopped(server, banner)
    finally:
        feedback_server.shutdown()
        feedback_server.server_close()


if __name__ == "__main__":
    sys.exit(main())
