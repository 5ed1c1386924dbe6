"""The drift monitor flags a shifted sample and not an unshifted one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from {{ cookiecutter.package_name }} import drift
from {{ cookiecutter.package_name }}.data import write_table

PARAMS = "drift:\n  reference: ref.csv\n  psi_threshold: 0.2\n  ks_pvalue: 0.01\n"


def sample(seed: int, shift: float, rows: int = 800) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    features = rng.normal(loc=0.0, scale=1.0, size=(rows, 3))
    features[:, 0] += shift
    return features, rng.integers(0, 2, size=rows)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "params.yaml").write_text(PARAMS)
    write_table(tmp_path / "ref.csv", *sample(1, 0.0), ["f0", "f1", "f2"])
    write_table(tmp_path / "same.csv", *sample(2, 0.0), ["f0", "f1", "f2"])
    write_table(tmp_path / "shifted.csv", *sample(3, 0.8), ["f0", "f1", "f2"])
    return tmp_path


def run(workdir: Path, current: str, *extra: str) -> int:
    params = str(workdir / "params.yaml")
    reference = str(workdir / "ref.csv")
    argv = ["--current", str(workdir / current), "--reference", reference, "--params", params]
    return drift.main([*argv, *extra])


def test_unshifted_sample_is_not_drift(workdir: Path) -> None:
    assert run(workdir, "same.csv") == 0


def test_shifted_sample_is_drift(workdir: Path, tmp_path: Path) -> None:
    report = tmp_path / "drift.json"
    assert run(workdir, "shifted.csv", "--report", str(report)) == 1
    result = json.loads(report.read_text())
    assert result["drift"] is True
    assert [f["feature"] for f in result["features"] if f["drifted"]] == ["f0"]


def test_exit_zero_and_github_output(
    workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    assert run(workdir, "shifted.csv", "--exit-zero") == 0
    assert output.read_text() == "drift=true\n"


def test_psi_and_ks_on_known_cases() -> None:
    rng = np.random.default_rng(0)
    same = rng.normal(size=5000)
    assert drift.psi(same, same) == pytest.approx(0.0, abs=1e-9)
    statistic, pvalue = drift.ks_2samp(same, same + 1.0)
    assert statistic > 0.3
    assert pvalue < 1e-6
    assert drift.ks_2samp(same[:2500], same[2500:])[1] > 0.01
