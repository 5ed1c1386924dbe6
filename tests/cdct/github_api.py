"""The part of GitHub's REST API that the drift issue step calls, on 127.0.0.1.

GitHub does not run here; this answers as its documentation says, for one repository:
``POST /repos/{owner}/{repo}/labels`` (201, or 422 ``already_exists``), ``GET
/repos/{owner}/{repo}/issues`` with ``state`` and ``labels`` (pull requests are issues
there too, with a ``pull_request`` key), ``POST .../issues`` (201) and ``POST
.../issues/{number}/comments`` (201). A request without the token is a 401. Every
request is recorded (method, path and query, JSON body) for the test to compare.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "ghs_drift_test"
REPOSITORY = "my-org/my-ml-project"


@dataclass
class Repository:
    """Labels, issues (and pull requests) and comments of one repository."""

    labels: set[str] = field(default_factory=set)
    issues: list[dict[str, Any]] = field(default_factory=list)
    comments: dict[int, list[str]] = field(default_factory=dict)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)

    def add(self, title: str, labels: list[str], state: str = "open", pr: bool = False) -> int:
        number = len(self.issues) + 1
        issue: dict[str, Any] = {"number": number, "title": title, "state": state, "body": ""}
        issue["labels"] = [{"name": name} for name in labels]
        if pr:
            issue["pull_request"] = {"url": f"https://api.github.com/pulls/{number}"}
        self.issues.append(issue)
        return number

    def answer(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        base = f"/repos/{REPOSITORY}"
        if method == "GET" and path == f"{base}/issues":
            return 200, self.listed(query)
        if method != "POST" or not path.startswith(base + "/"):
            return 404, {"message": "Not Found"}
        if not isinstance(body, dict):
            return 400, {"message": "Problems parsing JSON"}
        return self.post(path[len(base) + 1 :], body)

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """``labels``, ``issues`` or ``issues/<number>/comments``."""
        if path == "labels":
            if body["name"] in self.labels:
                return 422, {"message": "Validation Failed", "errors": [{"code": "already_exists"}]}
            self.labels.add(body["name"])
            return 201, {"name": body["name"]}
        if path == "issues":
            number = self.add(body["title"], list(body.get("labels", [])))
            self.issues[-1]["body"] = body["body"]
            return 201, {"number": number}
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "issues" and parts[2] == "comments":
            self.comments.setdefault(int(parts[1]), []).append(body["body"])
            return 201, {"id": len(self.comments[int(parts[1])])}
        return 404, {"message": "Not Found"}

    def listed(self, query: dict[str, str]) -> list[dict[str, Any]]:
        state = query.get("state", "open")
        wanted = {name for name in query.get("labels", "").split(",") if name}
        return [
            issue
            for issue in sorted(self.issues, key=lambda i: -int(i["number"]))
            if (state == "all" or issue["state"] == state)
            and wanted <= {label["name"] for label in issue["labels"]}
        ][: int(query.get("per_page", "30"))]


def _handler(repo: Repository) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parsed.query))
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length)) if length else None
            except ValueError:
                body = None
            repo.requests.append((self.command, self.path, body))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                status, answer = 401, {"message": "Bad credentials"}
            else:
                status, answer = repo.answer(self.command, parsed.path, query, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def github_api(repo: Repository) -> Iterator[str]:
    """The API on a free loopback port, for the duration; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(repo))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
