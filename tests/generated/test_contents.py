"""What a generated repository holds, and that it holds it the same way every time."""

from __future__ import annotations

import configparser
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO_ROOT
from tests.generated.conftest import CLOUDS, FRAMEWORKS, Generate
from tests.venvs import files_of
from toolkit.resources import template_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SCHEMES = {"aws": "s3://", "gcp": "gs://", "azure": "azure://"}
DVC_EXTRA = {"aws": "dvc-s3", "gcp": "dvc-gs", "azure": "dvc-azure"}
REMOTE = "'remote \"storage\"'"
PINNED_LINE = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;]+)")


def locked(repo: Path, lock: str = "requirements.txt") -> dict[str, list[str]]:
    """Package name to the exact versions a lock pins (one per marker)."""
    versions: dict[str, list[str]] = {}
    for line in (repo / lock).read_text(encoding="utf-8").splitlines():
        match = PINNED_LINE.match(line)
        if match:
            versions.setdefault(match["name"].lower(), []).append(match["version"])
    return versions


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("cloud", CLOUDS)
def test_generating_twice_gives_identical_trees(
    generate: Generate, cloud: str, framework: str
) -> None:
    first = generate(cloud=cloud, ml_framework=framework)
    second = generate(cloud=cloud, ml_framework=framework)
    assert files_of(first) == files_of(second)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_dvc_is_initialised_with_a_default_remote_and_no_credentials(
    repo_per_cloud: dict[str, Path], cloud: str
) -> None:
    repo = repo_per_cloud[cloud]
    config = configparser.ConfigParser()
    config.read(repo / ".dvc" / "config", encoding="utf-8")
    assert config["core"]["remote"] == "storage"
    url = config[REMOTE]["url"]
    if cloud == "none":
        local = (repo / ".dvc" / url).resolve()
        assert local == (repo / "../my-ml-project-dvc-remote").resolve()
    else:
        assert url == f"{SCHEMES[cloud]}my-ml-project-dvc"
    # Only where the data lives: an Azure remote also names its storage account,
    # which is not a secret; keys and tokens never appear.
    assert set(config[REMOTE]) == ({"url", "account_name"} if cloud == "azure" else {"url"})
    if cloud == "azure":
        # The worldwide name ends in the suffix of my-org/my-ml-project (azure_name_suffix).
        assert config[REMOTE]["account_name"] == "mymlprojectdvccpkavw"
    assert "/config.local" in (repo / ".dvc" / ".gitignore").read_text(encoding="utf-8")
    assert (repo / ".dvcignore").is_file()
    assert not (repo / "dvc.lock").exists()


@pytest.mark.parametrize("cloud", CLOUDS)
def test_pipeline_files_agree(repo_per_cloud: dict[str, Path], cloud: str) -> None:
    repo = repo_per_cloud[cloud]
    stages = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert list(stages) == ["prepare", "train", "evaluate"]
    params = yaml.safe_load((repo / "params.yaml").read_text(encoding="utf-8"))
    for name, stage in stages.items():
        assert stage["cmd"] == f"python -m my_ml_project.{name}"
        assert stage["params"] == [name]
        assert name in params
        for dep in stage["deps"]:
            assert (repo / dep).exists() or dep.startswith(("data/prepared", "models/")), dep
    assert stages["evaluate"]["metrics"] == [{"metrics.json": {"cache": False}}]
    assert params["drift"] == {
        "reference": "data/prepared/train.csv",
        "psi_threshold": 0.2,
        "ks_pvalue": 0.01,
        "window_days": 7,
        "min_rows": 50,
        "max_objects": 2000,
        "seed": 42,
    }
    assert params["monitoring"] == {"capture_percent": 100}


@pytest.mark.parametrize("python", ["3.10", "3.13"])
def test_one_python_version_everywhere(generate: Generate, python: str) -> None:
    repo = generate(python_version=python)
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == f"=={python}.*"
    assert (repo / ".python-version").read_text(encoding="utf-8") == f"{python}\n"
    ci = yaml.safe_load((repo / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    versions = {
        step["with"]["python-version"]
        for job in ci["jobs"].values()
        for step in job["steps"]
        if "setup-python" in step.get("uses", "")
    }
    assert versions == {python}


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("cloud", CLOUDS)
def test_lock_pins_every_package_with_hashes(
    generate: Generate, cloud: str, framework: str
) -> None:
    repo = generate(cloud=cloud, ml_framework=framework)
    text = (repo / "requirements.txt").read_text(encoding="utf-8")
    blocks = [block for block in re.split(r"\n(?=[A-Za-z0-9])", text) if PINNED_LINE.match(block)]
    assert blocks
    for block in blocks:
        assert "--hash=sha256:" in block, block.splitlines()[0]
    versions = locked(repo)
    assert "dvc" in versions
    assert (
        (DVC_EXTRA.get(cloud) in versions)
        if cloud in DVC_EXTRA
        else not any(name in versions for name in DVC_EXTRA.values())
    )
    # torch lives in the training lock only, which pins every shared package alike.
    assert "torch" not in versions
    if framework == "pytorch":
        training = locked(repo, "requirements-train.txt")
        assert "torch" in training
        assert {name: training[name] for name in versions} == versions
    assert ("scikit-learn" in versions) == (framework == "sklearn")
    for tool in ("pytest", "ruff", "pyyaml", "pre-commit", "hatchling"):
        assert tool in versions, tool
    assert "requirements.in" in text.splitlines()[1]
    wanted = {"aws": "dvc[s3]>=", "gcp": "dvc[gs]>=", "azure": "dvc[azure]>=", "none": "dvc>="}
    inputs = (repo / "requirements.in").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(wanted[cloud]) for line in inputs)


def test_ruff_in_the_lock_is_the_ruff_pre_commit_rev(repo_per_cloud: dict[str, Path]) -> None:
    revs = json.loads((template_dir() / "cookiecutter.json").read_text(encoding="utf-8"))
    rev = revs["_precommit_revs"]["astral-sh/ruff-pre-commit"]
    for repo in repo_per_cloud.values():
        assert locked(repo)["ruff"] == [rev.removeprefix("v")]


def test_torch_lock_is_the_cuda_12_8_wheel(generate: Generate) -> None:
    versions = locked(generate(ml_framework="pytorch"), "requirements-train.txt")
    assert versions["torch"] == ["2.10.0"]
    assert versions["nvidia-cuda-runtime-cu12"][0].startswith("12.8.")


@pytest.mark.parametrize("cloud", CLOUDS)
def test_pre_commit_config_pins_commits_and_carries_mlrig_hooks(
    repo_per_cloud: dict[str, Path], cloud: str
) -> None:
    config = yaml.safe_load((repo_per_cloud[cloud] / ".pre-commit-config.yaml").read_text("utf-8"))
    repos = {entry["repo"]: entry for entry in config["repos"]}
    hooks, ruff = "pre-commit/pre-commit-hooks", "astral-sh/ruff-pre-commit"
    commits = json.loads((template_dir() / "cookiecutter.json").read_bytes())["_precommit_commits"]
    assert repos[f"https://github.com/{hooks}"]["rev"] == commits[hooks]
    assert repos[f"https://github.com/{ruff}"]["rev"] == commits[ruff]
    mlrig = repos["https://github.com/mlrig/mlrig"]
    release = json.loads((REPO_ROOT / "templates/ml-repo/cookiecutter.json").read_text("utf-8"))
    assert mlrig["rev"] == release["_mlrig_release"]["commit"]
    assert [hook["id"] for hook in mlrig["hooks"]] == ["mlrig-check"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_ci_is_least_privilege_and_cloud_steps_wait_for_a_variable(
    repo_per_cloud: dict[str, Path], cloud: str
) -> None:
    text = (repo_per_cloud[cloud] / ".github" / "workflows" / "ci.yml").read_text("utf-8")
    ci = yaml.safe_load(text)
    assert ci["permissions"] == {}
    for name, job in ci["jobs"].items():
        assert "permissions" in job, name
        for step in job["steps"]:
            if "actions/checkout" in step.get("uses", ""):
                assert step["with"]["persist-credentials"] is False
            if "pip install" in step.get("run", "") and "-r requirements.txt" in step["run"]:
                assert "--require-hashes" in step["run"]
        if job["permissions"].get("id-token") == "write":
            assert "vars.DVC_REMOTE_ENABLED" in job["if"], name
    assert "mlrig/mlrig@" in text
    assert ("remote" in ci["jobs"]) == (cloud != "none")


def test_post_gen_hook_drops_infrastructure_for_cloud_none(generate: Generate) -> None:
    none = generate(cloud="none")
    assert not (none / "terraform").exists()
    assert not (none / ".github" / "workflows" / "infra.yml").exists()


def test_no_secret_values_are_written(repo_per_cloud: dict[str, Path]) -> None:
    secret = re.compile(r"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|secret_access_key\s*=)")
    for repo in repo_per_cloud.values():
        for path, data in files_of(repo).items():
            if path.startswith(".git/"):
                continue
            assert not secret.search(data.decode("utf-8", "replace")), path


def _input_lines(source: Path) -> list[str]:
    """The requirement lines of an input, with ``-r requirements.in`` (a training input's
    dev input, ``<name>.in`` beside ``<name>-train.in``) read in place."""
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip() == "-r requirements.in":
            lines += _input_lines(source.with_name(source.stem.removesuffix("-train") + ".in"))
        elif line.strip() and not line.startswith("#"):
            lines.append(line)
    return lines


@pytest.mark.parametrize("source", sorted((template_dir() / "templates" / "locks").glob("*.in")))
def test_each_lock_satisfies_its_input(source: Path) -> None:
    """A lock is fresh against its ``.in`` (checked without a resolver; relock.py re-locks)."""
    lock = source.with_suffix(".txt")
    assert lock.is_file(), f"{lock.name} is missing: run relock.py"
    versions: dict[str, list[str]] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PINNED_LINE.match(line)
        if match:
            versions.setdefault(canonicalize_name(match["name"]), []).append(match["version"])
    for line in _input_lines(source):
        requirement = Requirement(line)
        pinned = versions.get(canonicalize_name(requirement.name), [])
        assert pinned, f"{source.name}: {requirement.name} is not in {lock.name}"
        assert all(requirement.specifier.contains(v, prereleases=True) for v in pinned), line
        extra_packages = {f"dvc-{extra}" for extra in requirement.extras if extra != "all"}
        for package in extra_packages:
            assert package in versions, f"{lock.name} lacks {package} for {line}"


def test_every_docs_page_a_generated_file_names_exists(repo_per_cloud: dict[str, Path]) -> None:
    """A comment that sends the reader to ``docs/<page>.md`` sends them to a file of this
    repository (mlrig's own pages are linked by URL)."""
    page = re.compile(r"(?<![\w/.:-])docs/[\w./-]+\.md\b")
    for repo in repo_per_cloud.values():
        for path, data in files_of(repo).items():
            if path.startswith(".git/"):
                continue
            for name in page.findall(data.decode("utf-8", "replace")):
                assert (repo / name).is_file(), f"{path} names {name}, which is not there"
