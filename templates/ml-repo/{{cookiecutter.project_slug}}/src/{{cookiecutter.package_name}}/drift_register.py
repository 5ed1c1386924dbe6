"""Register a drifted window as raw data, each labelled row once, and say why when none is.

``captured-<env>-<first day>-<last day>.csv`` holds the window's rows that have a true
label (features and that label); beside it, ``captured-<env>-<first day>-<last day>.ids`` lists the
request ids of those rows, one JSON string a line, and is committed with the ``.dvc``
pointer. Drift windows overlap (a daily run over the last seven days), so a request id
that an earlier ``.ids`` file of the folder lists is never registered again.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from {{ cookiecutter.package_name }}.capture import FEEDBACK
from {{ cookiecutter.package_name }}.data import write_table
from {{ cookiecutter.package_name }}.window import Window

IDS_SUFFIX = ".ids"


@dataclass(frozen=True)
class Registered:
    """What ``register`` did: the CSV it wrote (None: nothing) and, if none, why."""

    path: Path | None = None
    reason: str = ""


def registered_ids(folder: Path) -> set[str]:
    """Every request id that an earlier snapshot in ``folder`` holds (unreadable lines skipped)."""
    found: set[str] = set()
    for path in sorted(folder.glob(f"captured-*{IDS_SUFFIX}")) if folder.is_dir() else []:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, str):
                found.add(value)
    return found


def register(window: Window, names: list[str], folder: Path) -> Registered:
    """Write the window's labelled rows that no earlier snapshot holds; what happened."""
    labelled = [
        (key, row, label)
        for key, row, label in zip(window.ids, window.rows, window.truth, strict=True)
        if label is not None and len(row) == len(names)
    ]
    if not labelled:
        print("drift: no true label in the window yet; nothing registered", file=sys.stderr)
        return Registered(reason="no-labels")
    known = registered_ids(folder)
    new = [(key, row, label) for key, row, label in labelled if key not in known]
    if not new:
        print(
            f"drift: the window's {len(labelled)} labelled rows are registered already;"
            " nothing registered",
            file=sys.stderr,
        )
        return Registered(reason="already")
    name = f"captured-{window.environment}-{window.start:%Y%m%d}-{window.end:%Y%m%d}.csv"
    path = folder / name
    features = np.asarray([row for _, row, _ in new], dtype=np.float64)
    write_table(path, features, np.asarray([label for _, _, label in new]), names)
    ids = list(dict.fromkeys(key for key, _, _ in new))
    path.with_suffix(IDS_SUFFIX).write_text(
        "".join(json.dumps(key) + "\n" for key in ids), encoding="utf-8"
    )
    before = len(labelled) - len(new)
    note = f" ({before} registered before)" if before else ""
    print(f"registered {len(new)} captured rows as {path.as_posix()}{note}")
    return Registered(path=path)


def note(done: Registered, url: str, environment: str) -> str:
    """The Markdown paragraph that says what became of a drifted window."""
    if done.path is not None:
        return f"\nThe captured window is registered as `{done.path.as_posix()}`.\n"
    if done.reason == "no-labels":
        return (
            "\nNo true label has arrived for this window yet, so nothing was registered"
            " and retraining would see no new data. No labels yet: send feedback to"
            f" `{url}/{FEEDBACK}/{environment}/yyyy/mm/dd/` as JSON lines,"
            ' `{"id": "<request id>", "labels": [<one per row>]}`;'
            " a later run registers the labelled rows.\n"
        )
    if done.reason == "already":
        return (
            "\nEvery labelled row of this window is registered already (an earlier"
            " snapshot holds it): nothing new to retrain on.\n"
        )
    return ""
