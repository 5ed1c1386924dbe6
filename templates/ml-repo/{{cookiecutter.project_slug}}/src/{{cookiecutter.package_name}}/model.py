{%- if cookiecutter.ml_framework == 'pytorch' -%}
"""The model: a small PyTorch MLP for binary classification."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# cuBLAS is deterministic only with a fixed workspace; set before CUDA starts.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import torch
from torch import nn


@dataclass
class Model:
    """A trained network with the shape needed to rebuild it, and how it was trained."""

    net: nn.Module
    n_features: int
    hidden_units: int
    device: str = "cpu"
    losses: list[float] = field(default_factory=list)


def device() -> torch.device:
    """CUDA when a GPU is there (the CT runners), else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _network(n_features: int, hidden_units: int) -> nn.Module:
    return nn.Sequential(nn.Linear(n_features, hidden_units), nn.ReLU(), nn.Linear(hidden_units, 1))


def fit(features: np.ndarray, target: np.ndarray, params: dict[str, Any]) -> Model:
    """Full-batch Adam on the logistic loss, on CUDA when present, else on the CPU.

    Seeded and with deterministic kernels, so two runs on the same device give the
    same weights; a CUDA run and a CPU run differ in the last bits.
    """
    torch.manual_seed(int(params["seed"]))
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    where = device()
    hidden_units = int(params["hidden_units"])
    net = _network(features.shape[1], hidden_units).to(where)
    optimiser = torch.optim.Adam(net.parameters(), lr=float(params["learning_rate"]))
    loss_fn = nn.BCEWithLogitsLoss()
    inputs = torch.as_tensor(features, dtype=torch.float32, device=where)
    labels = torch.as_tensor(target, dtype=torch.float32, device=where).unsqueeze(1)
    losses = []
    net.train()
    for _ in range(int(params["epochs"])):
        optimiser.zero_grad()
        loss = loss_fn(net(inputs), labels)
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach().cpu()))
    net.eval()
    return Model(net.cpu(), features.shape[1], hidden_units, where.type, losses)


def predict_proba(model: Model, features: np.ndarray) -> np.ndarray:
    """The probability of class 1 for each row."""
    with torch.no_grad():
        logits = model.net(torch.as_tensor(features, dtype=torch.float32))
    return torch.sigmoid(logits).squeeze(1).numpy().astype(np.float64)


def save(model: Model, path: Path) -> None:
    """Write the weights and shape (a state dict, loadable with ``weights_only=True``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "n_features": model.n_features,
        "hidden_units": model.hidden_units,
        "state_dict": model.net.state_dict(),
    }
    torch.save(state, path)


def load(path: Path) -> Model:
    """Rebuild the network from ``save``'s file without unpickling code."""
    state = torch.load(path, weights_only=True)
    net = _network(int(state["n_features"]), int(state["hidden_units"]))
    net.load_state_dict(state["state_dict"])
    net.eval()
    return Model(net, int(state["n_features"]), int(state["hidden_units"]))
{%- else -%}
"""The model: a scikit-learn logistic regression for binary classification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression


def fit(features: np.ndarray, target: np.ndarray, params: dict[str, Any]) -> LogisticRegression:
    """Fit with the ``train`` parameters of ``params.yaml``."""
    model = LogisticRegression(
        C=float(params["c"]), max_iter=int(params["max_iter"]), random_state=int(params["seed"])
    )
    model.fit(features, target)
    return model


def predict_proba(model: LogisticRegression, features: np.ndarray) -> np.ndarray:
    """The probability of class 1 for each row."""
    return np.asarray(model.predict_proba(features)[:, 1], dtype=np.float64)


def save(model: LogisticRegression, path: Path) -> None:
    """Write the model with joblib (the format KServe's sklearn server reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)


def load(path: Path) -> LogisticRegression:
    """Read a model written by :func:`save`; joblib unpickles, so load only your own files."""
    model: LogisticRegression = joblib.load(path)
    return model
{%- endif %}
