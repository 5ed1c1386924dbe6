"""The judges users trust find nothing in a generated repository, for every cloud.

zizmor (offline audits), actionlint and check-jsonschema's GitHub schemas run
as subprocesses, exactly as a user would run them; every remote ``uses:`` is a
40-hex SHA with a ``# vX.Y.Z`` comment, and, where bare mirrors of the action
repositories are available, each SHA is the commit its tag names.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from tests.generated.conftest import VARIANTS, Generate, run, tool

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
PINNED = re.compile(r"(?P<repo>[\w.-]+/[\w.-]+)(?P<path>/[^@]*)?@(?P<sha>[0-9a-f]{40})\Z")
VERSION_COMMENT = re.compile(r"\s+# (?P<tag>v\d+\.\d+\.\d+)\s*\Z")


def workflows(repo: Path) -> list[Path]:
    return sorted((repo / ".github" / "workflows").glob("*.y*ml"))


def remote_uses(repo: Path) -> list[tuple[str, int, str, str]]:
    """``(file:line, repo, sha, tag)`` of every remote ``uses:`` in the workflows."""
    found = []
    for path in workflows(repo):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = USES.match(line)
            if match is None or match["ref"].startswith(("./", "docker://")):
                continue
            where = f"{path.relative_to(repo).as_posix()}:{number}"
            pin = PINNED.match(match["ref"])
            comment = VERSION_COMMENT.match(match["rest"])
            assert pin is not None, f"{where}: {match['ref']} is not pinned to a 40-hex SHA"
            assert comment is not None, f"{where}: no '# vX.Y.Z' comment after the SHA"
            found.append((where, pin["repo"], pin["sha"], comment["tag"]))
    return found


@pytest.mark.parametrize("variant", VARIANTS)
def test_zizmor_offline_finds_nothing(repo_per_cloud: dict[str, Path], variant: str) -> None:
    repo = repo_per_cloud[variant]
    done = run([tool("zizmor"), "--offline", "--no-progress", "."], cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout


@pytest.mark.parametrize("variant", VARIANTS)
def test_actionlint_finds_nothing(repo_per_cloud: dict[str, Path], variant: str) -> None:
    repo = repo_per_cloud[variant]
    done = run([tool("actionlint"), "-no-color"], cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("variant", VARIANTS)
def test_workflows_and_dependabot_match_github_schemas(
    repo_per_cloud: dict[str, Path], variant: str
) -> None:
    repo = repo_per_cloud[variant]
    check = tool("check-jsonschema")
    files = workflows(repo)
    assert any(path.name == "ci.yml" for path in files)
    done = run([check, "--builtin-schema", "vendor.github-workflows", *files], cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    dependabot = repo / ".github" / "dependabot.yml"
    done = run([check, "--builtin-schema", "vendor.dependabot", dependabot], cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_remote_uses_is_a_sha_with_a_version_comment(
    repo_per_cloud: dict[str, Path], variant: str
) -> None:
    uses = remote_uses(repo_per_cloud[variant])
    assert any(repo == "actions/checkout" for _, repo, _, _ in uses)


def test_each_sha_is_the_commit_of_its_tag(repo_per_cloud: dict[str, Path]) -> None:
    """Needs ``MLRIG_ACTION_MIRRORS``: a folder of ``<owner>+<repo>/repo`` bare clones.

    Actions with no mirror there (such as mlrig's own action before its first
    release) are listed in the skip message when nothing at all could be checked.
    """
    mirrors = os.environ.get("MLRIG_ACTION_MIRRORS")
    if not mirrors:
        pytest.skip("set MLRIG_ACTION_MIRRORS to a folder of <owner>+<repo>/repo bare git mirrors")
    pins = {
        (repo, sha, tag)
        for variant in VARIANTS
        for _, repo, sha, tag in remote_uses(repo_per_cloud[variant])
    }
    checked, missing = 0, []
    for repo, sha, tag in sorted(pins):
        mirror = Path(mirrors) / repo.replace("/", "+") / "repo"
        if not mirror.is_dir():
            missing.append(repo)
            continue
        done = run(["git", "--git-dir", mirror, "rev-parse", f"{tag}^{{commit}}"], cwd=Path.cwd())
        assert done.returncode == 0, f"{repo}: tag {tag} not found: {done.stderr}"
        assert done.stdout.strip() == sha, f"{repo}@{sha} is not {tag} ({done.stdout.strip()})"
        checked += 1
    if not checked:
        pytest.skip(f"no mirror for any pinned action: {', '.join(missing)}")


@pytest.mark.parametrize("variant", VARIANTS)
def test_mlrig_check_finds_nothing(repo_per_cloud: dict[str, Path], variant: str) -> None:
    done = run([sys.executable, "-m", "toolkit", "check", "."], cwd=repo_per_cloud[variant])
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
def test_generated_python_passes_ruff(generate: Generate, framework: str) -> None:
    """The CI lint job, for both frameworks (the slow venv test uses the locked ruff)."""
    repo = generate(ml_framework=framework)
    ruff = tool("ruff")
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        done = run([ruff, *command], cwd=repo)
        assert done.returncode == 0, done.stdout + done.stderr
