"""The generated Grafana dashboard loads into Grafana's own dashboard types
(``grafana-foundation-sdk``) without losing a field, and each of its queries and of the
recording rules it reads is PromQL that a real parser accepts. (That every metric they
name is one the running server exports is in test_serve.py.)"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.cdct.conftest import Render
from tests.cdct.dashboard import alerts, dashboard, metric_names, queries, records, selected

PANELS = {
    "Latency": "timeseries",
    "Throughput": "timeseries",
    "Errors": "timeseries",
    "Prediction distribution": "heatmap",
    "Predicted labels": "timeseries",
    "Drift score per feature": "timeseries",
    "Accuracy (once labels arrive)": "timeseries",
    "Mean prediction score per version": "timeseries",
}
# The panels that set a canary beside the model it may replace: one series per version.
PER_VERSION = {
    "Latency",
    "Throughput",
    "Errors",
    "Predicted labels",
    "Accuracy (once labels arrive)",
    "Mean prediction score per version",
}


def lost(given: Any, kept: Any, path: str = "") -> list[str]:
    """Where ``kept`` lacks or changes what ``given`` holds (``kept`` may add defaults)."""
    if isinstance(given, dict):
        if not isinstance(kept, dict):
            return [path]
        return [
            found
            for key, value in given.items()
            for found in (
                [f"{path}/{key}"] if key not in kept else lost(value, kept[key], f"{path}/{key}")
            )
        ]
    if isinstance(given, list):
        if not isinstance(kept, list) or len(given) != len(kept):
            return [path]
        return [
            m
            for i, (a, b) in enumerate(zip(given, kept, strict=True))
            for m in lost(a, b, f"{path}/{i}")
        ]
    return [] if given == kept else [f"{path}: {given!r} became {kept!r}"]


def grafana_lost(board: dict[str, Any]) -> list[str]:
    """What Grafana's dashboard types drop or change of ``board`` (its panels' targets as
    Prometheus queries), and the panels whose type Grafana does not know."""
    pytest.importorskip("grafana_foundation_sdk")
    import importlib

    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models.dashboard import Dashboard
    from grafana_foundation_sdk.models.prometheus import Dataquery

    def encoded(value: Any) -> Any:
        return json.loads(json.dumps(value, cls=JSONEncoder))

    found = lost(board, encoded(Dashboard.from_json(board)))
    for index, panel in enumerate(board["panels"]):
        try:
            importlib.import_module(f"grafana_foundation_sdk.models.{panel['type']}")
        except ImportError:
            found.append(f"/panels/{index}/type: {panel['type']!r} is no Grafana panel")
        for number, target in enumerate(panel["targets"]):
            where = f"/panels/{index}/targets/{number}"
            found += lost(target, encoded(Dataquery.from_json(target)), where)
    return found


def test_the_dashboard_loads_in_grafanas_types_and_shows_every_signal(render: Render) -> None:
    board = dashboard(render(cloud="aws"))
    assert grafana_lost(board) == []
    assert {panel["title"]: panel["type"] for panel in board["panels"]} == PANELS
    assert board["uid"] == "my-ml-project"
    assert all(
        t["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        for p in board["panels"]
        for t in p["targets"]
    )


def test_grafanas_types_catch_a_misspelt_field(render: Render) -> None:
    board = copy.deepcopy(dashboard(render(cloud="aws")))
    board["panels"][0]["gridPos"]["hieght"] = 8
    board["panels"][1]["targets"][0]["exprr"] = "up"
    board["panels"][2]["type"] = "timeserie"
    assert grafana_lost(board) == [
        "/panels/0/gridPos/hieght",
        "/panels/1/targets/0/exprr",
        "/panels/2/type: 'timeserie' is no Grafana panel",
    ]


def test_every_query_is_promql_and_every_recorded_name_has_a_rule(render: Render) -> None:
    repo = render(cloud="gcp", ml_framework="pytorch")
    rules = records(repo)
    names = set()
    for expr in [*queries(dashboard(repo)), *rules.values(), *alerts(repo)]:
        names |= metric_names(expr, rules)
    assert not {name for name in names if ":" in name}  # every recorded name is defined
    assert names == {
        "inference_errors_total",
        "inference_feature_observations_total",
        "inference_feature_value_negative_total",
        "inference_feature_value_positive_total",
        "inference_feature_value_squares_total",
        "inference_feedback_total",
        "inference_prediction_score_bucket",
        "inference_prediction_score_count",
        "inference_prediction_score_sum",
        "inference_predictions_total",
        "inference_request_duration_seconds_bucket",
        "inference_requests_total",
    }


def test_the_canary_and_the_model_it_may_replace_are_apart_on_every_serving_panel(
    render: Render,
) -> None:
    """Each serving panel keeps the ``version`` label (the pinned md5 the server exports) in
    its result, directly or through its recording rule, and names it in its legend."""
    repo = render(cloud="aws")
    rules = records(repo)
    board = dashboard(repo)
    kept = {}
    for panel in board["panels"]:
        exprs = [target["expr"] for target in panel["targets"]]
        expanded = [rules.get(expr.split("{", 1)[0], expr) for expr in exprs]
        by_version = all("by (version" in e or "version)" in e for e in expanded)
        legends = all("version}}" in target["legendFormat"] for target in panel["targets"])
        kept[panel["title"]] = by_version and legends
    assert {title for title, split in kept.items() if split} == PER_VERSION


def test_the_error_ratio_counts_inference_requests_only(render: Render) -> None:
    """The feedback route (true labels for past predictions) is no inference request:
    the error ratio's numerator and denominator both count the infer route alone."""
    board = dashboard(render(cloud="aws"))
    (panel,) = [panel for panel in board["panels"] if panel["title"] == "Errors"]
    (ratio,) = [t["expr"] for t in panel["targets"] if "error ratio" in t["legendFormat"]]
    scope = {"namespace": "= $namespace", "model": "= $model", "route": "= infer"}
    assert selected(ratio) == [
        ("inference_requests_total", {**scope, "code": "!~ 2.."}),
        ("inference_requests_total", scope),
    ]
