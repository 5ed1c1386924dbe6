"""``update`` and ``add`` run no code that the repository names, and write only inside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, RunMlrig
from tests.generate.conftest import SLUG_DIR, append, commit_all, git

ANSWERS = ".mlrig-answers.yml"
HOOK = """
from pathlib import Path
Path({marker!r}).write_text("template code ran\\n", encoding="utf-8")
"""


def marking_template(folder: Path, marker: Path) -> Path:
    """A copy of mlrig's template whose hooks and validation write ``marker`` when run."""
    shutil.copytree(
        REPO_ROOT / "templates" / "ml-repo", folder, ignore=shutil.ignore_patterns("__pycache__")
    )
    for hook in ("pre_gen_project.py", "post_gen_project.py"):
        append(folder / "hooks" / hook, HOOK.format(marker=str(marker)))
    return folder


@pytest.fixture
def repo(tmp_path: Path, run_mlrig: RunMlrig) -> Path:
    """A repository generated from mlrig's own template and committed."""
    assert run_mlrig("new", "--no-input", "-o", tmp_path / "out").code == 0
    repo = tmp_path / "out" / "my-ml-project"
    git(repo, "init", "-q")
    commit_all(repo)
    return repo


def name_template(repo: Path, template: str) -> None:
    """Make the repository's answers file name ``template``, as a hostile one would."""
    answers = repo / ANSWERS
    record = yaml.safe_load(answers.read_text(encoding="utf-8"))
    record["template"] = template
    answers.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    commit_all(repo)


@pytest.mark.parametrize(
    "command",
    [("update",), ("update", "--dry-run"), ("add", "ci"), ("add", "ci", "--dry-run")],
    ids=" ".join,
)
def test_a_template_path_in_the_answers_file_is_never_run(
    repo: Path, tmp_path: Path, run_mlrig: RunMlrig, command: tuple[str, ...]
) -> None:
    marker = tmp_path / "marker"
    evil = marking_template(tmp_path / "evil", marker)
    name_template(repo, str(evil))
    (repo / ".github" / "workflows" / "ci.yml").unlink()
    commit_all(repo)
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    result = run_mlrig(*command, "-C", repo)
    assert not marker.exists()
    assert result.code == 2
    assert result.err == (
        f"mlrig: error: {repo / ANSWERS}: records the template {str(evil)!r}, which is not "
        "one of mlrig's; pass --template with the template you trust\n"
    )
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before


def test_a_template_folder_in_the_current_folder_is_not_mlrigs(
    repo: Path, tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "marker"
    marking_template(repo / "ml-repo", marker)
    (repo / ".github" / "dependabot.yml").unlink()
    commit_all(repo)
    monkeypatch.chdir(repo)
    result = run_mlrig("add", "dependabot")
    assert result.code == 0, result.err
    assert not marker.exists()
    assert (repo / ".github" / "dependabot.yml").is_file()


@pytest.mark.parametrize("command", ["update", "add"])
def test_dry_run_with_a_given_template_runs_none_of_its_code(
    repo: Path, tmp_path: Path, run_mlrig: RunMlrig, command: str
) -> None:
    marker = tmp_path / "marker"
    fork = marking_template(tmp_path / "fork", marker)
    append(fork / SLUG_DIR / "params.yaml", "# from the fork\n")
    (repo / ".github" / "dependabot.yml").unlink()
    commit_all(repo)
    args = ("update",) if command == "update" else ("add", "dependabot")
    result = run_mlrig(*args, "-C", repo, "--template", fork, "--dry-run")
    assert result.code == 0, result.err
    assert not marker.exists()
    expected = (
        "would update params.yaml" if command == "update" else "would write .github/dependabot.yml"
    )
    assert expected in result.out.splitlines()


def test_dry_run_plans_what_the_hooks_would_remove(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    """Without running the post-generation hook, a dry run still leaves out what it removes."""
    assert run_mlrig("new", "--no-input", "-o", tmp_path, "--set", "cloud=none").code == 0
    repo = tmp_path / "my-ml-project"
    git(repo, "init", "-q")
    commit_all(repo)
    result = run_mlrig("update", "-C", repo, "--dry-run")
    assert result.code == 0, result.err
    assert result.out.startswith("Already up to date with template ml-repo ")
    assert len(result.out.splitlines()) == 1


@pytest.mark.parametrize("kind", ["git", "bundled"])
@pytest.mark.parametrize(
    "command",
    [
        ("update",),
        ("update", "--check"),
        ("update", "--dry-run"),
        ("add", "ci"),
        ("add", "ci", "--dry-run"),
    ],
    ids=" ".join,
)
def test_a_template_source_in_the_answers_file_is_never_run(
    repo: Path, tmp_path: Path, run_mlrig: RunMlrig, command: tuple[str, ...], kind: str
) -> None:
    """``template_source`` (issue 14) names a git URL or, forged, a folder as "bundled":
    neither is fetched, rendered or imported without ``--template``."""
    marker = tmp_path / "marker"
    evil = marking_template(tmp_path / "evil", marker)
    git(evil, "init", "-q")
    commit_all(evil)
    answers = repo / ANSWERS
    record = yaml.safe_load(answers.read_text(encoding="utf-8"))
    if kind == "git":
        where = evil.as_uri()
        commit = git(evil, "rev-parse", "HEAD").strip()
        record["template_source"] = {"kind": "git", "url": where, "commit": commit}
        expected = (
            f"records the template {where!r} (a git URL); mlrig runs no template that a "
            f"repository names: pass --template {where} if you trust it"
        )
    else:
        record["template_source"] = {"kind": "bundled", "name": str(evil)}
        expected = (
            f"records the template {str(evil)!r}, which is not one of mlrig's; "
            "pass --template with the template you trust"
        )
    answers.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    (repo / ".github" / "workflows" / "ci.yml").unlink()
    commit_all(repo)
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    result = run_mlrig(*command, "-C", repo)
    assert not marker.exists()
    assert result.code == 2, result.out
    assert result.err == f"mlrig: error: {answers}: {expected}\n"
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before
