"""Prometheus metrics of the model server: latency, errors, throughput, predictions, the
inputs (per feature) and the outcomes of past predictions once their labels arrive.

Every sample carries the model's name and its ``version``: the md5 of the pinned model file
(``$MODEL_VERSION``, which each overlay sets from ``deploy/<env>.yaml``), so a canary and
the model it may replace stay apart on the dashboard.

Their names are the contract of the dashboard (deploy/dashboard/dashboard.json) and the
recording rules (deploy/monitoring/prometheus-rule.yaml); ``GET /metrics`` exports them.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

# A bound on the ``feature`` label's values: wider inputs are watched on their first columns.
MAX_FEATURES = 64

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "inference_requests",
    "Requests answered, by model, route and HTTP status (the throughput).",
    ["model", "version", "route", "code"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "inference_request_duration_seconds",
    "Time from request to answer, by model and route.",
    ["model", "version", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=REGISTRY,
)
ERRORS = Counter(
    "inference_errors",
    "Requests that failed, by model and kind (client: a bad request; server: the model failed).",
    ["model", "version", "kind"],
    registry=REGISTRY,
)
SCORES = Histogram(
    "inference_prediction_score",
    "The predicted probability of class 1 (the prediction distribution).",
    ["model", "version"],
    buckets=tuple(step / 10 for step in range(1, 11)),
    registry=REGISTRY,
)
LABELS = Counter(
    "inference_predictions",
    "Predictions made, by predicted label.",
    ["model", "version", "label"],
    registry=REGISTRY,
)


def _per_feature(name: str, documentation: str) -> Counter:
    return Counter(name, documentation, ["model", "version", "feature"], registry=REGISTRY)


# Per-feature moments of the inputs, for drift: counters only grow, so the values are
# summed in a positive and a negative part; mean = (positive - negative) / observations.
FEATURE_OBSERVATIONS = _per_feature(
    "inference_feature_observations", "Input values seen, by feature (column index)."
)
FEATURE_POSITIVE = _per_feature(
    "inference_feature_value_positive", "Sum of the positive input values, by feature."
)
FEATURE_NEGATIVE = _per_feature(
    "inference_feature_value_negative",
    "Sum of the magnitudes of the negative input values, by feature.",
)
FEATURE_SQUARES = _per_feature(
    "inference_feature_value_squares",
    "Sum of the squared input values, by feature (with the mean: their spread).",
)
FEEDBACK = Counter(
    "inference_feedback",
    "Past predictions whose true label arrived, by outcome (correct, incorrect): accuracy.",
    ["model", "version", "outcome"],
    registry=REGISTRY,
)


def observe_features(model: str, version: str, features: Any) -> None:
    """Add a batch (rows x features) to the per-feature moments."""
    for column, values in enumerate(features.T[:MAX_FEATURES]):
        served = (model, version, str(column))
        FEATURE_OBSERVATIONS.labels(*served).inc(len(values))
        FEATURE_POSITIVE.labels(*served).inc(float(values.clip(min=0).sum()))
        FEATURE_NEGATIVE.labels(*served).inc(float((-values).clip(min=0).sum()))
        FEATURE_SQUARES.labels(*served).inc(float((values**2).sum()))
