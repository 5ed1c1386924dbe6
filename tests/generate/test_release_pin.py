"""Every reference from a generated repository to mlrig names one release that exists.

The release is ``_mlrig_release`` in the template's ``cookiecutter.json``: a
commit of this repository's history and its version, recorded in
``CHANGELOG.md`` and in the package version at that commit (git tags do not
travel with every clone).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT
from toolkit.generate import NewOptions, run_new

OPTIONS = json.loads(
    (REPO_ROOT / "templates" / "ml-repo" / "cookiecutter.json").read_text(encoding="utf-8")
)
RELEASE = OPTIONS["_mlrig_release"]
COMMIT, VERSION = RELEASE["commit"], RELEASE["version"]
THIRD_PARTY = {pin.split("@")[1].split()[0] for pin in OPTIONS["_actions"].values()} | set(
    OPTIONS["_precommit_commits"].values()
)
SHA = re.compile(r"(?<![0-9a-f])[0-9a-f]{40}(?![0-9a-f])")


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("release")
    return {
        cloud: run_new(
            NewOptions(output_dir=out / cloud, no_input=True, overrides={"cloud": cloud})
        ).path
        for cloud in ("aws", "gcp", "azure", "none")
    }


def mlrig_references(repo: Path) -> list[tuple[str, int, str, str]]:
    """(file, line, the line, the line before) of every 40-hex commit that is not a
    third-party action pin: each is a reference to mlrig."""
    found = []
    for path in sorted(repo.rglob("*")):
        if not path.is_file() or path.name in {
            "requirements.txt",
            ".terraform.lock.hcl",
            ".mlrig-answers.yml",
        }:
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines):
            for sha in SHA.findall(line):
                if sha not in THIRD_PARTY:
                    before = lines[number - 1] if number else ""
                    found.append((path.relative_to(repo).as_posix(), number + 1, line, before))
    return found


def test_every_reference_names_the_release_commit_and_its_version(
    generated: dict[str, Path],
) -> None:
    kinds: set[str] = set()
    for cloud, repo in generated.items():
        references = mlrig_references(repo)
        assert references, cloud
        for name, number, line, before in references:
            assert COMMIT in line, f"{cloud}: {name}:{number}: {line.strip()}"
            assert f"v{VERSION}" in line + before, f"{cloud}: {name}:{number}: no version"
            kinds.add(name.split("/")[-1])
        text = "\n".join(
            p.read_text(encoding="utf-8", errors="replace") for p in repo.rglob("*") if p.is_file()
        )
        assert not re.search(rf"(@|ref=|rev: |ref: )v?{re.escape(VERSION)}\b", text), cloud
    assert {"ci.yml", "cd.yml", "ct.yml", ".pre-commit-config.yaml", "main.tf"} <= kinds


def test_the_release_commit_is_in_this_history_and_holds_what_each_reference_needs(
    generated: dict[str, Path],
) -> None:
    if git("rev-parse", "--is-inside-work-tree").returncode != 0:
        pytest.skip("not a git checkout of mlrig")
    if git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("a shallow clone: fetch the whole history to check the release")
    assert git("merge-base", "--is-ancestor", COMMIT, "HEAD").returncode == 0
    action = git("show", f"{COMMIT}:action.yml").stdout
    assert "using: composite" in action
    assert git("cat-file", "-e", f"{COMMIT}:toolkit/check/action-requirements.txt").returncode == 0
    hooks = {
        hook["id"]
        for hook in yaml.safe_load(git("show", f"{COMMIT}:.pre-commit-hooks.yaml").stdout)
    }
    for repo in generated.values():
        config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
        (ours,) = [r for r in config["repos"] if r["repo"].endswith(OPTIONS["mlrig_repository"])]
        assert ours["rev"] == COMMIT
        assert {hook["id"] for hook in ours["hooks"]} <= hooks
        main = repo / "terraform" / "main.tf"
        modules = (
            re.findall(r"//terraform/modules/([\w-]+)\?ref=(\w+)", main.read_text(encoding="utf-8"))
            if main.is_file()
            else []
        )
        for module, ref in modules:
            assert ref == COMMIT
            listing = git(
                "ls-tree", "--name-only", f"{COMMIT}:terraform/modules/{module}"
            ).stdout.split()
            assert "main.tf" in listing or any(n.endswith(".tf") for n in listing), module


def test_the_release_is_recorded_without_tags() -> None:
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(
        r"^## (\d+\.\d+\.\d+\S*) \(commit ([0-9a-f]{40})\)$", changelog, re.MULTILINE
    )
    assert (VERSION, COMMIT) in releases
    assert OPTIONS["_template_version"] == releases[0][0] or "## Unreleased" in changelog
    if git("cat-file", "-e", f"{COMMIT}:pyproject.toml").returncode == 0:
        pyproject = git("show", f"{COMMIT}:pyproject.toml").stdout
        assert re.search(rf'^version = "{re.escape(VERSION)}"$', pyproject, re.MULTILINE)
    tagged = git("rev-parse", "--verify", "--quiet", f"v{VERSION}^{{commit}}")
    if tagged.returncode == 0:
        assert tagged.stdout.strip() == COMMIT, f"tag v{VERSION} is not the release commit"


META_ARGUMENTS = {"source", "version", "count", "for_each", "depends_on", "providers"}


def released(path: str, out: Path) -> Path:
    """``path`` of this repository as the release commit has it, unpacked below ``out``."""
    if git("cat-file", "-e", f"{COMMIT}:{path}").returncode != 0:
        pytest.skip("a shallow clone without the pinned commit")
    archive = subprocess.run(
        ["git", "archive", COMMIT, path], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out / path


@pytest.fixture(scope="module")
def released_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``terraform/modules`` as the release commit has them: what a generated root fetches."""
    return released("terraform/modules", tmp_path_factory.mktemp("released"))


@pytest.mark.parametrize("target", ["kserve", "managed"])
@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_the_generated_root_fits_the_modules_at_the_release_commit(
    cloud: str, target: str, released_modules: Path, tmp_path: Path
) -> None:
    """The root fetches its modules at the release commit, not from this checkout: every
    argument it passes is a variable there, every required variable is passed, and every
    ``module.<name>.<output>`` it reads is an output there. A template that uses a module
    change before the release holding it fails here, not at the user's first plan."""
    from tests.terraform.hcl import blocks, fields, load, unquote

    repo = run_new(
        NewOptions(
            output_dir=tmp_path, no_input=True, overrides={"cloud": cloud, "deploy_target": target}
        )
    ).path
    root = repo / "terraform"
    calls: dict[str, tuple[str, dict[str, object]]] = {}
    for path in sorted(root.glob("*.tf")):
        for block in load(path).get("module", []):
            for name, body in fields(block).items():
                source = unquote(str(body["source"]))
                found = re.search(r"//terraform/modules/([\w-]+)\?ref=", source)
                if found:
                    calls[unquote(name)] = (found.group(1), fields(body))
    assert calls, f"{cloud}/{target}: no mlrig module in the generated root"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.glob("*.tf")))
    problems = []
    for name, (module, body) in sorted(calls.items()):
        variables = blocks(released_modules / module, "variable")
        outputs = blocks(released_modules / module, "output")
        passed = {unquote(key) for key in body if not key.startswith("__")} - META_ARGUMENTS
        problems += [
            f"module.{name}: {module}@{COMMIT[:7]} has no input {a!r}"
            for a in sorted(passed - set(variables))
        ]
        required = {v for v, spec in variables.items() if "default" not in spec}
        problems += [
            f"module.{name}: required input {v!r} not passed" for v in sorted(required - passed)
        ]
        used = set(re.findall(rf"\bmodule\.{re.escape(name)}(?:\[[^\]]*\])?\.(\w+)", text))
        problems += [
            f"module.{name}: {module}@{COMMIT[:7]} has no output {o!r}"
            for o in sorted(used - set(outputs))
        ]
    assert not problems, f"{cloud}/{target}:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def released_toolkit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mlrig's code as the release commit has it: what a generated repository's CI runs."""
    return released("toolkit", tmp_path_factory.mktemp("released-toolkit")).parent


def test_the_released_check_passes_on_a_fresh_repository(
    generated: dict[str, Path], released_toolkit: Path
) -> None:
    """A generated repository's CI runs ``mlrig check`` at the release commit (the action,
    the pre-commit hook): a fresh repository must pass that check, not only this checkout's."""
    env = {**os.environ, "PYTHONPATH": str(released_toolkit)}
    for cloud, repo in generated.items():
        done = subprocess.run(
            [sys.executable, "-m", "toolkit", "check", str(repo)],
            cwd=released_toolkit,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"{cloud}: {done.stdout}{done.stderr}"
