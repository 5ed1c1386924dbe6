"""Paths and parameters shared by the pipeline stages (they run from the repository root)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PARAMS_FILE = Path("params.yaml")
RAW_DIR = Path("data/raw")
PREPARED_DIR = Path("data/prepared")
MODEL_FILE = Path("models/model.{{ 'pt' if cookiecutter.ml_framework == 'pytorch' else 'joblib' }}")
METRICS_FILE = Path("metrics.json")
# Plots data: git-tracked (cache: false in dvc.yaml) so that a pull request shows them.
EVAL_DIR = Path("eval")
ROC_FILE = EVAL_DIR / "roc.csv"
PREDICTIONS_FILE = EVAL_DIR / "predictions.csv"
{%- if cookiecutter.ml_framework == 'pytorch' %}
TRAINING_CURVE_FILE = EVAL_DIR / "training.csv"
TRAINING_INFO_FILE = EVAL_DIR / "training.json"
{%- endif %}


def load_params(section: str, path: Path = PARAMS_FILE) -> dict[str, Any]:
    """One top-level section of ``params.yaml``."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return dict(data[section])
