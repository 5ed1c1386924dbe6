"""A bad answers file is a configuration error (exit 2) naming the file and the line.

The file may be a repository's ``.mlrig-answers.yml`` (read by ``add`` and
``update``) or ``mlrig new --answers FILE``; a bad value there never reaches
cookiecutter (which crashed on it: exit 3).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunMlrig
from tests.generate.conftest import commit_all, new_committed_repo

ANSWERS = ".mlrig-answers.yml"


@pytest.fixture
def repo(tmp_path: Path, run_mlrig: RunMlrig) -> Path:
    return new_committed_repo(run_mlrig, tmp_path)


def edit_answer(repo: Path, old: str, new: str) -> int:
    """Replace the answer line ``old`` by ``new`` (and commit); the 1-based line it is on."""
    path = repo / ANSWERS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = lines.index(f"  {old}\n")
    lines[index] = f"  {new}\n"
    path.write_text("".join(lines), encoding="utf-8")
    commit_all(repo)
    return index + 1


@pytest.mark.parametrize("command", [("update",), ("update", "--dry-run"), ("add", "dependabot")])
def test_a_choice_outside_its_list_names_the_file_and_line(
    repo: Path, run_mlrig: RunMlrig, command: tuple[str, ...]
) -> None:
    line = edit_answer(repo, "cloud: aws", "cloud: mars")
    before = (repo / ANSWERS).read_bytes()
    result = run_mlrig(*command, "-C", repo)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"mlrig: error: {repo / ANSWERS}:{line}: cloud 'mars' is not one of: aws, azure, gcp, none\n"
    )
    assert (repo / ANSWERS).read_bytes() == before


def test_python_3_1_names_the_file_and_line(repo: Path, run_mlrig: RunMlrig) -> None:
    line = edit_answer(repo, "python_version: '3.11'", "python_version: 3.1")
    result = run_mlrig("update", "-C", repo)
    assert result.code == 2
    assert result.err == (
        f"mlrig: error: {repo / ANSWERS}:{line}: python_version '3.1' is not one of: "
        "3.10, 3.11, 3.12, 3.13 (for 3.10, quote it: YAML reads 3.10 as 3.1)\n"
    )


def test_an_answer_the_template_refuses_names_its_line(repo: Path, run_mlrig: RunMlrig) -> None:
    line = edit_answer(repo, "package_name: my_ml_project", "package_name: import")
    result = run_mlrig("update", "-C", repo)
    assert result.code == 2
    assert result.err == (
        f"mlrig: error: {repo / ANSWERS}:{line}: package_name 'import' is a Python keyword, "
        "so `import import` cannot work\n"
    )


def test_an_answer_written_twice_is_refused(repo: Path, run_mlrig: RunMlrig) -> None:
    first = edit_answer(repo, "cloud: aws", "cloud: aws\n  cloud: gcp")
    for command in (("update", "--dry-run"), ("add", "dependabot")):
        result = run_mlrig(*command, "-C", repo)
        assert result.code == 2
        assert result.err == (
            f"mlrig: error: {repo / ANSWERS}:{first + 1}: 'cloud' is written twice "
            f"(first at line {first})\n"
        )


def test_a_top_level_key_written_twice_is_refused(repo: Path, run_mlrig: RunMlrig) -> None:
    path = repo / ANSWERS
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "template: other\n", encoding="utf-8")
    commit_all(repo)
    last = len(text.splitlines()) + 1
    result = run_mlrig("update", "--dry-run", "-C", repo)
    assert result.code == 2
    assert (
        result.err
        == f"mlrig: error: {path}:{last}: 'template' is written twice (first at line 2)\n"
    )


def test_new_answers_file_errors_name_their_line(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    answers = tmp_path / "answers.yml"
    cases = {
        "project_name: A\ncloud: gcp\ncloud: aws\n": "3: 'cloud' is written twice (first at line 2)",
        "project_name: A\ncloud: mars\n": "2: cloud 'mars' is not one of: aws, azure, gcp, none",
        "colour: blue\n": "1: unknown answer 'colour'; known answers: project_name, ",
        "answers:\n  project_name: A\n  package_name: class\n": (
            "3: package_name 'class' is a Python keyword, so `import class` cannot work"
        ),
    }
    for text, message in cases.items():
        answers.write_text(text, encoding="utf-8")
        result = run_mlrig("new", "--no-input", "-o", tmp_path / "out", "--answers", answers)
        assert result.code == 2, text
        assert result.err.startswith(f"mlrig: error: {answers}:{message}"), result.err
        assert len(result.err.splitlines()) == 1
        assert not (tmp_path / "out").exists()


def test_set_wins_over_a_bad_answer_in_the_file(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("package_name: class\n", encoding="utf-8")
    result = run_mlrig(
        "new", "--no-input", "-o", tmp_path, "--answers", answers, "--set", "package_name=ok"
    )
    assert result.code == 0, result.err


def test_an_oversized_answers_file_is_a_configuration_error(
    repo: Path, tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    padding = "#" * 1023 + "\n"
    big = (repo / ANSWERS).read_text(encoding="utf-8") + padding * (4 * 1024 + 1)
    (repo / ANSWERS).write_text(big, encoding="utf-8")
    commit_all(repo)
    for command in (("update", "--check"), ("add", "dependabot")):
        result = run_mlrig(*command, "-C", repo)
        assert result.code == 2, result.err
        assert result.err == (
            f"mlrig: error: {repo / ANSWERS}: larger than 4 MiB; mlrig will not read it\n"
        )
    given = tmp_path / "answers.yml"
    given.write_text(padding * (4 * 1024 + 1), encoding="utf-8")
    result = run_mlrig("new", "--no-input", "--answers", given, "-o", tmp_path / "out")
    assert result.code == 2, result.err
    assert result.err == f"mlrig: error: {given}: larger than 4 MiB; mlrig will not read it\n"


def _rewrite(repo: Path, old: str, new: str) -> int:
    """Replace the first line starting with ``old`` by ``new`` (and commit); its line."""
    path = repo / ANSWERS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(old))
    lines[index] = new
    path.write_text("".join(lines), encoding="utf-8")
    commit_all(repo)
    return index + 1


def _files_as(repo: Path, text: str) -> int:
    """Replace the whole ``files:`` mapping by ``text``; the line it starts on."""
    path = repo / ANSWERS
    body = path.read_text(encoding="utf-8")
    head = body[: body.index("files:\n")]
    path.write_text(head + text, encoding="utf-8")
    commit_all(repo)
    return head.count("\n") + 1


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        (
            "files: 7\n",
            "'files' (the hash of each generated file) is not a mapping of path to hash",
        ),
        ("", "'files' (the hash of each generated file) is missing"),
        ("files:\n  README.md: 7\n", "the hash of 'README.md' is not sha256:<64 hex digits>"),
    ],
)
def test_files_that_are_not_hashes_name_the_line(
    repo: Path, run_mlrig: RunMlrig, files: str, problem: str
) -> None:
    line = _files_as(repo, files)
    line = 1 if not files else line + (1 if "README" in files else 0)
    before = (repo / ANSWERS).read_bytes()
    for command in (("update",), ("update", "--check"), ("add", "dependabot")):
        result = run_mlrig(*command, "-C", repo)
        assert (result.code, result.out) == (2, "")
        assert result.err == f"mlrig: error: {repo / ANSWERS}:{line}: {problem}\n"
    assert (repo / ANSWERS).read_bytes() == before


def test_a_version_that_is_a_path_names_its_line(repo: Path, run_mlrig: RunMlrig) -> None:
    line = _rewrite(repo, "  version: ", "  version: ../../../../etc/passwd\n")
    result = run_mlrig("update", "-C", repo)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"mlrig: error: {repo / ANSWERS}:{line}: version '../../../../etc/passwd' is not a version\n"
    )


def test_a_release_recorded_with_another_releases_commit_is_refused(
    repo: Path, run_mlrig: RunMlrig
) -> None:
    old = "caae0afe11670faa7584de328c27a6f2f7005743"  # release 0.1.0
    _rewrite(repo, "template_version: ", "template_version: 0.3.0\n")
    _rewrite(repo, "template_commit: ", f"template_commit: {old}\n")
    _rewrite(repo, "  version: ", "  version: 0.3.0\n")
    _rewrite(repo, "  commit: ", f"  commit: {old}\n")
    lines = (repo / ANSWERS).read_text(encoding="utf-8").splitlines()
    line = lines.index("template_source:") + 1
    for command in (("update",), ("update", "--check")):
        result = run_mlrig(*command, "-C", repo)
        assert (result.code, result.out) == (2, "")
        assert result.err == (
            f"mlrig: error: {repo / ANSWERS}:{line}: records ml-repo 0.3.0 at commit caae0afe1167, "
            "but release 0.1.0 is commit caae0afe1167; the version and the commit disagree\n"
        )
