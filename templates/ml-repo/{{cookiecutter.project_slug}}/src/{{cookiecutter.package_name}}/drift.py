"""Drift monitor: compare recent inference data with the training reference, feature by feature.

Usage (from the repository root)::

    python -m {{ cookiecutter.package_name }}.drift --current recent.csv

For each feature column it computes the population stability index (PSI, over
the reference's deciles) and a two-sample Kolmogorov-Smirnov test. A feature
drifts when its PSI reaches ``drift.psi_threshold`` or its KS p-value falls
below ``drift.ks_pvalue`` divided by the number of features (Bonferroni), both
from ``params.yaml``. Exit code 1 means drift (0 with ``--exit-zero``); inside
GitHub Actions it also writes ``drift=true|false`` to ``$GITHUB_OUTPUT`` and a
table to the job summary. numpy only, so it runs with the pipeline's lock.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from {{ cookiecutter.package_name }}.data import TARGET
from {{ cookiecutter.package_name }}.params import PARAMS_FILE, load_params

BINS = 10
EPSILON = 1e-6


@dataclass(frozen=True)
class FeatureDrift:
    feature: str
    psi: float
    ks_statistic: float
    ks_pvalue: float
    drifted: bool


def read_features(path: Path) -> dict[str, np.ndarray]:
    """The numeric columns of a CSV file with a header, without the target column."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return {name: table[:, i] for i, name in enumerate(header) if name != TARGET}


def psi(reference: np.ndarray, current: np.ndarray, bins: int = BINS) -> float:
    """Population stability index of ``current`` against the reference's quantile bins."""
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)))
    inner = edges[1:-1]
    expected = np.bincount(
        np.searchsorted(inner, reference, side="right"), minlength=len(edges) - 1
    )
    actual = np.bincount(np.searchsorted(inner, current, side="right"), minlength=len(edges) - 1)
    e = np.maximum(expected / max(len(reference), 1), EPSILON)
    a = np.maximum(actual / max(len(current), 1), EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))


def ks_2samp(first: np.ndarray, second: np.ndarray) -> tuple[float, float]:
    """Two-sample KS statistic and its asymptotic p-value (Kolmogorov distribution)."""
    x, y = np.sort(first), np.sort(second)
    values = np.concatenate([x, y])
    cdf_x = np.searchsorted(x, values, side="right") / len(x)
    cdf_y = np.searchsorted(y, values, side="right") / len(y)
    statistic = float(np.max(np.abs(cdf_x - cdf_y)))
    n = math.sqrt(len(x) * len(y) / (len(x) + len(y)))
    return statistic, kolmogorov_sf((n + 0.12 + 0.11 / n) * statistic)


def kolmogorov_sf(value: float) -> float:
    """P(K > value) for the Kolmogorov distribution."""
    if value < 0.2:
        return 1.0
    total = sum((-1) ** (j - 1) * math.exp(-2 * j * j * value * value) for j in range(1, 101))
    return float(min(max(2 * total, 0.0), 1.0))


def compare(
    reference: dict[str, np.ndarray],
    current: dict[str, np.ndarray],
    psi_threshold: float,
    ks_pvalue: float,
) -> list[FeatureDrift]:
    """One result per feature present in both samples."""
    names = [name for name in reference if name in current]
    if not names:
        raise ValueError("the current sample shares no feature column with the reference")
    alpha = ks_pvalue / len(names)
    results = []
    for name in names:
        index = psi(reference[name], current[name])
        statistic, pvalue = ks_2samp(reference[name], current[name])
        drifted = index >= psi_threshold or pvalue < alpha
        results.append(FeatureDrift(name, round(index, 6), round(statistic, 6), pvalue, drifted))
    return results


def summary(results: list[FeatureDrift]) -> str:
    rows = [
        "| feature | PSI | KS statistic | KS p-value | drift |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        mark = "yes" if r.drifted else "no"
        rows.append(
            f"| {r.feature} | {r.psi:.4f} | {r.ks_statistic:.4f} | {r.ks_pvalue:.3g} | {mark} |"
        )
    return "\n".join(rows) + "\n"


def _append(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="drift", description=__doc__.split("\n")[0])
    parser.add_argument("--current", type=Path, required=True, help="CSV of recent inference data")
    parser.add_argument(
        "--reference", type=Path, help="CSV of training data (default: drift.reference)"
    )
    parser.add_argument("--params", type=Path, default=PARAMS_FILE)
    parser.add_argument("--report", type=Path, help="write the results as JSON here")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when drift is found")
    args = parser.parse_args(argv)
    params = load_params("drift", args.params)
    reference = read_features(args.reference or Path(params["reference"]))
    results = compare(
        reference,
        read_features(args.current),
        float(params["psi_threshold"]),
        float(params["ks_pvalue"]),
    )
    drifted = any(r.drifted for r in results)
    if args.report:
        report = {"drift": drifted, "features": [asdict(r) for r in results]}
        args.report.write_text(
            json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    text = summary(results)
    sys.stdout.write(text)
    print("drift detected" if drifted else "no drift")
    _append("GITHUB_OUTPUT", f"drift={'true' if drifted else 'false'}\n")
    _append("GITHUB_STEP_SUMMARY", "## Drift monitor\n\n" + text)
    return 1 if drifted and not args.exit_zero else 0


if __name__ == "__main__":
    sys.exit(main())
