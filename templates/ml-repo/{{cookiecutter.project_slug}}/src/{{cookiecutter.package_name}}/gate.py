"""The quality gate: the thresholds in the ``gate`` section of ``params.yaml``.

``gate.<env>.min`` and ``gate.<env>.max`` are absolute bounds a model must meet to be
pinned in ``<env>``; ``gate.versus_staging.max_drop`` and ``max_rise`` bound how far a
candidate may fall behind the model pinned in staging now. CT reads them before it
proposes a model (``python -m {{ cookiecutter.package_name }}.ct propose staging``) and
``pins promote`` before it copies a model to production. CI checks what is pinned::

    python -m {{ cookiecutter.package_name }}.gate

exits 1 when a pin's recorded metrics miss the absolute bounds of its environment
(``deploy/staging.yaml`` against ``gate.staging``, ``deploy/production.yaml`` against
``gate.production``), so a rejected candidate or a hand-edited pin never turns green.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from {{ cookiecutter.package_name }}.params import PARAMS_FILE

ON_REJECT = ("pr", "none")
DEPLOY_DIR = Path("deploy")


def load(path: Path = PARAMS_FILE) -> dict[str, Any]:
    """The ``gate`` section (empty when there is none: nothing is enforced)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    section = data.get("gate") if isinstance(data, dict) else None
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise ValueError(f"{path}: gate must be a mapping")
    if section.get("on_reject", "pr") not in ON_REJECT:
        raise ValueError(f"{path}: gate.on_reject must be one of {', '.join(ON_REJECT)}")
    return section


def on_reject(gate: dict[str, Any]) -> str:
    """'pr' (a pull request labelled ct-rejected) or 'none' (no pull request)."""
    return str(gate.get("on_reject", "pr"))


def _bounds(gate: dict[str, Any], section: str, kind: str) -> dict[str, float]:
    values = (gate.get(section) or {}).get(kind) or {}
    return {str(name): float(bound) for name, bound in values.items()}


def absolute(metrics: dict[str, Any], gate: dict[str, Any], env: str) -> list[str]:
    """Why ``metrics`` miss the absolute bounds of ``gate.<env>`` (empty: they meet them)."""
    found = []
    for name, low in sorted(_bounds(gate, env, "min").items()):
        value = metrics.get(name)
        if value is None or value < low:
            found.append(f"{name} {_show(value)} is below the {env} minimum {low:g}")
    for name, high in sorted(_bounds(gate, env, "max").items()):
        value = metrics.get(name)
        if value is None or value > high:
            found.append(f"{name} {_show(value)} is above the {env} maximum {high:g}")
    return found


def relative(metrics: dict[str, Any], baseline: dict[str, Any], gate: dict[str, Any]) -> list[str]:
    """Why ``metrics`` fall further behind ``baseline`` (staging's) than ``versus_staging`` allows."""
    found = []
    for name, drop in sorted(_bounds(gate, "versus_staging", "max_drop").items()):
        value, base = metrics.get(name), baseline.get(name)
        if base is not None and (value is None or value < base - drop):
            found.append(f"{name} {_show(value)} fell more than {drop:g} below staging's {base:g}")
    for name, rise in sorted(_bounds(gate, "versus_staging", "max_rise").items()):
        value, base = metrics.get(name), baseline.get(name)
        if base is not None and (value is None or value > base + rise):
            found.append(f"{name} {_show(value)} rose more than {rise:g} above staging's {base:g}")
    return found


def failures(
    metrics: dict[str, Any], gate: dict[str, Any], env: str, baseline: dict[str, Any] | None = None
) -> list[str]:
    """Every reason the gate refuses ``metrics`` for ``env`` (against ``baseline`` if given)."""
    return absolute(metrics, gate, env) + (relative(metrics, baseline, gate) if baseline else [])


def _show(value: Any) -> str:
    return "(missing)" if value is None else f"{value:.6g}"


def pinned(root: Path = Path()) -> list[str]:
    """Why a pinned model misses its environment's absolute bounds (empty: every pin meets them)."""
    rules = load(root / PARAMS_FILE)
    found = []
    for path in sorted((root / DEPLOY_DIR).glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            pin = yaml.safe_load(handle) or {}
        env = path.stem
        if not isinstance(pin, dict) or not pin.get("model") or env not in rules:
            continue
        for reason in absolute(pin.get("metrics") or {}, rules, env):
            found.append(
                f"{DEPLOY_DIR.as_posix()}/{path.name}: {reason} ({PARAMS_FILE} gate.{env})"
            )
    return found


def main() -> int:
    found = pinned()
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        print("every pinned model meets its environment's quality gate")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
