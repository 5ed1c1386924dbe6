"""``--set`` gives answers that apply: a choice in any case (``NONE`` is ``none``), and
never an answer that the other answers make irrelevant (``region`` with ``cloud=none``),
which would be recorded though nothing uses it."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import RunMlrig
from tests.generate.test_update_life import ANSWERS, new_repo, record

REFUSED = (
    "mlrig: error: --set region=eu-west-1: region does not apply to these answers "
    "(it is asked only when cloud != 'none'); leave it out\n"
)


def test_new_takes_a_choice_in_any_case_and_refuses_what_does_not_apply(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    refused = run_mlrig(
        "new", "--no-input", "-o", tmp_path, "--set", "cloud=NONE", "--set", "region=eu-west-1"
    )
    assert (refused.code, refused.out, refused.err) == (1, "", REFUSED)
    assert list(tmp_path.iterdir()) == []
    repo = new_repo(run_mlrig, tmp_path, "--set", "cloud=NONE")
    answers = record(repo)["answers"]
    assert isinstance(answers, dict)
    assert answers["cloud"] == "none"
    ambiguous = run_mlrig("new", "--no-input", "-o", tmp_path / "x", "--set", "cloud=Mars")
    assert ambiguous.err == ("mlrig: error: cloud 'Mars' is not one of: aws, azure, gcp, none\n")


def test_update_and_add_refuse_an_answer_that_does_not_apply(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = new_repo(run_mlrig, tmp_path, "--set", "cloud=none")
    before = (repo / ANSWERS).read_bytes()
    result = run_mlrig("update", "-C", repo, "--set", "region=eu-west-1")
    assert (result.code, result.out, result.err) == (1, "", REFUSED)
    assert (repo / ANSWERS).read_bytes() == before
    plain = tmp_path / "plain"
    plain.mkdir()
    added = run_mlrig(
        "add", "pre-commit", "-C", plain, "--set", "cloud=None", "--set", "region=eu-west-1"
    )
    assert (added.code, added.out, added.err) == (1, "", REFUSED)
    assert list(plain.iterdir()) == []
    added = run_mlrig("add", "pre-commit", "-C", plain, "--set", "cloud=None")
    assert added.code == 0, added.err
    answers = yaml.safe_load((plain / ANSWERS).read_text(encoding="utf-8"))["answers"]
    assert answers["cloud"] == "none"


def test_new_takes_an_inapplicable_answer_that_is_what_the_template_gives_anyway(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    # cloud=none serves with KServe and keeps its data locally: saying so is no contradiction
    done = run_mlrig(
        "new", "--no-input", "-o", tmp_path, "--set", "cloud=none",
        "--set", "deploy_target=kserve", "--set", "region=local",
    )  # fmt: skip
    assert (done.code, done.err) == (0, "")
    answers = yaml.safe_load((tmp_path / "my-ml-project" / ANSWERS).read_text(encoding="utf-8"))
    assert (answers["answers"]["deploy_target"], answers["answers"]["region"]) == (
        "kserve",
        "local",
    )
