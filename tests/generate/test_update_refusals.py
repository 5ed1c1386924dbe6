"""What ``mlrig update`` refuses, and how it says so: a downgrade, unresolved conflict
markers from an earlier update, and a template git cannot fetch."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import RunMlrig
from tests.generate.conftest import SLUG_DIR, commit_all, new_committed_repo

ANSWERS = ".mlrig-answers.yml"


def files(repo: Path) -> dict[str, bytes]:
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }


def test_an_older_release_is_a_downgrade_refused_unless_allowed(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    from toolkit import __version__
    from toolkit.resources import template_commit, template_dir

    repo = new_committed_repo(run_mlrig, tmp_path)
    before = files(repo)
    commit = template_commit(template_dir("ml-repo"))
    shown = commit[:12] if len(commit) == 40 else "unknown commit"
    for args in ((), ("--dry-run",)):
        result = run_mlrig("update", "-C", repo, "--to", "0.2.0", *args)
        assert (result.code, result.out) == (1, "")
        assert result.err == (
            "mlrig: error: template ml-repo 0.2.0 (b0cee23c59b6) is older than template ml-repo "
            f"{__version__} ({shown}), which generated this repository: that is a downgrade; "
            "pass --allow-downgrade to move back to it\n"
        )
    checked = run_mlrig("update", "-C", repo, "--to", "0.2.0", "--check")
    assert (checked.code, checked.err) == (0, "")
    assert checked.out == (
        f"The repository is ahead of this mlrig ({__version__} > 0.2.0): template ml-repo 0.2.0 "
        f"(b0cee23c59b6) is older than template ml-repo {__version__} ({shown}), which "
        "generated it; nothing to update.\n"
    )
    assert files(repo) == before
    result = run_mlrig("update", "-C", repo, "--to", "0.2.0", "--allow-downgrade")
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1].startswith(
        "Downgraded to template ml-repo 0.2.0 (b0cee23c59b6): "
    )


def test_unresolved_markers_are_not_up_to_date(
    generated: Path, template_copy: Path, run_mlrig: RunMlrig
) -> None:
    params = generated / "params.yaml"
    lines = params.read_text(encoding="utf-8").splitlines(keepends=True)
    params.write_text("".join([*lines[:3], "# ours\n", *lines[4:]]), encoding="utf-8")
    commit_all(generated)
    theirs = template_copy / SLUG_DIR / "params.yaml"
    theirs.write_text("".join([*lines[:3], "# theirs\n", *lines[4:]]), encoding="utf-8")
    commit_all(template_copy)
    first = run_mlrig("update", "-C", generated, "--template", template_copy)
    assert first.code == 1
    assert first.err == "1 conflict(s): resolve the markers, then commit.\n"
    commit_all(generated)  # committed without resolving
    for args in ((), ("--check",), ("--dry-run",)):
        result = run_mlrig("update", "-C", generated, "--template", template_copy, *args)
        assert (result.code, result.out) == (1, "")
        assert result.err == (
            f"mlrig: error: {generated}: unresolved conflict markers from an earlier update at "
            "params.yaml:4; resolve them (keep what you want, delete the <<<<<<< ======= >>>>>>> "
            "lines), commit, then update again\n"
        )
    params.write_text("".join([*lines[:3], "# ours\n", *lines[4:]]), encoding="utf-8")
    commit_all(generated)
    result = run_mlrig("update", "-C", generated, "--template", template_copy)
    assert result.code == 0, result.err
    assert result.out.startswith("Already up to date with ")


def test_a_fork_git_cannot_fetch_is_one_line_with_gits_own_error(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = new_committed_repo(run_mlrig, tmp_path)
    gone = tmp_path / "moved.git"
    before = files(repo)
    result = run_mlrig("update", "-C", repo, "--template", gone.as_uri())
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"mlrig: error: {gone.as_uri()}: cannot fetch the template: '{gone}' does not appear to "
        "be a git repository\n"
    )
    assert files(repo) == before


def test_check_on_a_repository_a_newer_mlrig_generated_is_not_behind(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    """The pre-commit hook ``mlrig-update-check`` runs ``update --check``: a repository that
    a newer mlrig generated must not fail every push of a teammate with an older mlrig."""
    from toolkit import __version__
    from toolkit.generate.base import describe_folder
    from toolkit.resources import template_dir

    repo = new_committed_repo(run_mlrig, tmp_path)
    answers = repo / ANSWERS
    data = yaml.safe_load(answers.read_text(encoding="utf-8"))
    newer = {"version": "99.1.0", "commit": "ab" * 20}
    data["template_version"], data["template_commit"] = newer["version"], newer["commit"]
    data["template_source"] = {"kind": "bundled", "name": "ml-repo", **newer}
    answers.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    commit_all(repo)
    before = files(repo)
    described = describe_folder(template_dir("ml-repo")).describe()
    result = run_mlrig("update", "-C", repo, "--check")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"The repository is ahead of this mlrig (99.1.0 > {__version__}): {described} is older "
        f"than template ml-repo 99.1.0 (abababababab), which generated it; nothing to update.\n"
    )
    assert files(repo) == before
