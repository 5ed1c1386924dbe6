"""Stage ``prepare``: raw CSV files (or a seeded synthetic sample) to train and test tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .data import read_table, write_table
from .params import PARAMS_FILE, PREPARED_DIR, RAW_DIR, load_params


def synthetic_sample(seed: int, n_samples: int, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian classes; the same seed gives the same sample."""
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 2, size=n_samples)
    centres = np.where(target[:, None] == 1, 0.75, -0.75)
    features = rng.normal(loc=centres, scale=1.0, size=(n_samples, n_features))
    return features, target


def load_raw(raw_dir: Path, params: dict[str, int]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Every CSV file in ``raw_dir`` (same columns), or a synthetic sample if there is none."""
    files = sorted(raw_dir.glob("*.csv"))
    if not files:
        n_features = int(params["n_features"])
        features, target = synthetic_sample(
            int(params["seed"]), int(params["n_samples"]), n_features
        )
        return features, target, [f"f{i}" for i in range(n_features)]
    tables = [read_table(path) for path in files]
    names = tables[0][2]
    for path, table in zip(files, tables, strict=True):
        if table[2] != names:
            raise ValueError(f"{path}: columns differ from {files[0]}")
    features = np.concatenate([table[0] for table in tables])
    target = np.concatenate([table[1] for table in tables])
    return features, target, names


def split(
    features: np.ndarray, target: np.ndarray, test_size: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A seeded shuffle split: train features, train target, test features, test target."""
    order = np.random.default_rng(seed).permutation(len(target))
    n_test = max(1, round(len(target) * test_size))
    test, train = order[:n_test], order[n_test:]
    return features[train], target[train], features[test], target[test]


def run(
    raw_dir: Path = RAW_DIR, out_dir: Path = PREPARED_DIR, params_file: Path = PARAMS_FILE
) -> None:
    """Write ``train.csv`` and ``test.csv`` into ``out_dir``."""
    params = load_params("prepare", params_file)
    features, target, names = load_raw(raw_dir, params)
    x_train, y_train, x_test, y_test = split(
        features, target, float(params["test_size"]), int(params["seed"])
    )
    write_table(out_dir / "train.csv", x_train, y_train, names)
    write_table(out_dir / "test.csv", x_test, y_test, names)


if __name__ == "__main__":
    run()
