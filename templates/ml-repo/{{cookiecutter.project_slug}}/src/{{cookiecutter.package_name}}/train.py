"""Stage ``train``: fit the model on ``train.csv`` and save it."""

from __future__ import annotations

{% if cookiecutter.ml_framework == 'pytorch' -%}
import json
{% endif -%}
from pathlib import Path

from .data import read_table
from .model import fit, save
{%- if cookiecutter.ml_framework == 'pytorch' %}
from .params import (
    MODEL_FILE,
    PARAMS_FILE,
    PREPARED_DIR,
    TRAINING_CURVE_FILE,
    TRAINING_INFO_FILE,
    load_params,
)


def run(
    prepared_dir: Path = PREPARED_DIR,
    model_file: Path = MODEL_FILE,
    params_file: Path = PARAMS_FILE,
    curve_file: Path = TRAINING_CURVE_FILE,
    info_file: Path = TRAINING_INFO_FILE,
) -> None:
    """Fit on the prepared training table; write ``model_file``, the loss per epoch and
    the device that trained it (the reproducibility check reads it)."""
    params = load_params("train", params_file)
    features, target, _ = read_table(prepared_dir / "train.csv")
    model = fit(features, target, params)
    save(model, model_file)
    curve_file.parent.mkdir(parents=True, exist_ok=True)
    rows = [f"{epoch},{loss:.6f}" for epoch, loss in enumerate(model.losses, start=1)]
    curve_file.write_text("\n".join(["epoch,loss", *rows]) + "\n", encoding="utf-8")
    info = {
        "cuda": int(model.device == "cuda"),
        "final_loss": round(model.losses[-1], 6) if model.losses else None,
    }
    info_file.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
{%- else %}
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
{%- endif %}


if __name__ == "__main__":
    run()
