"""Smoke test of the speed harness: structure of its output, never its timings."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from bench import run, synthetic


def test_synthetic_tree_is_deterministic_and_grows_by_prefix(tmp_path: Path) -> None:
    small = [synthetic.synthetic_file(7, i) for i in range(10)]
    assert small == [synthetic.synthetic_file(7, i) for i in range(10)]
    synthetic.generate(tmp_path / "t", 10, seed=7, git=False)
    written = sorted(
        p.relative_to(tmp_path / "t").as_posix()
        for p in (tmp_path / "t").rglob("*")
        if p.is_file() and p.name != synthetic.MANIFEST
    )
    assert written == sorted([*synthetic.ROOT_FILES, *(rel for rel, _ in small)])


def test_harness_writes_results_and_report(tmp_path: Path) -> None:
    md, plot, results = (
        tmp_path / "performance.md",
        tmp_path / "performance.png",
        tmp_path / "results",
    )
    code = run.main(
        [
            "--cases",
            "single,startup,synthetic",
            "--sizes",
            "5,10",
            "--rounds",
            "1",
            "--warmup",
            "0",
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(results),
            "--md",
            str(md),
            "--plot",
            str(plot),
        ]
    )
    assert code == 0
    data = json.loads((results / "latest.json").read_text(encoding="utf-8"))
    assert set(data) >= {"environment", "rounds", "single", "startup", "synthetic"}
    assert [row["step"] for row in data["startup"]["rows"]][-2:] == [
        "mlrig check --no-cache",
        "zizmor --offline .github/workflows/ci.yml",
    ]
    assert set(data["single"]["gha_hook"]) >= {"mlrig", "zizmor", "ratio"}
    for sample in (data["single"]["mlrig"], data["single"]["zizmor"]):
        assert len(sample["seconds"]) == 1
    assert [p["files"] for p in data["synthetic"]["points"]] == [5, 10]
    assert set(data["synthetic"]["growth"]["mlrig"]) >= {"slope", "intercept", "r2"}
    text = md.read_text(encoding="utf-8")
    assert "2 cores, noisy: medians and ratios" in text or "noisy: medians and ratios" in text
    assert "## Targets" in text and "## Synthetic repository" in text
    if importlib.util.find_spec("matplotlib") is not None:
        assert plot.stat().st_size > 0
