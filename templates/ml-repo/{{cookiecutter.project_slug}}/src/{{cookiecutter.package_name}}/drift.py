"""Drift monitor: compare one environment's recent inference data with its model's training data.

Usage (from the repository root)::

    python -m {{ cookiecutter.package_name }}.drift --environment production   # its captured window
    python -m {{ cookiecutter.package_name }}.drift --register data/raw      # ... kept as data on drift
    python -m {{ cookiecutter.package_name }}.drift --current recent.csv     # a CSV file instead

By default it reads the last ``drift.window_days`` of the inference data that the
environment's endpoint captured under ``<DVC remote>/monitoring/<sink>/<environment>/``
(see ``window.py``; ``--capture`` names another monitoring prefix, ``--until`` the
window's last day), at most ``drift.max_objects`` capture files of it (a sample seeded
with ``drift.seed``), and compares it with the reference sample (``drift.reference``)
of the training data of the model that ``deploy/<environment>.yaml`` pins, read from
the DVC remote by the md5 the pin records (see ``reference.py``; ``--reference`` names a
file instead). CD's smoke requests are left out and counted. The first line says what
was read: ``window: <env> <first day> to <last day>: read F of N capture files, R rows
(S smoke rows left out)``.

Fewer than ``drift.min_rows`` rows is "no traffic": exit 0, ``traffic=false``, never a
comparison with anything else; so is a pin with no model yet. An environment for which
nothing was ever captured is "no capture", a warning (exit 0, ``traffic=false``, a
``::warning::`` in GitHub Actions): the serving side's capture is not writing there
yet; a prefix that cannot be read (no access, no such protocol, bucket or account) or a
reference that cannot be found is an error, exit 2. With ``--register DIR``, a drifted
window is written to ``DIR/captured-<env>-<first day>-<last day>.csv`` (features and
the true label that feedback gave, rows without one left out: the model's own answers
are never training labels), for ``dvc add`` and a pull request that retrains on it,
with the rows' request ids in a ``.ids`` file beside it: a row whose request id an
earlier snapshot lists is never registered again (windows overlap; see
``drift_register.py``). A drifted window with nothing to register says why in the
report: no true label yet (and where to send them), or every labelled row registered
already.

Concept drift: the accuracy of the window's answers against the true labels that
arrived under ``<capture>/feedback/<environment>/`` (see ``capture.py``), joined by
request id; "accuracy: no labels yet" until some have.

For each feature column it computes the population stability index (PSI, over
the reference's deciles) and a two-sample Kolmogorov-Smirnov test. A feature
drifts when its PSI reaches ``drift.psi_threshold`` or its KS p-value falls
below ``drift.ks_pvalue`` divided by the number of features (Bonferroni), both
from ``params.yaml``. Exit code 1 means drift (0 with ``--exit-zero``), 2 a
missing reference or unreadable captured data; inside GitHub Actions it also writes
``drift``, ``traffic`` and ``registered`` (and ``report``, the Markdown summary) to
``$GITHUB_OUTPUT`` and the summary to the job summary; drift.yml opens an issue from it
when nothing was proposed.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from {{ cookiecutter.package_name }}.capture import MAX_OBJECT, CaptureError, accuracy, accuracy_line
from {{ cookiecutter.package_name }}.data import TARGET
from {{ cookiecutter.package_name }}.drift_register import Registered, note, register
from {{ cookiecutter.package_name }}.drift_report import (
    FeatureDrift,
    append,
    counts_line,
    multiline,
    no_capture,
    no_traffic,
    summary,
    window_line,
    write_report,
)
from {{ cookiecutter.package_name }}.params import PARAMS_FILE, load_params
from {{ cookiecutter.package_name }}.pins import remote_url
from {{ cookiecutter.package_name }}.reference import NoModel, ReferenceError, reference_text
from {{ cookiecutter.package_name }}.window import Window, read_window

BINS = 10
EPSILON = 1e-6


def read_features(text: str) -> dict[str, np.ndarray]:
    """The numeric columns of CSV text with a header, without the target column."""
    header = next(csv.reader(io.StringIO(text)))
    table = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, ndmin=2)
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


def environment(name: str) -> str:
    """A deployment environment's name: one folder name, never a path."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
        raise argparse.ArgumentTypeError(f"{name!r} is not an environment name")
    return name


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="drift", description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--current", type=Path, help="CSV of recent inference data")
    source.add_argument("--capture", help="monitoring prefix (default: <remote>/monitoring)")
    parser.add_argument(
        "--environment", type=environment, default="staging", help="whose pin and capture"
    )
    parser.add_argument("--until", type=date.fromisoformat, help="last day of the window")
    parser.add_argument("--window-days", type=int, help="default: drift.window_days")
    parser.add_argument("--reference", type=Path, help="CSV of training data (default: the pin's)")
    parser.add_argument("--params", type=Path, default=PARAMS_FILE)
    parser.add_argument("--report", type=Path, help="write the results as JSON here")
    parser.add_argument("--register", type=Path, help="on drift, write the window here")
    parser.add_argument("--markdown", type=Path, help="write the summary as Markdown here")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when drift is found")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    params = load_params("drift", args.params)
    try:
        reference = read_features(reference_of(args, params))
    except NoModel as error:
        return no_traffic(f"no model: {error}; nothing to compare\n")
    except (OSError, ReferenceError) as error:
        print(f"drift: no reference for {args.environment}: {error}", file=sys.stderr)
        return 2
    if args.current:
        return judge(args, params, reference, read_features(args.current.read_text("utf-8")), None)
    url = args.capture or f"{remote_url()}/monitoring"
    try:
        window = read_window(
            url,
            args.environment,
            args.until or date(*time.gmtime()[:3]),
            args.window_days or int(params.get("window_days", 7)),
            int(params.get("max_objects", 2000)),
            int(params.get("seed", 0)),
        )
    except CaptureError as error:
        print(f"drift: cannot read the captured data under {url}: {error}", file=sys.stderr)
        return 2
    if window.missing:
        return no_capture(url, args.environment)
    current = window_features(window, list(reference))
    for path in window.skipped:
        print(f"drift: {path} is larger than {MAX_OBJECT} bytes; not read", file=sys.stderr)
    print(counts_line(window))
    fewest = int(params.get("min_rows", 1))
    if len(next(iter(current.values()), [])) < fewest:
        return no_traffic(f"no traffic: fewer than {fewest} rows; nothing to compare\n")
    return judge(args, params, reference, current, (window, url))


def reference_of(args: argparse.Namespace, params: dict[str, Any]) -> str:
    """The reference CSV: ``--reference``, or the pinned training data of the environment."""
    if args.reference:
        return str(args.reference.read_text(encoding="utf-8"))
    return reference_text(args.environment, str(params["reference"]), remote_url())


def window_features(window: Window, names: list[str]) -> dict[str, np.ndarray]:
    """The window's rows as columns named like the reference's (rows of another width dropped)."""
    rows = [row for row in window.rows if len(row) == len(names)]
    table = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(names))
    return {name: table[:, i] for i, name in enumerate(names)}


def judge(
    args: argparse.Namespace,
    params: dict[str, Any],
    reference: dict[str, np.ndarray],
    current: dict[str, np.ndarray],
    captured: tuple[Window, str] | None,
) -> int:
    """Compare, register a drifted window, and report (stdout, files, GitHub Actions)."""
    results = compare(
        reference, current, float(params["psi_threshold"]), float(params["ks_pvalue"])
    )
    drifted = any(r.drifted for r in results)
    window = captured[0] if captured else None
    done = Registered()
    if drifted and window is not None and args.register is not None:
        done = register(window, list(reference), args.register)
    scored = accuracy(window.labels, window.truth) if window else None
    if args.report:
        write_report(args.report, drifted, results, scored)
    text = summary(results) + (accuracy_line(scored) if window is not None else "")
    sys.stdout.write(text)
    print("drift detected" if drifted else "no drift")
    markdown = "## Drift monitor\n\n" + text
    if captured:
        markdown = "## Drift monitor\n\n" + window_line(*captured) + text
        markdown += note(done, captured[1], captured[0].environment) if drifted else ""
    registered = done.path.as_posix() if done.path else ""
    outputs = f"drift={'true' if drifted else 'false'}\ntraffic=true\nregistered={registered}\n"
    append("GITHUB_OUTPUT", outputs + multiline("report", markdown))
    append("GITHUB_STEP_SUMMARY", markdown)
    if args.markdown:
        args.markdown.write_text(markdown, encoding="utf-8")
    return 1 if drifted and not args.exit_zero else 0


if __name__ == "__main__":
    sys.exit(main())
