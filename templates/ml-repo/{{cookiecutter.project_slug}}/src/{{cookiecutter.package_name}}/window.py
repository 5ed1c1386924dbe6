"""Read one environment's window of captured inference data, in bounded time.

Under ``<monitoring>/<sink>/<environment>/`` each sink has its own folders down to a
``yyyy/mm/dd`` partition (``capture.py`` lists them). The reader lists folder names
level by level, descends only into the years, months and days inside the window, and
lists the objects of those days alone: an object outside the window is never listed or
read. Of the objects it finds it reads at most ``max_objects``, a seeded sample (the
same window and seed read the same objects), and counts how many it read of how many.
Feedback (``feedback/<environment>/yyyy/mm/dd/``) counts from the window's first day on,
whenever it arrived. CD's smoke requests are left out and counted.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from {{ cookiecutter.package_name }}.capture import (
    FEEDBACK,
    MAX_OBJECT,
    CaptureError,
    feature_rows,
    feedback,
    filesystem,
    is_smoke,
    parts,
    records,
    served_labels,
)

YEAR, TWO_DIGITS = re.compile(r"\d{4}"), re.compile(r"\d{2}")
NESTING = 3  # folders a sink may keep between <environment>/ and yyyy/ (endpoint, variant)
CHUNK = 64  # objects fetched at once


@dataclass
class Window:
    """The rows captured in ``environment`` between ``start`` and ``end`` (inclusive)."""

    environment: str
    start: date
    end: date
    files: int = 0  # capture objects read
    listed: int = 0  # capture objects in the window (``files`` of them were read)
    smoke: int = 0  # rows of CD's smoke requests, left out
    rows: list[list[float]] = field(default_factory=list)
    labels: list[int | None] = field(default_factory=list)  # what the model answered
    truth: list[int | None] = field(default_factory=list)  # the true label, from feedback
    ids: list[str] = field(default_factory=list)  # each row's request id
    skipped: list[str] = field(default_factory=list)  # objects too large to read
    missing: bool = False  # no sink ever wrote for this environment


def read_window(
    url: str, environment: str, end: date, days: int, max_objects: int, seed: int
) -> Window:
    """``environment``'s capture under ``url`` in the ``days`` up to ``end``, sampled."""
    window = Window(environment, start=end - timedelta(days=max(days, 1) - 1), end=end)
    try:
        return _read(url, window, max(max_objects, 1), seed)
    except Exception as error:  # whatever the driver raises: credentials, access, protocol
        raise CaptureError(f"{type(error).__name__}: {error}") from None


def _read(url: str, window: Window, max_objects: int, seed: int) -> Window:
    fs, root = filesystem(url)
    root = root.rstrip("/")
    sinks = [path for path in folders(fs, root) if _name(path) != FEEDBACK]
    bases = [f"{sink}/{window.environment}" for sink in sinks]
    found = [objects(fs, base, window.start, window.end) for base in bases]
    window.missing = not any(listed is not None for listed in found)
    captured = sorted({path: size for listed in found for path, size in listed or []}.items())
    window.skipped = [path for path, size in captured if size > MAX_OBJECT]
    paths = [path for path, size in captured if size <= MAX_OBJECT]
    window.listed = len(paths)
    chosen = sample(paths, max_objects, f"{seed}:{window.environment}:{window.start}:{window.end}")
    window.files = len(chosen)
    labels = _feedback(fs, f"{root}/{FEEDBACK}/{window.environment}", window.start)
    _fill(window, _exchanges(fs, chosen), labels)
    return window


def sample(paths: list[str], cap: int, seed: str) -> list[str]:
    """``paths`` if they are at most ``cap``; else ``cap`` of them, the same for one seed."""
    if len(paths) <= cap:
        return paths
    return sorted(random.Random(seed).sample(paths, cap))


def objects(fs: Any, base: str, start: date, end: date) -> list[tuple[str, int]] | None:
    """(path, size) of each object in the day partitions from ``start`` to ``end`` under
    ``base`` and its sink folders; None when ``base`` holds nothing at all."""
    entries = _ls(fs, base)
    if not entries:
        return None
    found: list[tuple[str, int]] = []
    for years in _date_roots(fs, entries):
        for day in days(fs, years, start, end):
            listed = fs.find(day, detail=True)
            found += [(path, int(info.get("size") or 0)) for path, info in listed.items()]
    return found


def _date_roots(fs: Any, entries: list[dict[str, Any]]) -> Iterator[list[str]]:
    """The year folders of each folder (``entries`` and up to NESTING levels below)."""
    level = [entries]
    for _ in range(NESTING + 1):
        below = []
        for listed in level:
            subfolders = [str(e["name"]).rstrip("/") for e in listed if e["type"] == "directory"]
            years = [path for path in subfolders if YEAR.fullmatch(_name(path))]
            if years:
                yield years
            else:
                below += [_ls(fs, path) for path in subfolders]
        level = below


def days(fs: Any, years: list[str], start: date, end: date) -> Iterator[str]:
    """The day folders between ``start`` and ``end`` (names only are listed to find them)."""
    for year in years:
        y = int(_name(year))
        if not start.year <= y <= end.year:
            continue
        for month in _numbered(fs, year):
            m = int(_name(month))
            if not (start.year, start.month) <= (y, m) <= (end.year, end.month):
                continue
            for day in _numbered(fs, month):
                try:
                    inside = start <= date(y, m, int(_name(day))) <= end
                except ValueError:
                    continue
                if inside:
                    yield day


def _numbered(fs: Any, folder: str) -> list[str]:
    names = [str(e["name"]).rstrip("/") for e in _ls(fs, folder) if e["type"] == "directory"]
    return [path for path in names if TWO_DIGITS.fullmatch(_name(path))]


def folders(fs: Any, path: str) -> list[str]:
    return [str(e["name"]).rstrip("/") for e in _ls(fs, path) if e["type"] == "directory"]


def _ls(fs: Any, path: str) -> list[dict[str, Any]]:
    try:
        return list(fs.ls(path, detail=True, refresh=True))
    except FileNotFoundError:
        return []


def _name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _texts(fs: Any, paths: list[str]) -> Iterator[tuple[str, str]]:
    for first in range(0, len(paths), CHUNK):
        chunk = paths[first : first + CHUNK]
        fetched = fs.cat(chunk) if len(chunk) > 1 else {chunk[0]: fs.cat_file(chunk[0])}
        for path in chunk:
            yield path, bytes(fetched[path]).decode("utf-8", errors="replace")


def _exchanges(fs: Any, paths: list[str]) -> dict[str, dict[str, Any]]:
    exchanges: dict[str, dict[str, Any]] = {}
    for path, text in _texts(fs, paths):
        for number, record in enumerate(records(text)):
            for key, part, body in parts(record, f"{path}#{number}"):
                exchanges.setdefault(key, {})[part] = body
    return exchanges


def _feedback(fs: Any, base: str, start: date) -> dict[str, list[int]]:
    """The true labels that arrived from ``start`` on (open-ended: they come later)."""
    found = objects(fs, base, start, date.max) or []
    truth: dict[str, list[int]] = {}
    for _, text in _texts(fs, [path for path, size in found if size <= MAX_OBJECT]):
        truth.update(feedback(records(text)))
    return truth


def _fill(
    window: Window, exchanges: dict[str, dict[str, Any]], truth: dict[str, list[int]]
) -> None:
    for key, exchange in exchanges.items():
        rows = feature_rows(exchange.get("request"))
        if is_smoke(key, exchange):
            window.smoke += len(rows)
            continue
        known = truth.get(key, [])
        window.rows += rows
        window.ids += [key] * len(rows)
        window.labels += served_labels(exchange.get("response"), len(rows))
        window.truth += list(known) if len(known) == len(rows) else [None] * len(rows)
