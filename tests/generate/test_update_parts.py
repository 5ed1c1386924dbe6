"""``mlrig update`` in a repository that ``mlrig add`` populated touches only the parts
that were added: the rest of the template was never written there."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import RunMlrig
from tests.generate.conftest import HASHED_LOCK
from tests.generate.test_add_existing import ANSWERS, repo, tree
from tests.gitrepo import commit_all

__all__ = ["repo"]


def recorded(root: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((root / ANSWERS).read_text(encoding="utf-8"))
    return data


def test_update_set_after_add_touches_only_the_added_parts(repo: Path, run_mlrig: RunMlrig) -> None:
    (repo / "requirements.txt").write_text(HASHED_LOCK, encoding="utf-8")
    added = run_mlrig("add", "ci", "-C", repo)
    assert added.code == 0, added.err
    commit_all(repo, "add ci")
    record = recorded(repo)
    assert record["parts"] == ["ci"]
    files = record["files"]
    assert isinstance(files, dict)
    assert sorted(files) == [
        ".github/workflows/ci.yml",
        "src/churn_model/gate.py",
        "src/churn_model/params.py",
        "src/churn_model/reproduce.py",
    ]
    before = tree(repo)

    result = run_mlrig("update", "-C", repo, "--set", "python_version=3.13")
    assert result.code == 0, result.err
    verbs = ("add ", "update ", "merge ", "conflict ", "delete ")
    assert [line for line in result.out.splitlines() if line.startswith(verbs)] == [
        "update    .github/workflows/ci.yml"
    ]
    after = tree(repo)
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert changed == [".github/workflows/ci.yml", ANSWERS]
    record = recorded(repo)
    assert record["parts"] == ["ci"]
    assert sorted(record["files"]) == sorted(files)  # type: ignore[arg-type]


def test_add_on_a_generated_repository_records_no_parts(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    assert run_mlrig("new", "--no-input", "-o", tmp_path).code == 0
    generated = tmp_path / "my-ml-project"
    assert "parts" not in recorded(generated)


def test_an_unknown_recorded_part_is_an_answers_file_error(repo: Path, run_mlrig: RunMlrig) -> None:
    assert run_mlrig("add", "pre-commit", "-C", repo).code == 0
    text = (repo / ANSWERS).read_text(encoding="utf-8")
    assert text.endswith("parts:\n- pre-commit\n")
    (repo / ANSWERS).write_text(text + "- everything\n", encoding="utf-8")
    commit_all(repo)
    line = len(text.splitlines()) - 1  # the parts: key
    result = run_mlrig("update", "-C", repo)
    assert result.code == 2
    assert result.err == (
        f"mlrig: error: {repo / ANSWERS}:{line}: 'parts' names an unknown component 'everything'\n"
    )
