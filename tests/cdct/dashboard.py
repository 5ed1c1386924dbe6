"""Read the generated Grafana dashboard and its recording rules: the PromQL of every panel
and variable, parsed by a real PromQL parser (``promql-parser``), down to the metric
names the model server must export."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

DASHBOARD = Path("deploy/dashboard/dashboard.json")
RULES = Path("deploy/monitoring/prometheus-rule.yaml")
# Grafana's own variables, as Grafana substitutes them before Prometheus sees the query.
GRAFANA_RANGES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}
LABEL_VALUES = re.compile(r"label_values\((?P<selector>.+),\s*\w+\)\Z")


def dashboard(repo: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo / DASHBOARD).read_text(encoding="utf-8"))
    return data


def records(repo: Path) -> dict[str, str]:
    """Recording rule name -> expression, from the PrometheusRule."""
    rule = yaml.safe_load((repo / RULES).read_text(encoding="utf-8"))
    return {
        str(item["record"]): str(item["expr"])
        for group in rule["spec"]["groups"]
        for item in group["rules"]
        if "record" in item
    }


def alerts(repo: Path) -> list[str]:
    rule = yaml.safe_load((repo / RULES).read_text(encoding="utf-8"))
    return [
        str(item["expr"])
        for group in rule["spec"]["groups"]
        for item in group["rules"]
        if "alert" in item
    ]


def queries(board: dict[str, Any]) -> list[str]:
    """The PromQL of every panel target and every query variable (``label_values``'s
    selector: the rest is Grafana's)."""
    found = [str(t["expr"]) for panel in board["panels"] for t in panel.get("targets", [])]
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            text = variable["query"]["query"]
            matched = LABEL_VALUES.match(text)
            found.append(matched["selector"] if matched else text)
    return found


def selectors(expr: str) -> set[str]:
    """The metric names an expression selects (after Grafana's substitutions)."""
    promql_parser = pytest.importorskip("promql_parser")
    for variable, value in GRAFANA_RANGES.items():
        expr = expr.replace(variable, value)
    names: set[str] = set()

    def visit(node: Any) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            names.add(str(node.name))
        return True

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def selected(expr: str) -> list[tuple[str, dict[str, str]]]:
    """Each vector selector of ``expr``: its metric name and its matchers (label to
    ``<op> <value>``, ``=`` / ``!=`` / ``=~`` / ``!~``), after Grafana's substitutions."""
    promql_parser = pytest.importorskip("promql_parser")
    for variable, value in GRAFANA_RANGES.items():
        expr = expr.replace(variable, value)
    ops = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}
    found: list[tuple[str, dict[str, str]]] = []

    def visit(node: Any) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            matchers = {
                str(m.name): f"{ops[str(m.op).rsplit('.', 1)[-1]]} {m.value}"
                for m in node.matchers.matchers
            }
            found.append((str(node.name), matchers))
        return True

    promql_parser.walk(promql_parser.parse(expr), visit)
    return found


def metric_names(expr: str, rules: dict[str, str]) -> set[str]:
    """The raw metric names behind ``expr``: recording rules are followed to their
    expressions (a name that is neither is returned as it is: the caller checks it)."""
    found: set[str] = set()
    todo, seen = list(selectors(expr)), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in rules:
            todo.extend(selectors(rules[name]))
        else:
            found.add(name)
    return found


def exported(exposition: str) -> set[str]:
    """The sample names of a Prometheus text exposition."""
    names = set()
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            names.add(re.split(r"[{\s]", line, maxsplit=1)[0])
    return names
