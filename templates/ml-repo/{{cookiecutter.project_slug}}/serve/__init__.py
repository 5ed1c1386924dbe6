"""The model server of this repository: the KServe v2 protocol over the trained model."""

from __future__ import annotations

from http.server import HTTPServer


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
