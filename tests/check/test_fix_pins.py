"""``--fix`` pins tags and branches to commit SHAs, resolved with the real ``git ls-remote``.

The remotes are bare repositories on disk that git reaches as ``https://github.com/...``
through ``url.<local>.insteadOf`` given in ``GIT_CONFIG_*`` (see ``tests/check/remotes.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.helpers import WORKFLOW, build_file_tree, mlrig
from tests.check.remotes import Remotes, git

PRECOMMIT = ".pre-commit-config.yaml"


class World:
    """The remotes, their commits by name, and the environment that reaches them."""

    def __init__(self, base: Path) -> None:
        self.remotes = Remotes(base / "github")
        self.env = self.remotes.env(base / "cache")
        self.sha: dict[str, str] = {}

    def check(self, repo: Path, *args: str) -> tuple[int, str, str]:
        run = mlrig("check", *args, cwd=repo, env=self.env)
        return run.code, run.out, run.err


@pytest.fixture
def world(tmp_path: Path) -> World:
    made = World(tmp_path)
    remotes, sha = made.remotes, made.sha
    sha["checkout"] = remotes.commit("actions/checkout", "release 4.2.2")
    remotes.tag("actions/checkout", "v4", sha["checkout"], annotated=True)
    remotes.tag("actions/checkout", "v4.2", sha["checkout"])
    remotes.tag("actions/checkout", "v4.2.2", sha["checkout"])
    sha["checkout-main"] = remotes.commit("actions/checkout", "work after the release")
    sha["python"] = remotes.commit("actions/setup-python", "release 5.3.0")
    remotes.tag("actions/setup-python", "v5.3.0", sha["python"], annotated=True)
    remotes.tag("actions/setup-python", "v5", sha["python"], annotated=True)
    sha["deploy"] = remotes.commit("org/deploy", "release 1.0.0")
    remotes.tag("org/deploy", "v1", sha["deploy"])
    remotes.tag("org/deploy", "v1.0.0", sha["deploy"])
    sha["hooks"] = remotes.commit("pre-commit/pre-commit-hooks", "release 5.0.0")
    remotes.tag("pre-commit/pre-commit-hooks", "v5.0.0", sha["hooks"], annotated=True)
    sha["black"] = remotes.commit("psf/black-pre-commit-mirror", "release 24.10.0")
    remotes.tag("psf/black-pre-commit-mirror", "24.10.0", sha["black"])
    return made


def _workflow(steps: str, newline: str = "\n") -> str:
    head = (
        "on: push\npermissions: {}\njobs:\n"
        "  deploy:\n    uses: org/deploy/.github/workflows/deploy.yml@v1\n"
        "  test:\n    runs-on: ubuntu-24.04\n    steps:\n"
    )
    return (head + steps).replace("\n", newline)


def _abbreviated(sha: str) -> str:
    """A prefix of ``sha`` that reads as one (not all digits, which would read as a version)."""
    return next(sha[:n] for n in range(10, 41) if not sha[:n].isdigit())


def _repo(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    repo = build_file_tree(tmp_path / "repo", files)
    git(repo, "init", "-q")
    return repo


def test_tags_branches_and_short_shas_become_commit_shas(tmp_path: Path, world: World) -> None:
    sha = world.sha
    steps = (
        "      - uses: actions/checkout@v4\n"
        "      - uses: 'actions/setup-python@v5'  # the interpreter\n"
        "      - uses: actions/checkout@main\n"
        f"      - uses: actions/checkout@{_abbreviated(sha['checkout'])}\n"
        f"      - uses: actions/checkout@{sha['checkout']}\n"
    )
    repo = _repo(tmp_path, {WORKFLOW: _workflow(steps, "\r\n").encode()})
    code, out, err = world.check(repo, "--fix", "--select", "GHA")
    expected = _workflow(
        f"      - uses: actions/checkout@{sha['checkout']}  # v4.2.2\n"
        f"      - uses: 'actions/setup-python@{sha['python']}'  # v5.3.0 the interpreter\n"
        f"      - uses: actions/checkout@{sha['checkout-main']}  # main\n"
        f"      - uses: actions/checkout@{sha['checkout']}  # v4.2.2\n"
        f"      - uses: actions/checkout@{sha['checkout']}  # v4.2.2\n",
        "\r\n",
    ).replace("deploy.yml@v1", f"deploy.yml@{sha['deploy']}  # v1.0.0")
    assert (repo / WORKFLOW).read_bytes() == expected.encode()
    assert err == (
        f"{WORKFLOW}:11:15: GHA002 not fixed: no version tag of actions/checkout"
        f" points at {sha['checkout-main']}\n"
    )
    assert out == (
        f"{WORKFLOW}:11:15: GHA002 actions/checkout is pinned to a SHA without a"
        " # vX.Y.Z comment; add it (--fix)\n"
        "Fixed 6 findings. Found 1 finding in 1 file. 1 fixable with --fix.\n"
    )
    assert code == 1
    again = world.check(repo, "--fix", "--select", "GHA")
    assert (repo / WORKFLOW).read_bytes() == expected.encode()
    assert again == (1, out.replace("Fixed 6 findings. ", ""), err)


def test_precommit_revs_are_frozen_to_shas(tmp_path: Path, world: World) -> None:
    sha = world.sha
    config = (
        "repos:\n"
        "  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
        "    rev: main\n"
        "    hooks: [{id: trailing-whitespace}]\n"
        "  - repo: https://github.com/psf/black-pre-commit-mirror\n"
        f'    rev: "{sha["black"]}"\n'
        "    hooks:\n      - id: black\n"
    )
    repo = _repo(tmp_path, {PRECOMMIT: config})
    code, out, err = world.check(repo, "--fix", "--select", "PC")
    assert (repo / PRECOMMIT).read_text(encoding="utf-8") == (
        config.replace("rev: main", f"rev: {sha['hooks']}  # frozen: v5.0.0").replace(
            f'"{sha["black"]}"', f'"{sha["black"]}"  # frozen: 24.10.0'
        )
    )
    assert (code, out, err) == (0, "Fixed 2 findings. All checks passed (1 file checked).\n", "")
    assert world.check(repo, "--fix", "--select", "PC") == (
        0,
        "All checks passed (1 file checked).\n",
        "",
    )


def test_a_moved_tag_is_resolved_again_and_offline_uses_the_cache(
    tmp_path: Path, world: World
) -> None:
    remotes, sha = world.remotes, world.sha
    first = remotes.commit("org/tool", "release 2.0.0")
    remotes.tag("org/tool", "v2", first)
    remotes.tag("org/tool", "v2.0.0", first)
    steps = "      - uses: org/tool@v2\n"
    repo = _repo(tmp_path, {WORKFLOW: _workflow(steps)})
    assert world.check(repo, "--fix", "--select", "GHA001")[0] == 0
    assert f"org/tool@{first}  # v2.0.0\n" in (repo / WORKFLOW).read_text(encoding="utf-8")

    moved = remotes.commit("org/tool", "release 2.1.0")
    remotes.tag("org/tool", "v2", moved)
    remotes.tag("org/tool", "v2.1.0", moved)
    (repo / WORKFLOW).write_text(_workflow(steps), encoding="utf-8")
    assert world.check(repo, "--fix", "--offline", "--select", "GHA001")[0] == 0
    assert f"org/tool@{first}  # v2.0.0\n" in (repo / WORKFLOW).read_text(encoding="utf-8")

    (repo / WORKFLOW).write_text(_workflow(steps), encoding="utf-8")
    assert world.check(repo, "--fix", "--select", "GHA001")[0] == 0
    text = (repo / WORKFLOW).read_text(encoding="utf-8")
    assert f"org/tool@{moved}  # v2.1.0\n" in text
    assert f"deploy.yml@{sha['deploy']}  # v1.0.0\n" in text


def test_a_repository_that_does_not_exist_is_one_line(tmp_path: Path, world: World) -> None:
    steps = "      - uses: ghost/missing@v1\n      - uses: actions/checkout@v4.2\n"
    repo = _repo(tmp_path, {WORKFLOW: _workflow(steps)})
    code, out, err = world.check(repo, "--fix", "--select", "GHA001")
    assert code == 1
    (line,) = err.splitlines()
    prefix = f"{WORKFLOW}:9:15: GHA001 not fixed: git ls-remote https://github.com/ghost/missing failed: "
    assert line.startswith(prefix)
    assert "Traceback" not in err
    assert out == (
        f"{WORKFLOW}:9:15: GHA001 ghost/missing is pinned to tag v1, not to a commit SHA;"
        " pin the SHA (--fix)\n"
        "Fixed 2 findings. Found 1 finding in 1 file. 1 fixable with --fix.\n"
    )
    assert f"actions/checkout@{world.sha['checkout']}  # v4.2.2\n" in (repo / WORKFLOW).read_text(
        encoding="utf-8"
    )


def test_offline_without_a_cache_says_so(tmp_path: Path, world: World) -> None:
    repo = _repo(tmp_path, {WORKFLOW: _workflow("      - uses: actions/checkout@v4\n")})
    before = (repo / WORKFLOW).read_bytes()
    code, _, err = world.check(repo, "--fix", "--offline", "--select", "GHA001")
    assert code == 1
    assert (repo / WORKFLOW).read_bytes() == before
    assert err.splitlines() == [
        f"{WORKFLOW}:5:11: GHA001 not fixed: https://github.com/org/deploy: not in the"
        " resolution cache (--offline); run --fix without --offline once",
        f"{WORKFLOW}:9:15: GHA001 not fixed: https://github.com/actions/checkout: not in the"
        " resolution cache (--offline); run --fix without --offline once",
    ]


def test_diff_previews_and_writes_nothing(tmp_path: Path, world: World) -> None:
    sha = world.sha
    repo = _repo(tmp_path, {WORKFLOW: _workflow("      - uses: actions/checkout@v4  # co\n")})
    before = (repo / WORKFLOW).read_bytes()
    code, out, err = world.check(repo, "--diff", "--select", "GHA,IMG")
    assert (repo / WORKFLOW).read_bytes() == before
    assert code == 1
    assert err == "Would fix 2 of 2 findings.\n"
    assert out == (
        f"--- a/{WORKFLOW}\n+++ b/{WORKFLOW}\n"
        "@@ -2,8 +2,8 @@\n"
        " permissions: {}\n jobs:\n   deploy:\n"
        "-    uses: org/deploy/.github/workflows/deploy.yml@v1\n"
        f"+    uses: org/deploy/.github/workflows/deploy.yml@{sha['deploy']}  # v1.0.0\n"
        "   test:\n     runs-on: ubuntu-24.04\n     steps:\n"
        "-      - uses: actions/checkout@v4  # co\n"
        f"+      - uses: actions/checkout@{sha['checkout']}  # v4.2.2 co\n"
    )


def test_rules_that_cannot_fix_say_why(tmp_path: Path, world: World) -> None:
    steps = "      - run: pip install requests\n"
    repo = _repo(tmp_path, {WORKFLOW: _workflow(steps)})
    code, _, err = world.check(repo, "--fix", "--offline", "--select", "GHA005")
    assert code == 1
    assert err == (
        f"{WORKFLOW}:9:14: GHA005 not fixed: no automatic fix; `mlrig rules GHA005` says how\n"
    )


def test_the_resolution_cache_is_private_data_with_the_time(tmp_path: Path, world: World) -> None:
    import json
    import stat

    repo = _repo(tmp_path, {WORKFLOW: _workflow("      - uses: actions/checkout@v4\n")})
    assert world.check(repo, "--fix", "--select", "GHA001")[0] == 0
    folder = Path(world.env["MLRIG_CACHE_DIR"]) / "resolve"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    stored = json.loads((folder / "resolved.json").read_text(encoding="utf-8"))
    entry = stored["entries"]["git https://github.com/actions/checkout"]
    assert isinstance(entry["time"], int)
    assert entry["value"]["tags"]["v4"] == world.sha["checkout"]  # the annotated tag, peeled


def test_a_cache_folder_others_can_read_is_not_used(tmp_path: Path, world: World) -> None:
    folder = Path(world.env["MLRIG_CACHE_DIR"]) / "resolve"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    repo = _repo(tmp_path, {WORKFLOW: _workflow("      - uses: actions/checkout@v4\n")})
    assert world.check(repo, "--fix", "--select", "GHA001")[0] == 0
    assert list(folder.iterdir()) == []


def test_no_ref_pins_the_default_branch(tmp_path: Path, world: World) -> None:
    repo = _repo(tmp_path, {WORKFLOW: _workflow("      - uses: actions/checkout\n")})
    code, out, err = world.check(repo, "--fix", "--select", "GHA001")
    assert (code, err) == (0, "")
    assert out == "Fixed 2 findings. All checks passed (1 file checked).\n"
    text = (repo / WORKFLOW).read_text(encoding="utf-8")
    assert f"      - uses: actions/checkout@{world.sha['checkout-main']}  # main\n" in text


def test_a_flow_mapping_step_is_pinned_and_commented_in_one_run(
    tmp_path: Path, world: World
) -> None:
    steps = "      - {uses: actions/checkout@v4, with: {fetch-depth: 0}}\n"
    repo = _repo(tmp_path, {WORKFLOW: _workflow(steps)})
    code, out, err = world.check(repo, "--fix", "--select", "GHA001,GHA002")
    text = (repo / WORKFLOW).read_text(encoding="utf-8")
    sha = world.sha["checkout"]
    assert f"      - {{uses: actions/checkout@{sha}, with: {{fetch-depth: 0}}}}  # v4.2.2\n" in text
    assert (code, err) == (0, "")
    assert out == "Fixed 2 findings. All checks passed (1 file checked).\n"
    assert world.check(repo, "--fix", "--select", "GHA001,GHA002") == (
        0,
        "All checks passed (1 file checked).\n",
        "",
    )
    assert (repo / WORKFLOW).read_text(encoding="utf-8") == text
