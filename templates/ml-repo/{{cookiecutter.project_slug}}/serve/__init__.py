"""The model server of this repository: the KServe v2 protocol over the trained model."""

from __future__ import annotations

import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any


class Handler(BaseHTTPRequestHandler):
    """What the model server's and the capture sink's handlers share: the answer, the log."""

    def _send(self, code: HTTPStatus, payload: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def serve_until_stopped(server: HTTPServer, banner: str) -> int:
    """Print ``banner``, answer requests until Ctrl-C or SIGTERM's KeyboardInterrupt, close."""
    print(banner, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
