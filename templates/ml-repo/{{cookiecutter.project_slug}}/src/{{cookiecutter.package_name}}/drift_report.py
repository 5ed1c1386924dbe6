"""What the drift monitor reports: the table, the window's counts, and GitHub Actions' files."""

from __future__ import annotations

import json
import os
import sys
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from {{ cookiecutter.package_name }}.window import Window


@dataclass(frozen=True)
class FeatureDrift:
    feature: str
    psi: float
    ks_statistic: float
    ks_pvalue: float
    drifted: bool


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


def append(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(text)


def write_report(
    path: Path, drifted: bool, results: list[FeatureDrift], scored: tuple[float, int] | None
) -> None:
    report = {
        "drift": drifted,
        "features": [asdict(r) for r in results],
        "accuracy": scored[0] if scored else None,
        "labelled": scored[1] if scored else 0,
    }
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def counts_line(window: Window) -> str:
    """What was read: the environment, the days, the files read of those found, the rows."""
    rows = "row" if window.smoke == 1 else "rows"
    smoke = f" ({window.smoke} smoke {rows} left out)" if window.smoke else ""
    return (
        f"window: {window.environment} {window.start} to {window.end}: read {window.files}"
        f" of {window.listed} capture files, {len(window.rows)} rows{smoke}"
    )


def window_line(window: Window, url: str) -> str:
    """Which window was compared, and from where (the report's first line)."""
    return f"{counts_line(window)}, under `{url}`.\n\n"


def multiline(key: str, value: str) -> str:
    """A ``$GITHUB_OUTPUT`` entry whose value may span lines (a delimiter it cannot hold)."""
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{key}<<{delimiter}\n{value.rstrip(chr(10))}\n{delimiter}\n"


def no_traffic(text: str) -> int:
    """Nothing to compare (too few rows, or no model pinned): exit 0, ``traffic=false``."""
    sys.stdout.write(text)
    append("GITHUB_OUTPUT", "drift=false\ntraffic=false\nregistered=\n")
    append("GITHUB_STEP_SUMMARY", "## Drift monitor\n\n" + text)
    return 0


def no_capture(url: str, environment: str) -> int:
    """Nothing was ever captured for ``environment``: a warning, not "no traffic" (exit 0)."""
    text = (
        f"no capture: {url} holds nothing for {environment}; nothing was ever captured there"
        " (is the serving side's capture writing to it?)\n"
    )
    sys.stdout.write(text)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print(f"::warning::{text.strip()}")
    append("GITHUB_OUTPUT", "drift=false\ntraffic=false\nregistered=\n")
    append("GITHUB_STEP_SUMMARY", "## Drift monitor\n\n" + text)
    return 0
