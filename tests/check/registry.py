"""A container registry on 127.0.0.1 speaking the OCI distribution API, with bearer tokens.

Enough of the protocol for ``--fix`` to ask for a digest as it asks Docker Hub:
a manifest request without a token gets ``401`` and a ``WWW-Authenticate: Bearer``
challenge; the token endpoint hands out a token; with it, the manifest comes
with its ``Docker-Content-Digest``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import urlparse

TOKEN = "local-token"
INDEX = "application/vnd.oci.image.index.v1+json"


def manifest(tag: str) -> bytes:
    """The bytes of the index that ``tag`` names (each tag its own)."""
    document = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [], "annotations": {"t": tag}}
    return json.dumps(document, sort_keys=True).encode()


def digest(tag: str) -> str:
    return "sha256:" + hashlib.sha256(manifest(tag)).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    tags: ClassVar[dict[str, set[str]]] = {}
    requests: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        del format, args

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def _answer(self, with_body: bool) -> None:
        path = urlparse(self.path).path
        self.requests.append(f"{self.command} {path}")
        if path == "/token":
            self._send(200, json.dumps({"token": TOKEN}).encode(), "application/json", with_body)
            return
        repository, _, tag = path.removeprefix("/v2/").rpartition("/manifests/")
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            host = self.headers.get("Host")
            challenge = f'Bearer realm="http://{host}/token",service="local"'
            self.send_response(401)
            self.send_header("WWW-Authenticate", challenge)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if tag not in self.tags.get(repository, set()):
            self._send(404, b"{}", "application/json", with_body)
            return
        body = manifest(tag)
        self._send(200, body, INDEX, with_body, {"Docker-Content-Digest": digest(tag)})

    def _send(
        self,
        status: int,
        body: bytes,
        kind: str,
        with_body: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)


@contextmanager
def registry(tags: dict[str, set[str]]) -> Iterator[tuple[str, list[str]]]:
    """Serve ``tags`` (repository -> tags) on 127.0.0.1; yield ``host:port`` and the log."""
    handler = type("Handler", (_Handler,), {"tags": tags, "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", handler.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
