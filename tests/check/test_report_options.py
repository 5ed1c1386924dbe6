"""Severities, ``--fail-on``, statistics, colour, help lines, ``full`` output and option names."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.check.helpers import SHA, WORKFLOW, build_file_tree, mlrig, workflow

STEPS = (
    "      - uses: actions/checkout@v4\n"
    f"      - uses: actions/setup-python@{SHA}\n"
    "      - uses: actions/cache@v4\n"
)
DOCS = "https://github.com/mlrig/mlrig/blob/main/docs/rules"
CHECKOUT = f"{WORKFLOW}:7:15: GHA001 actions/checkout is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)"
PYTHON = (
    f"{WORKFLOW}:8:15: GHA002 actions/setup-python is pinned to a SHA without a"
    " # vX.Y.Z comment; add it (--fix)"
)
CACHE = f"{WORKFLOW}:9:15: GHA001 actions/cache is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)"
TALLY = "Found 3 findings in 1 file. 3 fixable with --fix."


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    files = {
        WORKFLOW: workflow(STEPS),
        "Dockerfile": "FROM python:3.12\n",
        "docker/gpu/Dockerfile": "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n",
    }
    return build_file_tree(tmp_path / "repo", files)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    return {**env, **extra}


def test_severity_is_configured_by_code_and_prefix(repo: Path) -> None:
    (repo / "mlrig.toml").write_text('[severity]\nGHA = "note"\nGHA001 = "warning"\n', "utf-8")
    sarif = json.loads(mlrig("check", "--select", "GHA", "--format", "sarif", cwd=repo).out)
    (sarif_run,) = sarif["runs"]
    levels = [(r["ruleId"], r["level"]) for r in sarif_run["results"]]
    assert levels == [("GHA001", "warning"), ("GHA002", "note"), ("GHA001", "warning")]
    rules = {
        r["id"]: r["defaultConfiguration"]["level"] for r in sarif_run["tool"]["driver"]["rules"]
    }
    assert (rules["GHA001"], rules["GHA003"]) == ("warning", "note")
    github = mlrig("check", "--select", "GHA", "--format", "github", cwd=repo)
    kinds = [line.split(" ", 1)[0] for line in github.out.splitlines()[:-1]]
    assert kinds == ["::warning", "::notice", "::warning"]
    document = json.loads(mlrig("check", "--select", "GHA", "--format", "json", cwd=repo).out)
    assert [f["severity"] for f in document["findings"]] == ["warning", "note", "warning"]


def test_default_severities_and_fail_on(repo: Path) -> None:
    sarif = json.loads(mlrig("check", "--select", "GHA", "--format", "sarif", cwd=repo).out)
    assert [r["level"] for r in sarif["runs"][0]["results"]] == ["error", "warning", "error"]
    assert mlrig("check", "--select", "GHA002", cwd=repo).code == 1
    assert mlrig("check", "--select", "GHA002", "--fail-on", "warning", cwd=repo).code == 1
    quiet = mlrig("check", "--select", "GHA002", "--fail-on", "error", cwd=repo)
    assert (quiet.code, quiet.out) == (
        0,
        f"{PYTHON}\nFound 1 finding in 1 file. 1 fixable with --fix.\n",
    )
    assert mlrig("check", "--select", "GHA", "--fail-on", "error", cwd=repo).code == 1
    assert mlrig("check", "--select", "GHA", "--exit-zero", cwd=repo).code == 0


def test_a_bad_severity_is_a_configuration_error(repo: Path) -> None:
    (repo / "mlrig.toml").write_text('select = ["GHA"]\n[severity]\nGHA001 = "fatal"\n', "utf-8")
    run = mlrig("check", cwd=repo)
    assert (run.code, run.err) == (
        2,
        "mlrig: error: mlrig.toml:3: severity of GHA001 must be error, warning or note\n",
    )


def test_fingerprints_survive_moved_lines(repo: Path) -> None:
    def prints() -> list[tuple[int, str]]:
        run = mlrig("check", "--select", "GHA001", "--format", "sarif", "--no-cache", cwd=repo)
        results = json.loads(run.out)["runs"][0]["results"]
        return [
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"]["mlrigFindingHash/v1"],
            )
            for r in results
        ]

    before = prints()
    text = (repo / WORKFLOW).read_text(encoding="utf-8")
    moved = (
        "# a comment\n\n"
        + text.replace("      - uses: actions/cache@v4\n", "")
        + ("      - run: echo\n      - uses: actions/cache@v4\n      - uses: actions/cache@v4\n")
    )
    (repo / WORKFLOW).write_text(moved, encoding="utf-8")
    after = prints()
    assert [line for line, _ in before] == [7, 9]
    assert [line for line, _ in after] == [9, 12, 13]
    assert [hashed for _, hashed in after[:2]] == [hashed for _, hashed in before]
    assert after[2][1] == after[1][1].replace(":1", ":2")
    assert all(hashed.endswith(":1") for _, hashed in before)


def test_statistics_per_rule_and_per_folder(repo: Path) -> None:
    run = mlrig("check", "--select", "GHA,IMG", "--statistics", cwd=repo)
    assert (run.code, run.out) == (
        1,
        "2  GHA001  [*] error    unpinned-uses\n"
        "2  IMG001  [*] error    unpinned-base-image\n"
        "1  GHA002  [*] warning  unversioned-sha-pin\n"
        "Found 5 findings in 3 files. 5 fixable with --fix.\n",
    )
    folders = mlrig("check", "--select", "GHA,IMG", "--statistics", "--by-folder", cwd=repo)
    assert folders.out == (
        "2  .github  GHA001  [*] error    unpinned-uses\n"
        "1  .        IMG001  [*] error    unpinned-base-image\n"
        "1  .github  GHA002  [*] warning  unversioned-sha-pin\n"
        "1  docker   IMG001  [*] error    unpinned-base-image\n"
        "Found 5 findings in 3 files. 5 fixable with --fix.\n"
    )
    as_json = mlrig(
        "check", "--select", "IMG", "--statistics", "--by-folder", "--format", "json", cwd=repo
    )
    assert json.loads(as_json.out) == [
        {
            "code": "IMG001",
            "name": "unpinned-base-image",
            "count": 1,
            "folder": ".",
            "severity": "error",
            "fixable": True,
        },
        {
            "code": "IMG001",
            "name": "unpinned-base-image",
            "count": 1,
            "folder": "docker",
            "severity": "error",
            "fixable": True,
        },
    ]


def test_full_output_shows_the_line_a_caret_and_help(repo: Path) -> None:
    run = mlrig("check", "--select", "GHA002", "--output-format", "full", cwd=repo, env=_env())
    assert run.out == (
        f"{PYTHON}\n"
        "  |\n"
        f"8 |       - uses: actions/setup-python@{SHA}\n"
        f"  |               {'^' * 61} GHA002\n"
        "  |\n"
        f"  help: mlrig rules GHA002, {DOCS}/GHA002.md (warning)\n"
        "Found 1 finding in 1 file. 1 fixable with --fix.\n"
    )


def test_colour_follows_force_color_and_no_color(repo: Path) -> None:
    args = ("check", "--select", "GHA002")
    plain = mlrig(*args, cwd=repo, env=_env()).out
    forced = mlrig(*args, cwd=repo, env=_env(FORCE_COLOR="1")).out
    refused = mlrig(*args, cwd=repo, env=_env(FORCE_COLOR="1", NO_COLOR="1")).out
    assert plain == refused == f"{PYTHON}\nFound 1 finding in 1 file. 1 fixable with --fix.\n"
    where, _, rest = PYTHON.partition(" GHA002 ")
    assert forced.splitlines()[0] == f"\x1b[1m{where}\x1b[0m \x1b[1;33mGHA002\x1b[0m {rest}"
    sarif = mlrig(*args, "--format", "sarif", cwd=repo, env=_env(FORCE_COLOR="1")).out
    assert "\x1b" not in sarif


def _on_a_terminal(repo: Path, *args: str, **env: str) -> str:
    """Run mlrig with its standard output on a pseudo-terminal; return what it printed."""
    main, child = pty.openpty()
    command = [sys.executable, "-m", "toolkit", *args]
    with subprocess.Popen(
        command, cwd=repo, stdout=child, stderr=subprocess.DEVNULL, env=_env(**env)
    ) as process:
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_help_lines_on_a_terminal_and_not_when_concise(repo: Path) -> None:
    shown = _on_a_terminal(repo, "check", "--select", "GHA001", NO_COLOR="1")
    assert shown == (
        f"{CHECKOUT}\n  help: mlrig rules GHA001, {DOCS}/GHA001.md (error)\n"
        f"{CACHE}\n  help: mlrig rules GHA001, {DOCS}/GHA001.md (error)\n"
        "Found 2 findings in 1 file. 2 fixable with --fix.\n"
    )
    concise = _on_a_terminal(
        repo, "check", "--select", "GHA001", "--format", "concise", NO_COLOR="1"
    )
    assert concise == f"{CHECKOUT}\n{CACHE}\nFound 2 findings in 1 file. 2 fixable with --fix.\n"
    coloured = _on_a_terminal(repo, "check", "--select", "GHA001", TERM="xterm")
    assert "\x1b[1;31mGHA001\x1b[0m" in coloured


def test_github_warns_that_only_the_first_annotations_show(tmp_path: Path) -> None:
    steps = "".join(f"      - uses: actions/checkout@v{n}\n" for n in range(1, 12))
    repo = build_file_tree(tmp_path, {WORKFLOW: workflow(steps)})
    lines = mlrig("check", "--select", "GHA001", "--format", "github", cwd=repo).out.splitlines()
    assert lines[0] == (
        "::warning title=mlrig::11 findings; GitHub shows only the first 10 annotations"
        " of each kind for a step. The job summary lists them all."
    )
    assert len(lines) == 13
    few = mlrig("check", "--select", "GHA001", "--format", "github", "--ignore", "GHA001", cwd=repo)
    assert few.out == "All checks passed (1 file checked).\n"


def test_short_output_option_and_repo_option(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = mlrig("check", "-C", repo, "--select", "GHA", "-o", "report.txt", cwd=elsewhere)
    assert (run.code, run.out) == (1, "")
    assert (elsewhere / "report.txt").read_text(
        encoding="utf-8"
    ) == f"{CHECKOUT}\n{PYTHON}\n{CACHE}\n{TALLY}\n"
    inside = mlrig("check", "--repo", repo, WORKFLOW, "--select", "GHA001", cwd=elsewhere)
    assert inside.out == f"{CHECKOUT}\n{CACHE}\nFound 2 findings in 1 file. 2 fixable with --fix.\n"
