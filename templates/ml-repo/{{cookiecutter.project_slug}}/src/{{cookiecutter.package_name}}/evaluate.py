"""Stage ``evaluate``: score the model on ``test.csv`` and write ``metrics.json``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .data import read_table
from .model import load, predict_proba
from .params import METRICS_FILE, MODEL_FILE, PARAMS_FILE, PREPARED_DIR, load_params


def metrics_for(target: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float]:
    """Accuracy, precision, recall, F1 and log loss of binary predictions."""
    predicted = (proba >= threshold).astype(np.int64)
    true_positives = float(np.sum((predicted == 1) & (target == 1)))
    precision = true_positives / max(float(np.sum(predicted == 1)), 1.0)
    recall = true_positives / max(float(np.sum(target == 1)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    clipped = np.clip(proba, 1e-12, 1 - 1e-12)
    log_loss = -np.mean(target * np.log(clipped) + (1 - target) * np.log(1 - clipped))
    values = {
        "accuracy": float(np.mean(predicted == target)),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "log_loss": float(log_loss),
    }
    return {name: round(value, 6) for name, value in values.items()}


def run(
    prepared_dir: Path = PREPARED_DIR,
    model_file: Path = MODEL_FILE,
    metrics_file: Path = METRICS_FILE,
    params_file: Path = PARAMS_FILE,
) -> dict[str, float]:
    """Write the test metrics as JSON (sorted keys, so diffs stay small) and return them."""
    params = load_params("evaluate", params_file)
    features, target, _ = read_table(prepared_dir / "test.csv")
    metrics = metrics_for(
        target, predict_proba(load(model_file), features), float(params["threshold"])
    )
    metrics_file.parent.mkdir(parents=True, exist_ok=True)
    metrics_file.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return metrics


if __name__ == "__main__":
    run()
