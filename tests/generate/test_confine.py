"""``update`` and ``add`` refuse symlinks and paths outside the repository, writing nothing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml

from tests.conftest import RunMlrig
from tests.generate.conftest import SLUG_DIR, append, commit_all, git

REFUSED = "mlrig reads and writes only regular files inside the repository"


def snapshot(*roots: Path) -> dict[str, bytes | str]:
    """Every entry under ``roots`` (symlinks by target), outside ``.git``."""
    seen: dict[str, bytes | str] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if ".git" in path.relative_to(root).parts:
                continue
            if path.is_symlink():
                seen[str(path)] = "-> " + str(path.readlink())
            elif path.is_file():
                seen[str(path)] = path.read_bytes()
    return seen


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


@pytest.fixture
def forked(generated: Path, template_copy: Path) -> tuple[Path, Path]:
    """A generated repository and its template fork, with a change to every ``params.yaml``."""
    append(template_copy / SLUG_DIR / "params.yaml", "# template addition\n")
    return generated, template_copy


def assert_update_refused(
    run_mlrig: RunMlrig, forked: tuple[Path, Path], outside: Path, where: str
) -> None:
    """Commit the hostile tree; ``update`` (and its dry run) refuses it and writes nothing."""
    repo, template = forked
    commit_all(repo)
    before = snapshot(repo, outside)
    for dry_run in ((), ("--dry-run",)):
        result = run_mlrig("update", "-C", repo, "--template", template, *dry_run)
        assert result.code == 1
        assert result.err == f"mlrig: error: {where}; {REFUSED}\n"
        assert snapshot(repo, outside) == before


def test_update_refuses_a_committed_symlink_out_of_the_repository(
    forked: tuple[Path, Path], outside: Path, run_mlrig: RunMlrig
) -> None:
    repo = forked[0]
    (outside / "params.yaml").write_bytes((repo / "params.yaml").read_bytes())
    (repo / "params.yaml").unlink()
    (repo / "params.yaml").symlink_to(outside / "params.yaml")
    assert_update_refused(run_mlrig, forked, outside, f"{repo / 'params.yaml'}: a symbolic link")


def test_update_refuses_a_symlinked_folder(
    forked: tuple[Path, Path], outside: Path, run_mlrig: RunMlrig
) -> None:
    repo, template = forked
    append(template / SLUG_DIR / ".github" / "workflows" / "ci.yml", "# template addition\n")
    (repo / ".github").rename(outside / "github")
    (repo / ".github").symlink_to(outside / "github")
    assert_update_refused(run_mlrig, forked, outside, f"{repo / '.github'}: a symbolic link")


def test_update_refuses_an_answers_file_entry_outside_the_repository(
    forked: tuple[Path, Path], outside: Path, run_mlrig: RunMlrig
) -> None:
    """A ``files:`` entry ``../outside/victim`` whose hash matches would be deleted."""
    repo = forked[0]
    victim = outside / "victim"
    victim.write_text("keep me\n", encoding="utf-8")
    record_path = repo / ".mlrig-answers.yml"
    record = yaml.safe_load(record_path.read_text(encoding="utf-8"))
    relative = os.path.relpath(victim, repo)
    record["files"][relative] = "sha256:" + hashlib.sha256(victim.read_bytes()).hexdigest()
    record_path.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    where = f"{repo / relative}: outside the repository"
    assert_update_refused(run_mlrig, forked, outside, where)


@pytest.mark.parametrize("dangling", [True, False], ids=["dangling", "to-a-file"])
def test_add_refuses_a_symlink_where_it_would_write(
    tmp_path: Path, outside: Path, run_mlrig: RunMlrig, dangling: bool
) -> None:
    repo = tmp_path / "legacy"
    repo.mkdir()
    target = outside / "created.yaml"
    if not dangling:
        target.write_text("repos: []\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").symlink_to(target)
    git(repo, "init", "-q")
    commit_all(repo)
    before = snapshot(repo, outside)
    for dry_run in ((), ("--dry-run",)):
        result = run_mlrig("add", "pre-commit", "-C", repo, *dry_run)
        assert result.code == 1
        link = repo / ".pre-commit-config.yaml"
        assert result.err == f"mlrig: error: {link}: a symbolic link; {REFUSED}\n"
        assert snapshot(repo, outside) == before
    assert target.exists() is not dangling


def test_add_refuses_a_dangling_symlinked_folder(
    tmp_path: Path, outside: Path, run_mlrig: RunMlrig
) -> None:
    repo = tmp_path / "legacy"
    repo.mkdir()
    (repo / ".github").symlink_to(outside / "not-yet")
    result = run_mlrig("add", "dependabot", "-C", repo)  # ci: its prerequisites come first
    assert result.code == 1
    assert result.err == f"mlrig: error: {repo / '.github'}: a symbolic link; {REFUSED}\n"
    assert not (outside / "not-yet").exists()
    assert sorted(p.name for p in repo.iterdir()) == [".github"]


def test_add_refuses_a_symlinked_answers_file(
    tmp_path: Path, outside: Path, run_mlrig: RunMlrig
) -> None:
    repo = tmp_path / "legacy"
    repo.mkdir()
    (outside / "secret").write_text("answers:\n  project_name: x\n", encoding="utf-8")
    (repo / ".mlrig-answers.yml").symlink_to(outside / "secret")
    result = run_mlrig("add", "dependabot", "-C", repo)
    assert result.code == 1
    assert (
        result.err == f"mlrig: error: {repo / '.mlrig-answers.yml'}: a symbolic link; {REFUSED}\n"
    )
    assert not (repo / ".github").exists()


def test_add_refuses_a_fifo_where_it_would_write(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    repo = tmp_path / "legacy"
    repo.mkdir()
    os.mkfifo(repo / ".pre-commit-config.yaml")
    result = run_mlrig("add", "pre-commit", "-C", repo)
    assert result.code == 1
    fifo = repo / ".pre-commit-config.yaml"
    assert (
        result.err == f"mlrig: error: {fifo}: a named pipe (FIFO), not a regular file; {REFUSED}\n"
    )
