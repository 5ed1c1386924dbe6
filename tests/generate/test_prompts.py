"""``mlrig new`` asks well: each answer checked as it is given, irrelevant questions skipped."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from tests.conftest import Result, RunMlrig, Terminal

ANSWERS = ".mlrig-answers.yml"


def interactive(
    run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch, out: Path, *typed: str
) -> Result:
    """``mlrig new`` with ``typed`` as the lines typed at its prompts (then only Enter)."""
    monkeypatch.setattr("sys.stdin", Terminal("\n".join(typed) + "\n" * 40))
    return run_mlrig("new", "-o", out)


def answers_of(repo: Path) -> dict[str, str]:
    record = yaml.safe_load((repo / ANSWERS).read_text(encoding="utf-8"))
    answers: dict[str, str] = record["answers"]
    return answers


def test_an_invalid_package_name_is_asked_again_at_once(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = interactive(run_mlrig, monkeypatch, tmp_path, "Churn", "", "class", "churn_model")
    assert result.code == 0, result.err
    question = "Python package name [churn]: "
    first = result.out.index(question)
    again = (
        "  error: package_name 'class' is a Python keyword, so `import class` cannot work\n"
        + question
    )
    assert result.out[first + len(question) :].startswith(again)
    assert result.out.count(question) == 2
    assert answers_of(tmp_path / "churn")["package_name"] == "churn_model"


def test_with_no_cloud_the_cloud_and_terraform_questions_are_not_asked(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = interactive(run_mlrig, monkeypatch, tmp_path, "", "", "", "", "", "", "none")
    assert result.code == 0, result.err
    for skipped in (
        "Cloud region [",
        "GPU instance type for continuous training [",
        "Git source of mlrig's Terraform modules [",
        "Tag or commit of those modules [",
        "CUDA version [",
        "Deployment target [",
    ):
        assert skipped not in result.out
    assert "Cloud [aws]: " in result.out
    assert "DVC remote URL [../my-ml-project-dvc-remote]: " in result.out
    answers = answers_of(tmp_path / "my-ml-project")
    assert answers["cloud"] == "none"
    assert answers["deploy_target"] == "kserve"
    assert not (tmp_path / "my-ml-project" / "terraform").exists()


def test_a_choice_is_taken_by_value_or_by_its_number_in_sorted_order(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = interactive(run_mlrig, monkeypatch, tmp_path / "a", "", "", "", "", "", "3.12")
    assert result.code == 0, result.err
    assert "  1: 3.10   2: 3.11   3: 3.12   4: 3.13\nPython version [3.11]: " in result.out
    assert answers_of(tmp_path / "a" / "my-ml-project")["python_version"] == "3.12"
    result = interactive(
        run_mlrig, monkeypatch, tmp_path / "b", "", "", "", "", "", "4", "9", "gcp"
    )
    assert result.code == 0, result.err
    assert "  error: '9' is not one of aws, azure, gcp, none (or 1-4)\nCloud [aws]: " in result.out
    answers = answers_of(tmp_path / "b" / "my-ml-project")
    assert (answers["python_version"], answers["cloud"]) == ("3.13", "gcp")


def test_cuda_offers_only_what_the_framework_allows_and_says_why(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = ["", "", "", "", "", "", "aws", "", "", "pytorch"]
    result = interactive(run_mlrig, monkeypatch, tmp_path, *typed)
    assert result.code == 0, result.err
    assert (
        "ML framework [sklearn]:   the training image, the torch wheel and the GPU image all use it\n"
        "  not offered: cuda_version '12.4': the locked torch wheel is built for CUDA 12.8; "
        "choose 12.8 with pytorch\n"
        "  not offered: cuda_version '12.6': the locked torch wheel is built for CUDA 12.8; "
        "choose 12.8 with pytorch\n"
        "CUDA version: 12.8 (the only choice that fits the answers so far)\n"
    ) in result.out
    assert "CUDA version [" not in result.out
    assert answers_of(tmp_path / "my-ml-project")["cuda_version"] == "12.8"


def test_a_menu_leaves_out_what_the_answers_so_far_exclude(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a local DVC remote given, only cloud 'none' fits: it is taken, and said."""
    monkeypatch.setattr("sys.stdin", Terminal("\n" * 40))
    result = run_mlrig("new", "-o", tmp_path, "--set", "dvc_remote_url=../remote")
    assert result.code == 0, result.err
    assert (
        "  not offered: dvc_remote_url '../remote' must be s3://<bucket>[/path] when cloud is "
        "'aws'\n"
        "  not offered: dvc_remote_url '../remote' must be azure://<bucket>[/path] when cloud is "
        "'azure'\n"
        "  not offered: dvc_remote_url '../remote' must be gs://<bucket>[/path] when cloud is "
        "'gcp'\n"
        "Cloud: none (the only choice that fits the answers so far)\n"
    ) in result.out
    assert answers_of(tmp_path / "my-ml-project")["cloud"] == "none"


def test_without_a_terminal_new_says_how_to_answer(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped input cannot answer a prompt: one line says what to pass instead (exit 2)."""
    monkeypatch.setattr("sys.stdin", io.StringIO("Churn\n"))
    result = run_mlrig("new", "-o", tmp_path, "--set", "cloud=none")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "mlrig: error: cannot ask for project_name: standard input is not a terminal; pass "
        "--no-input to take the defaults, with --set KEY=VALUE or --answers FILE for your "
        "answers\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_without_a_terminal_every_answer_given_asks_nothing(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    given = {
        "project_name": "Churn",
        "python_version": "3.12",
        "cloud": "none",
        "ml_framework": "sklearn",
        "description": "d",
        "github_owner": "acme",
        "project_slug": "churn",
        "package_name": "churn",
        "dvc_remote_url": "../churn-dvc-remote",
        "mlrig_repository": "mlrig/mlrig",
    }
    answers = tmp_path / "answers.yml"
    answers.write_text(yaml.safe_dump(given), encoding="utf-8")
    result = run_mlrig("new", "-o", tmp_path / "out", "--answers", answers)
    assert result.code == 0, result.err
    assert answers_of(tmp_path / "out" / "churn")["python_version"] == "3.12"
