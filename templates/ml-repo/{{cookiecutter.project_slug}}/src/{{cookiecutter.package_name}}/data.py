"""Read and write the pipeline's tables: numeric CSV, features first, ``target`` last."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

TARGET = "target"


def read_table(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features, integer targets and feature names of a CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    if not header or header[-1] != TARGET:
        raise ValueError(f"{path}: the last column must be named {TARGET!r}")
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return table[:, :-1], table[:, -1].astype(np.int64), header[:-1]


def write_table(path: Path, features: np.ndarray, target: np.ndarray, names: list[str]) -> None:
    """Write features and targets with a header line (fixed precision, so reruns match)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = np.column_stack([features, target])
    formats = ["%.6f"] * features.shape[1] + ["%d"]
    header = ",".join([*names, TARGET])
    np.savetxt(path, table, delimiter=",", header=header, comments="", fmt=formats)
