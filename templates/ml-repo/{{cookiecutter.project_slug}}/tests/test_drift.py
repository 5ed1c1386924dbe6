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
    (outputs, report) = output.read_text().split("report<<", 1)
    assert outputs == "drift=true\ntraffic=true\nregistered=\n"
    delimiter, text = report.split("\n", 1)
    assert delimiter.startswith("ghadelimiter_") and text.endswith(f"\n{delimiter}\n")
    assert text.startswith("## Drift monitor\n\n| feature | PSI |")


def test_psi_and_ks_on_known_cases() -> None:
    rng = np.random.default_rng(0)
    same = rng.normal(size=5000)
    assert drift.psi(same, same) == pytest.approx(0.0, abs=1e-9)
    statistic, pvalue = drift.ks_2samp(same, same + 1.0)
    assert statistic > 0.3
    assert pvalue < 1e-6
    assert drift.ks_2samp(same[:2500], same[2500:])[1] > 0.01


def capture_event(
    folder: Path,
    day: str,
    number: int,
    rows: np.ndarray,
    env: str = "staging",
    request_id: str = "",
) -> None:
    """A request and its answer as serve/capture.py writes KServe's logger events."""
    tensor = {"name": "x", "shape": list(rows.shape), "datatype": "FP64"}
    request = {"inputs": [{**tensor, "data": rows.ravel().tolist()}]}
    request.update({"id": request_id} if request_id else {})
    labels = [int(row.sum() > 0) for row in rows]
    answer = {"outputs": [{"name": "label", "shape": [len(rows)], "data": labels}]}
    where = folder / "kserve" / env / day / "10"
    where.mkdir(parents=True, exist_ok=True)
    for kind, body in (("request", request), ("response", answer)):
        event = {"id": f"e{number}", "type": f"org.kubeflow.serving.inference.{kind}", "data": body}
        (where / f"svc-{number}-{kind}.jsonl").write_text(json.dumps(event) + "\n")


def window_run(workdir: Path, *extra: str, until: str = "2026-03-10") -> int:
    params = str(workdir / "params.yaml")
    reference = str(workdir / "ref.csv")
    capture = str(workdir / "monitoring")
    argv = ["--capture", capture, "--reference", reference, "--params", params]
    return drift.main([*argv, "--until", until, *extra])


def test_an_empty_window_is_no_traffic_never_drift(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capture_event(workdir / "monitoring", "2026/01/02", 0, sample(3, 5.0)[0])  # outside
    assert window_run(workdir, "--register", str(workdir / "raw")) == 0
    assert capsys.readouterr().out == (
        "window: staging 2026-03-04 to 2026-03-10: read 0 of 0 capture files, 0 rows\n"
        "no traffic: fewer than 1 rows; nothing to compare\n"
    )
    assert not (workdir / "raw").exists()


def feedback(folder: Path, day: str, labels: dict[int, list[int]]) -> None:
    """True labels by request id, as the application that learns them writes them."""
    where = folder / "feedback" / "staging" / day
    where.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": f"e{number}", "labels": truth}) for number, truth in labels.items()]
    (where / "labels.jsonl").write_text("\n".join(lines))


def test_a_drifted_window_is_registered_with_the_true_labels_only(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = sample(3, 0.8)[0]
    for number in range(8):
        capture_event(workdir / "monitoring", "2026/03/09", number, rows[number * 100 :][:100])
    assert window_run(workdir, "--register", str(workdir / "raw")) == 1
    assert not (workdir / "raw").exists()  # the model's own answers are no training labels
    assert "\naccuracy: no labels yet\n" in capsys.readouterr().out
    feedback(workdir / "monitoring", "2026/03/11", {0: [1] * 100, 3: [0] * 100})  # later
    assert window_run(workdir, "--register", str(workdir / "raw")) == 1
    registered, ids = sorted((workdir / "raw").iterdir())
    assert registered.name == "captured-staging-20260304-20260310.csv"
    assert ids.read_text() == '"e0"\n"e3"\n'
    lines = registered.read_text().splitlines()
    assert lines[0] == "f0,f1,f2,target" and len(lines) == 201
    assert sorted(line.rsplit(",", 1)[1] for line in lines[1:]) == ["0"] * 100 + ["1"] * 100
    assert "\naccuracy: " in capsys.readouterr().out


def test_an_unshifted_window_is_not_drift(workdir: Path) -> None:
    rows = sample(2, 0.0)[0]
    for number in range(8):
        capture_event(workdir / "monitoring", "2026/03/10", number, rows[number * 100 :][:100])
    assert window_run(workdir, "--register", str(workdir / "raw")) == 0
    assert not (workdir / "raw").exists()


def test_unreadable_captures_are_no_traffic_not_a_crash(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = workdir / "monitoring" / "kserve" / "staging" / "2026" / "03" / "09" / "10"
    day.mkdir(parents=True)
    (day / "garbage.json").write_bytes(b"\xff\xfe not json {")
    (day / "wrong.json").write_text(json.dumps({"type": "x.request", "data": {"inputs": "no"}}))
    assert window_run(workdir) == 0
    assert capsys.readouterr().out == (
        "window: staging 2026-03-04 to 2026-03-10: read 2 of 2 capture files, 0 rows\n"
        "no traffic: fewer than 1 rows; nothing to compare\n"
    )


def test_overlapping_windows_register_each_row_once(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Daily runs over the last seven days: the second window holds the first one's
    labelled rows again; only the rows that no earlier snapshot holds are registered."""
    rows = sample(3, 0.8)[0]
    for number in range(4):
        capture_event(workdir / "monitoring", "2026/03/09", number, rows[number * 100 :][:100])
    feedback(workdir / "monitoring", "2026/03/09", {n: [n % 2] * 100 for n in range(4)})
    raw = workdir / "raw"
    assert window_run(workdir, "--register", str(raw)) == 1
    first = (raw / "captured-staging-20260304-20260310.csv").as_posix()
    assert capsys.readouterr().out.splitlines()[1] == f"registered 400 captured rows as {first}"
    for number in range(4, 7):  # the next day: new requests, and the earlier ones again
        capture_event(workdir / "monitoring", "2026/03/10", number, rows[number * 100 :][:100])
    feedback(workdir / "monitoring", "2026/03/10", {n: [1] * 100 for n in range(4, 6)})
    assert window_run(workdir, "--register", str(raw), until="2026-03-11") == 1
    second = raw / "captured-staging-20260305-20260311.csv"
    assert capsys.readouterr().out.splitlines()[1] == (
        f"registered 200 captured rows as {second.as_posix()} (400 registered before)"
    )
    assert len(second.read_text().splitlines()) == 1 + 200
    assert second.with_suffix(".ids").read_text() == '"e4"\n"e5"\n'
    assert window_run(workdir, "--register", str(raw), until="2026-03-11") == 1  # a rerun
    assert capsys.readouterr().err == (
        "drift: the window's 600 labelled rows are registered already; nothing registered\n"
    )
    assert sorted(path.name for path in raw.iterdir()) == [
        "captured-staging-20260304-20260310.csv", "captured-staging-20260304-20260310.ids",
        "captured-staging-20260305-20260311.csv", "captured-staging-20260305-20260311.ids",
    ]  # fmt: skip


def test_drift_without_labels_says_where_to_send_them(
    workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = sample(3, 0.8)[0]
    for number in range(8):
        capture_event(workdir / "monitoring", "2026/03/09", number, rows[number * 100 :][:100])
    output = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    markdown = tmp_path / "drift.md"
    assert window_run(workdir, "--register", str(workdir / "raw"), "--markdown", str(markdown)) == 1
    report = markdown.read_text()
    capture = str(workdir / "monitoring")
    assert report.startswith(
        "## Drift monitor\n\nwindow: staging 2026-03-04 to 2026-03-10: read 16 of 16"
        f" capture files, 800 rows, under `{capture}`.\n\n| feature | PSI |"
    )
    assert report.endswith(
        "No labels yet: send feedback to"
        f" `{capture}/feedback/staging/yyyy/mm/dd/` as JSON lines,"
        ' `{"id": "<request id>", "labels": [<one per row>]}`;'
        " a later run registers the labelled rows.\n"
    )
    outputs = output.read_text()
    assert outputs.startswith("drift=true\ntraffic=true\nregistered=\nreport<<ghadelimiter_")
    assert report.rstrip("\n") in outputs
    assert not (workdir / "raw").exists()


def test_one_environment_is_read_and_smoke_requests_are_left_out(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Production's traffic, staging's beside it and CD's marked smoke requests: the
    staging window holds staging's rows only, without the smoke rows."""
    rows = sample(2, 0.0)[0]
    for number in range(4):
        capture_event(workdir / "monitoring", "2026/03/10", number, rows[number * 100 :][:100])
    shifted = sample(3, 5.0)[0]
    capture_event(workdir / "monitoring", "2026/03/10", 9, shifted[:300], env="production")
    zeros = np.zeros((300, 3))
    capture_event(workdir / "monitoring", "2026/03/10", 8, zeros, request_id="mlrig-smoke-abc")
    assert window_run(workdir) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "window: staging 2026-03-04 to 2026-03-10: read 10 of 10 capture files,"
        " 400 rows (300 smoke rows left out)"
    )
