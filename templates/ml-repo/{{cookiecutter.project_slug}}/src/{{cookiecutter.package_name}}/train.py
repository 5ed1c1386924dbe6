"""Stage ``train``: fit the model on ``train.csv`` and save it."""

from __future__ import annotations

from pathlib import Path

from .data import read_table
from .model import fit, save
from .params import MODEL_FILE, PARAMS_FILE, PREPARED_DIR, load_params


def run(
    prepared_dir: Path = PREPARED_DIR,
    model_file: Path = MODEL_FILE,
    params_file: Path = PARAMS_FILE,
) -> None:
    """Fit on the prepared training table and write ``model_file``."""
    params = load_params("train", params_file)
    features, target, _ = read_table(prepared_dir / "train.csv")
    save(fit(features, target, params), model_file)


if __name__ == "__main__":
    run()
