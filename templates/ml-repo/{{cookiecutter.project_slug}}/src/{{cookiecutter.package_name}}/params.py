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


def load_params(section: str, path: Path = PARAMS_FILE) -> dict[str, Any]:
    """One top-level section of ``params.yaml``."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return dict(data[section])
