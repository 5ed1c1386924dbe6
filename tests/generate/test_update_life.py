"""``mlrig update`` with a real base: changed answers, up to date, ``--check``, a fork by git."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, RunMlrig
from tests.gitrepo import commit_all, git

SLUG_DIR = "{{cookiecutter.project_slug}}"
ANSWERS = ".mlrig-answers.yml"


def record(repo: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((repo / ANSWERS).read_text(encoding="utf-8"))
    return data


def new_repo(run_mlrig: RunMlrig, out: Path, *args: str | Path) -> Path:
    result = run_mlrig("new", "--no-input", "-o", out, *args)
    assert result.code == 0, result.err
    repo = out / "my-ml-project"
    git(repo, "init", "-q")
    commit_all(repo, "generated")
    return repo


def new_from_fork(run_mlrig: RunMlrig, out: Path, url: str | Path) -> Path:
    return new_repo(run_mlrig, out, "--template", url, "--directory", "templates/ml-repo")


def publish(work: Path, relative: str, addition: str) -> None:
    """Change a file of the fork's template and push it to the fork's bare repository."""
    path = work / "templates" / "ml-repo" / SLUG_DIR / relative
    path.write_text(path.read_text(encoding="utf-8") + addition, encoding="utf-8")
    commit_all(work, "fork change")
    git(work, "push", "-q", "origin", "main")


def test_update_set_changes_an_answer_through_the_merge(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = new_repo(run_mlrig, tmp_path)
    readme = repo / "README.md"
    readme.write_text("# Our notes\n\n" + readme.read_text(encoding="utf-8"), encoding="utf-8")
    commit_all(repo)
    result = run_mlrig("update", "-C", repo, "--set", "cloud=gcp")
    assert result.code == 0, result.err
    assert "update    .dvc/config" in result.out.splitlines()
    answers = record(repo)["answers"]
    assert isinstance(answers, dict)
    assert (answers["cloud"], answers["region"]) == ("gcp", "us-central1")
    assert answers["dvc_remote_url"] == "gs://my-ml-project-dvc"
    assert "url = gs://my-ml-project-dvc" in (repo / ".dvc" / "config").read_text(encoding="utf-8")
    assert "google" in (repo / "terraform" / "versions.tf").read_text(encoding="utf-8")
    assert readme.read_text(encoding="utf-8").startswith("# Our notes\n\n")
    assert run_mlrig("update", "-C", repo, "--set", "colour=red").code == 1


def test_update_says_already_up_to_date_and_check_agrees(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = new_repo(run_mlrig, tmp_path)
    before = (repo / ANSWERS).read_bytes()
    for args in ((), ("--check",), ("--dry-run",)):
        result = run_mlrig("update", "-C", repo, *args)
        assert result.code == 0, result.err
        assert result.out.startswith("Already up to date with template ml-repo ")
    assert (repo / ANSWERS).read_bytes() == before


@pytest.fixture
def fork(tmp_path: Path) -> tuple[Path, Path]:
    """A company's fork of mlrig (the template at templates/ml-repo), published as a local
    bare repository, and a work tree to change it in."""
    work = tmp_path / "fork-work"
    shutil.copytree(
        REPO_ROOT / "templates" / "ml-repo",
        work / "templates" / "ml-repo",
        ignore=shutil.ignore_patterns("__pycache__", "releases"),
    )
    git(work, "init", "-q", "-b", "main")
    commit_all(work, "fork")
    bare = tmp_path / "fork.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    git(work, "remote", "add", "origin", str(bare))
    return work, bare


def test_a_fork_is_updated_from_its_git_source_with_check_before_and_after(
    tmp_path: Path, run_mlrig: RunMlrig, fork: tuple[Path, Path]
) -> None:
    work, bare = fork
    url = bare.as_uri()
    repo = new_from_fork(run_mlrig, tmp_path / "out", url)
    generated_at = git(work, "rev-parse", "HEAD").strip()
    source = record(repo)["template_source"]
    assert source == {
        "kind": "git",
        "version": record(repo)["template_version"],
        "commit": generated_at,
        "url": url,
        "directory": "templates/ml-repo",
    }
    params = repo / "params.yaml"
    params.write_text("# tuned by us\n" + params.read_text(encoding="utf-8"), encoding="utf-8")
    commit_all(repo)
    publish(work, "params.yaml", "# fork change\n")

    for args in ((), ("--check",), ("--dry-run",)):
        refused = run_mlrig("update", "-C", repo, *args)
        assert refused.code == 2, refused.out
        assert refused.err == (
            f"mlrig: error: {repo / ANSWERS}: records the template {url!r} (a git URL); "
            f"mlrig runs no template that a repository names: pass --template {url} "
            "if you trust it\n"
        )
    behind = run_mlrig("update", "-C", repo, "--check", "--template", url)
    assert behind.code == 1, behind.err
    assert behind.out.splitlines()[0] == "would merge params.yaml"
    assert behind.out.splitlines()[-1].startswith(f"Behind {url} (templates/ml-repo) at ")

    shutil.rmtree(work)  # the base comes from the bare repository alone
    result = run_mlrig("update", "-C", repo, "--template", url)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "merge     params.yaml"
    text = params.read_text(encoding="utf-8")
    assert text.startswith("# tuned by us\n") and text.endswith("# fork change\n")
    assert record(repo)["template_commit"] == git(bare, "rev-parse", "main").strip()
    commit_all(repo)
    after = run_mlrig("update", "-C", repo, "--check", "--template", url)
    assert after.code == 0, after.out
    assert after.out.startswith("Already up to date with ")


def test_a_fork_whose_recorded_commit_is_gone_has_no_base(
    tmp_path: Path, run_mlrig: RunMlrig, fork: tuple[Path, Path]
) -> None:
    _, bare = fork
    repo = new_from_fork(run_mlrig, tmp_path / "out", bare)
    answers = (repo / ANSWERS).read_text(encoding="utf-8")
    commit = str(record(repo)["template_commit"])
    (repo / ANSWERS).write_text(answers.replace(commit, "deadbeef" * 5), encoding="utf-8")
    commit_all(repo)
    result = run_mlrig("update", "-C", repo, "--template", bare)
    assert result.code == 2
    assert result.err == (
        f"mlrig: error: no merge base: {bare} (templates/ml-repo) at deadbeefdead cannot be fetched "
        f"from {bare}: has no commit '{'deadbeef' * 5}'; nothing was changed. Update with the mlrig "
        "release that generated this repository first, or name the old template with its git "
        "source\n"
    )


def test_dry_run_with_a_conflict_describes_it_and_writes_nothing(
    tmp_path: Path, run_mlrig: RunMlrig, fork: tuple[Path, Path]
) -> None:
    work, bare = fork
    repo = new_from_fork(run_mlrig, tmp_path / "out", bare)
    params = repo / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "# ours\n", encoding="utf-8")
    commit_all(repo)
    publish(work, "params.yaml", "# theirs\n")
    before = params.read_bytes()
    result = run_mlrig("update", "-C", repo, "--dry-run", "--template", bare)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "would conflict params.yaml"
    assert result.out.splitlines()[-1].endswith(
        "would change 1 file(s), 0 merged, 1 with conflicts; nothing written."
    )
    assert "resolve the markers" not in result.out + result.err
    assert params.read_bytes() == before


def test_the_pre_commit_hook_runs_update_check(
    tmp_path: Path, run_mlrig: RunMlrig, fork: tuple[Path, Path]
) -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "mlrig-update-check"]
    assert hook["pass_filenames"] is False
    program, *args = hook["entry"].split()
    assert program == "mlrig"
    work, bare = fork
    repo = new_from_fork(run_mlrig, tmp_path / "out", bare)
    # A fork's repository names its template in the hook's args (pre-commit's
    # ``args:``): mlrig never runs the template its answers file records.
    assert run_mlrig(*args, "-C", repo).code == 2
    assert run_mlrig(*args, "-C", repo, "--template", bare).code == 0
    publish(work, "README.md", "\nMore.\n")
    result = run_mlrig(*args, "-C", repo, "--template", bare)
    assert result.code == 1
    assert result.out.splitlines()[0] == "would update README.md"


def test_update_to_a_bundled_release_by_version(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    repo = new_repo(run_mlrig, tmp_path)
    result = run_mlrig("update", "-C", repo, "--to", "v0.1.0", "--dry-run", "--allow-downgrade")
    assert result.code == 0, result.err
    assert "would update .github/workflows/ci.yml" in result.out.splitlines()
    assert result.out.splitlines()[-1].startswith(
        "Dry run: downgrading to template ml-repo 0.1.0 (caae0afe1167) would change "
    )


def test_a_template_installed_into_an_ignored_venv_has_no_history_there(tmp_path: Path) -> None:
    from toolkit.resources import template_repository

    clone = tmp_path / "mlrig"
    installed = clone / ".venv" / "lib" / "site-packages" / "ml-repo"
    shutil.copytree(
        REPO_ROOT / "templates" / "ml-repo", installed, ignore=shutil.ignore_patterns("releases")
    )
    (clone / ".gitignore").write_text(".venv/\n", encoding="utf-8")
    git(clone, "init", "-q")
    commit_all(clone)
    assert template_repository(installed) is None
    tracked = clone / "templates" / "ml-repo"
    shutil.copytree(installed, tracked)
    commit_all(clone)
    assert template_repository(tracked) == (clone, "templates/ml-repo")
