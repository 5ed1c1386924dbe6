"""The pipeline end to end on small data, and its building blocks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from {{ cookiecutter.package_name }} import data, evaluate, {{ 'model, ' if cookiecutter.ml_framework == 'pytorch' }}prepare, train

PARAMS_FILE = Path(__file__).resolve().parents[1] / "params.yaml"


def test_synthetic_sample_is_seeded() -> None:
    first = prepare.synthetic_sample(seed=7, n_samples=50, n_features=3)
    again = prepare.synthetic_sample(seed=7, n_samples=50, n_features=3)
    other = prepare.synthetic_sample(seed=8, n_samples=50, n_features=3)
    assert np.array_equal(first[0], again[0])
    assert np.array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])
    assert first[0].shape == (50, 3)


def test_split_keeps_every_row_once() -> None:
    features = np.arange(20, dtype=float).reshape(10, 2)
    target = np.arange(10) % 2
    x_train, y_train, x_test, y_test = prepare.split(features, target, 0.3, seed=1)
    assert len(y_test) == 3
    assert len(y_train) == 7
    rows = sorted(map(tuple, np.concatenate([x_train, x_test]).tolist()))
    assert rows == sorted(map(tuple, features.tolist()))


def test_prepare_reads_raw_csv_files(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    features = np.array([[0.5, 1.0], [1.5, -2.0], [0.0, 0.25], [3.0, 1.0]])
    data.write_table(raw / "part.csv", features, np.array([0, 1, 0, 1]), ["height", "width"])
    prepare.run(raw_dir=raw, out_dir=tmp_path / "prepared", params_file=PARAMS_FILE)
    train_x, _, names = data.read_table(tmp_path / "prepared" / "train.csv")
    test_x, _, _ = data.read_table(tmp_path / "prepared" / "test.csv")
    assert names == ["height", "width"]
    assert len(train_x) + len(test_x) == 4


def test_metrics_for_perfect_predictions() -> None:
    target = np.array([0, 1, 1, 0])
    metrics = evaluate.metrics_for(target, target.astype(float), threshold=0.5)
    assert metrics["accuracy"] == 1.0
    assert metrics["f1"] == 1.0
    assert metrics["log_loss"] == pytest.approx(0.0, abs=1e-6)


def test_pipeline_learns_the_synthetic_sample(tmp_path: Path) -> None:
    prepared, model_file = tmp_path / "prepared", tmp_path / "models" / "model"
    prepare.run(raw_dir=tmp_path / "empty", out_dir=prepared, params_file=PARAMS_FILE)
    train.run(
        prepared_dir=prepared,
        model_file=model_file,
        params_file=PARAMS_FILE,
{%- if cookiecutter.ml_framework == 'pytorch' %}
        curve_file=tmp_path / "training.csv",
        info_file=tmp_path / "training.json",
{%- endif %}
    )
    metrics = evaluate.run(
        prepared_dir=prepared,
        model_file=model_file,
        metrics_file=tmp_path / "metrics.json",
        params_file=PARAMS_FILE,
        roc_file=tmp_path / "roc.csv",
        predictions_file=tmp_path / "predictions.csv",
    )
    assert json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8")) == metrics
    assert metrics["accuracy"] > 0.8
    assert metrics["roc_auc"] > 0.9
    roc = (tmp_path / "roc.csv").read_text(encoding="utf-8").splitlines()
    assert roc[0] == "fpr,tpr,threshold" and roc[1].startswith("0.000000,0.000000,")
    assert roc[-1].startswith("1.000000,1.000000,")
    predictions = (tmp_path / "predictions.csv").read_text(encoding="utf-8").splitlines()
    assert predictions[0] == "actual,predicted" and len(predictions) == 201
{%- if cookiecutter.ml_framework == 'pytorch' %}
    curve = (tmp_path / "training.csv").read_text(encoding="utf-8").splitlines()
    assert curve[0] == "epoch,loss" and len(curve) == 1 + 60
    assert float(curve[-1].split(",")[1]) < float(curve[1].split(",")[1])
{%- endif %}


def test_roc_auc_of_a_perfect_and_a_useless_ranking() -> None:
    target = np.array([0, 0, 1, 1])
    assert evaluate.roc_auc(target, np.array([0.1, 0.2, 0.8, 0.9])) == pytest.approx(1.0)
    assert evaluate.roc_auc(target, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.5)
{%- if cookiecutter.ml_framework == 'pytorch' %}


def test_training_twice_gives_the_same_model(tmp_path: Path) -> None:
    """Seeded, with deterministic kernels: the same weights, losses and file bytes."""
    features, target = prepare.synthetic_sample(seed=3, n_samples=200, n_features=4)
    params = {"seed": 7, "hidden_units": 8, "epochs": 5, "learning_rate": 0.05}
    first, second = model.fit(features, target, params), model.fit(features, target, params)
    assert first.losses == second.losses
    # torch.save names the archive's folder after the file: the same name in two folders.
    model.save(first, tmp_path / "first" / "model.pt")
    model.save(second, tmp_path / "second" / "model.pt")
    saved = [(tmp_path / run / "model.pt").read_bytes() for run in ("first", "second")]
    assert saved[0] == saved[1]


def test_training_uses_cuda_when_a_gpu_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert model.device().type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert model.device().type == "cpu"
{%- endif %}
