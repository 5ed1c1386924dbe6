"""Prometheus metrics of the model server: latency, errors, throughput, predictions.

Their names are the contract of the dashboards and alerts; ``GET /metrics`` exports them.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "inference_requests",
    "Requests answered, by model, route and HTTP status (the throughput).",
    ["model", "route", "code"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "inference_request_duration_seconds",
    "Time from request to answer, by model and route.",
    ["model", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=REGISTRY,
)
ERRORS = Counter(
    "inference_errors",
    "Requests that failed, by model and kind (client: a bad request; server: the model failed).",
    ["model", "kind"],
    registry=REGISTRY,
)
SCORES = Histogram(
    "inference_prediction_score",
    "The predicted probability of class 1 (the prediction distribution).",
    ["model"],
    buckets=tuple(step / 10 for step in range(1, 11)),
    registry=REGISTRY,
)
LABELS = Counter(
    "inference_predictions",
    "Predictions made, by predicted label.",
    ["model", "label"],
    registry=REGISTRY,
)
