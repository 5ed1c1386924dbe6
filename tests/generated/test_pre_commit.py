"""``pre-commit run --all-files`` passes in a generated repository, offline from GitHub.

What is covered: every hook id that the generated ``.pre-commit-config.yaml``
lists, with the generated ``args``, run by the pre-commit version pinned in the
generated ``requirements.txt``. There is no GitHub access here, so the test
config keeps those ids but swaps each remote repository for a ``repo: local``
hook with ``language: python`` that installs, from PyPI, the very package and
version the remote rev ships (``pre-commit-hooks`` and ``ruff`` at the revs of
``_precommit_revs``); the entry and file types copy each hook's
``.pre-commit-hooks.yaml`` at that rev (``HOOKS`` below). mlrig's own
``mlrig-check`` runs from this checkout's committed ``HEAD`` through pre-commit's
normal git-clone path, when this repository has a ``.pre-commit-hooks.yaml``.

What is not covered: fetching the hook repositories from GitHub at their tags
(the action-pin test checks tags against mirrors instead), and any hook id
missing from ``HOOKS``, which fails the test rather than passing silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.generated.conftest import commit_all, generate_into, git, run, venv_env
from toolkit.resources import template_dir

pytestmark = pytest.mark.slow

PRE_COMMIT_HOOKS = "https://github.com/pre-commit/pre-commit-hooks"
RUFF = "https://github.com/astral-sh/ruff-pre-commit"
TEXT: dict[str, Any] = {"types": ["text"]}
PYTHON: dict[str, Any] = {"types_or": ["python", "pyi", "jupyter"], "require_serial": True}
# id -> (entry, file selection), as each repository's .pre-commit-hooks.yaml declares them.
HOOKS: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {
    PRE_COMMIT_HOOKS: {
        "check-added-large-files": ("check-added-large-files", {}),
        "check-merge-conflict": ("check-merge-conflict", TEXT),
        "check-toml": ("check-toml", {"types": ["toml"]}),
        "check-yaml": ("check-yaml", {"types": ["yaml"]}),
        "detect-private-key": ("detect-private-key", TEXT),
        "end-of-file-fixer": ("end-of-file-fixer", TEXT),
        "mixed-line-ending": ("mixed-line-ending", TEXT),
        "trailing-whitespace": ("trailing-whitespace-fixer", TEXT),
    },
    RUFF: {
        "ruff-check": ("ruff check --force-exclude", PYTHON),
        "ruff-format": ("ruff format --force-exclude", PYTHON),
    },
}
PACKAGES = {PRE_COMMIT_HOOKS: "pre-commit-hooks", RUFF: "ruff"}


def local_hooks(remote: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """A ``repo: local`` stand-in for ``remote`` that installs the same release from PyPI."""
    url = remote["repo"]
    owner_name = url.removeprefix("https://github.com/")
    release = options["_precommit_revs"][owner_name]
    requirement = f"{PACKAGES[url]}=={release.removeprefix('v')}"
    assert remote["rev"] == options["_precommit_commits"][owner_name]
    hooks = []
    for hook in remote["hooks"]:
        assert hook["id"] in HOOKS[url], f"add {hook['id']} to HOOKS"
        entry, selection = HOOKS[url][hook["id"]]
        local = {"id": hook["id"], "name": hook["id"], "entry": entry, "language": "python"}
        hooks.append({**local, **selection, "additional_dependencies": [requirement], **hook})
    return {"repo": "local", "hooks": hooks}


def offline_config(generated: dict[str, Any], mlrig_rev: str | None) -> dict[str, Any]:
    """The generated config with each remote repository replaced by a local source."""
    options = json.loads((template_dir() / "cookiecutter.json").read_text(encoding="utf-8"))
    repos = []
    for remote in generated["repos"]:
        if remote["repo"] in HOOKS:
            repos.append(local_hooks(remote, options))
        elif mlrig_rev is not None:
            repos.append({**remote, "repo": str(REPO_ROOT), "rev": mlrig_rev})
    return {**generated, "repos": repos}


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache of hook environments, shared by this session's tests."""
    return tmp_path_factory.mktemp("pre-commit-home")


def run_pre_commit(tmp_path: Path, aws_venv: Path, home: Path, mlrig_rev: str | None) -> str:
    repo = generate_into(tmp_path / "gen", cloud="aws")
    commit_all(repo)
    generated = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    config = tmp_path / "pre-commit-offline.yaml"
    config.write_text(yaml.safe_dump(offline_config(generated, mlrig_rev)), encoding="utf-8")
    env = venv_env(aws_venv, PRE_COMMIT_HOME=str(home))
    done = run(["pre-commit", "run", "--all-files", "--config", config], repo, env, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(repo, "status", "--porcelain") == "", "a hook changed generated files"
    return done.stdout


def test_standard_hooks_pass(tmp_path: Path, aws_venv: Path, pre_commit_home: Path) -> None:
    output = run_pre_commit(tmp_path, aws_venv, pre_commit_home, mlrig_rev=None)
    for hook_id in ("check-yaml", "ruff-check", "ruff-format", "trailing-whitespace"):
        assert hook_id in output


def test_mlrig_hooks_pass(tmp_path: Path, aws_venv: Path, pre_commit_home: Path) -> None:
    head = git(REPO_ROOT, "rev-parse", "HEAD").strip()
    listed = git(REPO_ROOT, "ls-tree", "--name-only", head, ".pre-commit-hooks.yaml").strip()
    if not listed:
        pytest.skip("this repository has no committed .pre-commit-hooks.yaml yet")
    output = run_pre_commit(tmp_path, aws_venv, pre_commit_home, mlrig_rev=head)
    assert "mlrig" in output
