"""Stage ``evaluate``: score the model on ``test.csv`` and write ``metrics.json``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .data import read_table
from .model import load, predict_proba
from .params import (
    METRICS_FILE,
    MODEL_FILE,
    PARAMS_FILE,
    PREDICTIONS_FILE,
    PREPARED_DIR,
    ROC_FILE,
    load_params,
)


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
    values["roc_auc"] = roc_auc(target, proba)
    return {name: round(value, 6) for name, value in values.items()}


def roc_points(target: np.ndarray, proba: np.ndarray) -> list[tuple[float, float, float]]:
    """``(fpr, tpr, threshold)`` at each distinct score, from (0, 0) to (1, 1)."""
    order = np.argsort(-proba, kind="stable")
    scores, labels = proba[order], target[order]
    last = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    true_pos = np.cumsum(labels)[last]
    false_pos = (last + 1) - true_pos
    positives, negatives = max(int(labels.sum()), 1), max(len(labels) - int(labels.sum()), 1)
    points = [(0.0, 0.0, 1.0)]
    for fp, tp, index in zip(false_pos, true_pos, last, strict=True):
        points.append((float(fp) / negatives, float(tp) / positives, float(scores[index])))
    return points


def roc_auc(target: np.ndarray, proba: np.ndarray) -> float:
    """The area under the ROC curve (trapezoids)."""
    fpr, tpr, _ = (np.array(column) for column in zip(*roc_points(target, proba), strict=True))
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def write_plots(
    target: np.ndarray, proba: np.ndarray, threshold: float, roc_file: Path, predictions_file: Path
) -> None:
    """The ROC curve and each test row's actual and predicted class, as CSV for `dvc plots`."""
    roc_file.parent.mkdir(parents=True, exist_ok=True)
    rows = [f"{fpr:.6f},{tpr:.6f},{cut:.6f}" for fpr, tpr, cut in roc_points(target, proba)]
    roc_file.write_text("\n".join(["fpr,tpr,threshold", *rows]) + "\n", encoding="utf-8")
    predicted = (proba >= threshold).astype(np.int64)
    pairs = [f"{int(a)},{int(b)}" for a, b in zip(target, predicted, strict=True)]
    predictions_file.parent.mkdir(parents=True, exist_ok=True)
    predictions_file.write_text("\n".join(["actual,predicted", *pairs]) + "\n", encoding="utf-8")


def run(
    prepared_dir: Path = PREPARED_DIR,
    model_file: Path = MODEL_FILE,
    metrics_file: Path = METRICS_FILE,
    params_file: Path = PARAMS_FILE,
    roc_file: Path = ROC_FILE,
    predictions_file: Path = PREDICTIONS_FILE,
) -> dict[str, float]:
    """Write the test metrics as JSON (sorted keys, so diffs stay small), the plots data,
    and return the metrics."""
    params = load_params("evaluate", params_file)
    features, target, _ = read_table(prepared_dir / "test.csv")
    proba = predict_proba(load(model_file), features)
    threshold = float(params["threshold"])
    metrics = metrics_for(target, proba, threshold)
    write_plots(target, proba, threshold, roc_file, predictions_file)
    metrics_file.parent.mkdir(parents=True, exist_ok=True)
    metrics_file.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return metrics


if __name__ == "__main__":
    run()
