"""X003's facts: the committed torch table, and the builder that reads it out of wheels.

The builder runs here against a PEP 691 index served on 127.0.0.1 with range
requests, over wheels built in the test; the committed table was made by the
same code against PyPI."""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from toolkit.rules.data import build_torch_table as builder
from toolkit.rules.x_mismatched_torch_versions import torch_for

TABLE = Path(builder.__file__).with_name("torch_table.json")


@pytest.mark.parametrize(
    ("package", "version", "torch"),
    [
        ("torchvision", "0.11.1", "1.10.0"),
        ("torchvision", "0.11.2", "1.10.1"),
        ("torchvision", "0.11.3", "1.10.2"),
        ("torchvision", "0.15.1", "2.0.0"),
        ("torchvision", "0.20.1+cu124", "2.5.1"),
        ("torchaudio", "2.0.1", "2.0.0"),
        ("torchaudio", "0.10.0", "1.10.0"),
    ],
)
def test_known_pairs_come_from_the_wheels(package: str, version: str, torch: str) -> None:
    assert torch_for(package, version) == torch


def test_a_release_the_wheels_do_not_pin_is_not_judged() -> None:
    assert torch_for("torchvision", "0.3.0") is None
    assert torch_for("torchvision", "99.0.0") is None


def test_every_row_names_a_wheel_of_its_own_release() -> None:
    packages = json.loads(TABLE.read_text(encoding="utf-8"))["packages"]
    for package, rows in packages.items():
        for version, row in rows.items():
            assert row["source"].startswith(f"{package}-{version}-"), (package, version)
            assert row["source"].endswith(".whl METADATA")
            assert re.fullmatch(r"\d+\.\d+\.\d+", row["torch"]), (package, version)


def test_the_pin_is_read_in_both_metadata_spellings() -> None:
    assert builder.torch_pin("Name: x\nRequires-Dist: torch (==1.10.0)\n") == "1.10.0"
    assert builder.torch_pin("Requires-Dist: torch==2.5.1; extra == 'a'\n") == "2.5.1"
    assert builder.torch_pin("Requires-Dist: torchvision==0.20.1\n") is None
    assert builder.torch_pin("Requires-Dist: torch>=2\n") is None


def _wheel(name: str, version: str, requires: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as wheel:
        wheel.writestr(f"{name}/__init__.py", "x = 1\n" * 40_000)  # spans several ranges
        lines = [f"Name: {name}", f"Version: {version}", *(f"Requires-Dist: {r}" for r in requires)]
        wheel.writestr(f"{name}-{version}.dist-info/METADATA", "\n".join(lines) + "\n")
    return buffer.getvalue()


class _Index(BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        ranged = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range", ""))
        if ranged:
            body = body[int(ranged.group(1)) : int(ranged.group(2)) + 1]
        self.send_response(206 if ranged else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        del args


@pytest.fixture
def index() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    base = f"http://127.0.0.1:{server.server_port}"
    wheels = {
        "/w/torchvision-0.11.1-cp39-none-any.whl": _wheel(
            "torchvision", "0.11.1", ["torch (==1.10.0)"]
        ),
        "/w/torchvision-0.11.1-cp38-none-any.whl": _wheel("torchvision", "0.11.1", []),
        "/w/torchvision-0.2.0-py3-none-any.whl": _wheel("torchvision", "0.2.0", ["torch"]),
    }
    entries = [
        {"filename": path.rsplit("/", 1)[1], "url": base + path, "size": len(data)}
        for path, data in wheels.items()
    ]
    entries.sort(key=lambda e: -int("cp38" in e["filename"]))  # the pinless wheel first
    _Index.files = {**wheels, "/simple/torchvision/": json.dumps({"files": entries}).encode()}
    _Index.files["/simple/torchaudio/"] = json.dumps({"files": []}).encode()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base + "/simple/{package}/"
    server.shutdown()
    server.server_close()


def test_the_builder_reads_requires_dist_out_of_the_wheels(index: str) -> None:
    table = builder.build(index)
    assert table["packages"] == {
        "torchaudio": {},
        "torchvision": {
            "0.11.1": {"torch": "1.10.0", "source": "torchvision-0.11.1-cp39-none-any.whl METADATA"}
        },
    }
