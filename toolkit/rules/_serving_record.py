"""The ``serving_framework`` record of a deployment pin: what each key names.

A key is a distribution name as PyPI compares them (PEP 503: ``Scikit_Learn`` is
``scikit-learn``). A key that names no distribution the training lock pins (``sklearn``,
the import name; ``pytorch``, the project's name) says nothing that can be compared with
the lock, so the record would vouch for an image without being read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from toolkit.check.views._requirements import canonical

# Names people write for a framework that are not its distribution: import names,
# project names and abbreviations.
ALIASES = {
    "sklearn": "scikit-learn",
    "scikit": "scikit-learn",
    "skl": "scikit-learn",
    "pytorch": "torch",
    "tf": "tensorflow",
    "tf-keras": "keras",
    "lgbm": "lightgbm",
    "lgb": "lightgbm",
    "xgb": "xgboost",
    "onnx-runtime": "onnxruntime",
    "ort": "onnxruntime",
}


class Entry(NamedTuple):
    """One ``name: version`` of the record, its name normalised, and where it is."""

    key: str
    name: str
    version: str
    line: int
    column: int


def entries(pin: Any, record: dict[Any, Any], field: str = "serving_framework") -> list[Entry]:
    """Every entry of the pin's ``field`` mapping (``record``), in file order."""
    found = []
    for key, value in record.items():
        line, column = pin.doc.mark(field, key)
        found.append(Entry(str(key), canonical(str(key)), str(value), line, column))
    return found


def wrong_key(entry: Entry, frameworks: Iterable[str]) -> str:
    """The message for a key that names no distribution the training lock pins."""
    locked = sorted(set(frameworks))
    meant = ALIASES.get(entry.name) or _close(entry.name, locked)
    hint = f"write {meant}, its distribution name" if meant else "write the distribution name"
    listed = ", ".join(locked) or "none"
    return (
        f"serving_framework names {entry.key!r}, which is no distribution the training lock"
        f" pins (its frameworks: {listed}); {hint} (as `pins image` records it)"
    )


def _close(name: str, candidates: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return found[0] if found else None
