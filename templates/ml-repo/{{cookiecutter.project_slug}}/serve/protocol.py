"""The KServe v2 (Open Inference) protocol: decode an infer request, encode the answer.

Only what a tabular classifier needs: one input tensor of shape ``[rows, features]``
(row-major ``data``, flat or nested), two output tensors (``probability``, ``label``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

NUMERIC = {
    "BOOL", "UINT8", "UINT16", "UINT32", "UINT64",
    "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64",
}  # fmt: skip


class BadRequest(ValueError):
    """A request the client must fix (HTTP 400)."""


def decode(body: Any, n_features: int | None) -> np.ndarray:
    """The feature matrix of an infer request body (the parsed JSON)."""
    if not isinstance(body, dict) or not isinstance(body.get("inputs"), list):
        raise BadRequest("the request needs an 'inputs' list")
    if len(body["inputs"]) != 1:
        raise BadRequest("exactly one input tensor is expected")
    tensor = body["inputs"][0]
    if not isinstance(tensor, dict):
        raise BadRequest("an input tensor is an object with name, shape, datatype and data")
    if tensor.get("datatype") not in NUMERIC:
        raise BadRequest(f"datatype {tensor.get('datatype')!r} is not numeric")
    shape = tensor.get("shape")
    if not isinstance(shape, list) or len(shape) != 2 or not all(_count(s) for s in shape):
        raise BadRequest("shape must be [rows, features]")
    if n_features is not None and shape[1] != n_features:
        raise BadRequest(f"the model takes {n_features} features, the request has {shape[1]}")
    try:
        values = np.asarray(tensor.get("data"), dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise BadRequest(f"data is not numeric: {error}") from None
    if values.size != shape[0] * shape[1]:
        raise BadRequest(
            f"data has {values.size} values, shape {shape} needs {shape[0] * shape[1]}"
        )
    if not np.isfinite(values).all():
        raise BadRequest("data holds NaN or infinity")
    return values.reshape(shape)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def encode(
    model_name: str, request_id: Any, scores: np.ndarray, threshold: float
) -> dict[str, Any]:
    """The infer response: the probability of class 1 and the label at ``threshold``."""
    labels = (scores >= threshold).astype(np.int64)
    rows = [len(scores)]
    answer: dict[str, Any] = {
        "model_name": model_name,
        "outputs": [
            {"name": "probability", "shape": rows, "datatype": "FP64", "data": scores.tolist()},
            {"name": "label", "shape": rows, "datatype": "INT64", "data": labels.tolist()},
        ],
    }
    if isinstance(request_id, str):
        answer["id"] = request_id
    return answer


def metadata(model_name: str, platform: str, n_features: int | None) -> dict[str, Any]:
    """The model metadata answer (``GET /v2/models/<name>``)."""
    return {
        "name": model_name,
        "versions": [],
        "platform": platform,
        "inputs": [{"name": "features", "datatype": "FP64", "shape": [-1, n_features or -1]}],
        "outputs": [
            {"name": "probability", "datatype": "FP64", "shape": [-1]},
            {"name": "label", "datatype": "INT64", "shape": [-1]},
        ],
    }


def feedback(body: Any) -> tuple[int, int]:
    """(correct, incorrect) of a feedback body: the labels predicted and the true ones."""
    if not isinstance(body, dict):
        raise BadRequest("feedback is an object with 'predicted' and 'actual' lists")
    predicted, actual = body.get("predicted"), body.get("actual")
    if not isinstance(predicted, list) or not isinstance(actual, list):
        raise BadRequest("feedback needs 'predicted' and 'actual' lists")
    if len(predicted) != len(actual) or not predicted:
        raise BadRequest("'predicted' and 'actual' must be non-empty and of one length")
    if not all(isinstance(v, (int, str)) for v in [*predicted, *actual]):
        raise BadRequest("labels are integers or strings")
    correct = sum(str(p) == str(a) for p, a in zip(predicted, actual, strict=True))
    return correct, len(predicted) - correct
