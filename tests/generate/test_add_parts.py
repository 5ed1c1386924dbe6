"""``mlrig add dvc``, ``dvc-remote`` and ``ci`` on repositories mlrig did not generate:
the real import package, the real cloud, and prerequisites named as they are."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import RunMlrig, Terminal
from tests.generate.conftest import HASHED_LOCK
from tests.tools import tool

LOCK = HASHED_LOCK
NAME = '[project]\nname = "imbalanced-learn"\nrequires-python = ">=3.11"\n'
LAYOUTS = {
    "setuptools-packages": (
        NAME + '[tool.setuptools]\npackages = ["imblearn", "imblearn.over_sampling"]\n',
        [],
        "[tool.setuptools] packages in pyproject.toml",
    ),
    "setuptools-find": (
        NAME + '[tool.setuptools.packages.find]\nwhere = ["lib"]\ninclude = ["imb*"]\n',
        ["lib/imblearn/__init__.py", "lib/helpers/__init__.py"],
        "[tool.setuptools.packages.find] in pyproject.toml",
    ),
    "hatch": (
        NAME + '[tool.hatch.build.targets.wheel]\npackages = ["src/imblearn"]\n',
        ["src/imblearn/__init__.py", "src/vendored/__init__.py"],
        "[tool.hatch.build] packages in pyproject.toml",
    ),
    "poetry": (
        NAME + '[tool.poetry]\npackages = [{include = "imblearn", from = "src"}]\n',
        [],
        "[tool.poetry] packages in pyproject.toml",
    ),
    "src-layout": (NAME, ["src/imblearn/__init__.py"], "src/imblearn/"),
    "flat-layout": (NAME, ["imblearn/__init__.py", "tests/__init__.py"], "imblearn/"),
}


def make_repo(root: Path, pyproject: str, files: list[str]) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for relative in files:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_add_dvc_names_the_package_the_project_builds(
    tmp_path: Path, run_mlrig: RunMlrig, layout: str
) -> None:
    pyproject, files, source = LAYOUTS[layout]
    repo = make_repo(tmp_path / "repo", pyproject, files)
    result = run_mlrig("add", "dvc", "-C", repo, "--set", "cloud=none")
    assert result.code == 0, result.err
    assert f"package_name=imblearn (from {source})" in result.out.splitlines()
    dvc_yaml = (repo / "dvc.yaml").read_text(encoding="utf-8")
    assert "cmd: python -m imblearn.prepare\n" in dvc_yaml


def test_the_project_name_is_the_last_resort(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    repo = make_repo(tmp_path / "repo", NAME.replace("imbalanced-learn", "Imbalanced.Learn"), [])
    result = run_mlrig("add", "dvc", "-C", repo, "--set", "cloud=none", "--dry-run")
    assert result.code == 0, result.err
    expected = "package_name=imbalanced_learn (from [project] name in pyproject.toml, normalised)"
    assert expected in result.out.splitlines()


def test_several_packages_need_set_or_a_question(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", NAME, ["src/imblearn/__init__.py", "src/extra/__init__.py"])
    result = run_mlrig("add", "dvc", "-C", repo, "--set", "cloud=none")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "mlrig: error: cannot add dvc: package_name is needed and the repository does not say "
        "it (extra, imblearn (from src/)); pass --set package_name=VALUE\n"
    )
    assert not (repo / "dvc.yaml").exists()

    monkeypatch.setattr("sys.stdin", Terminal("\nimblearn\n" + "\n" * 10))
    result = run_mlrig("add", "dvc", "-C", repo, "--set", "cloud=none")
    assert result.code == 0, result.err
    assert "  package_name is not in the repository's files: extra, imblearn (from src/)\n" in (
        result.out
    )
    assert "Python package name [" in result.out
    assert "python -m imblearn.prepare" in (repo / "dvc.yaml").read_text(encoding="utf-8")


def test_add_dvc_git_ignores_the_pipeline_outputs(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    repo = make_repo(tmp_path / "repo", NAME, ["src/imblearn/__init__.py"])
    (repo / "data").mkdir()
    (repo / "data" / ".gitignore").write_text("/raw.csv", encoding="utf-8")  # no newline
    result = run_mlrig("add", "dvc", "-C", repo, "--set", "cloud=none")
    assert result.code == 0, result.err
    assert "wrote data/.gitignore" in result.out.splitlines()
    assert (repo / "data" / ".gitignore").read_text(encoding="utf-8") == "/raw.csv\n/prepared\n"
    assert (repo / "models" / ".gitignore").read_text(encoding="utf-8") == "/model.joblib\n"
    for out in ("data/prepared/train.csv", "models/model.joblib"):
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", out], cwd=repo, check=False
        ).returncode
        assert ignored == 0, out


def test_dvc_remote_needs_a_dvc_project(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    repo = make_repo(tmp_path / "repo", NAME, [])
    result = run_mlrig("add", "dvc-remote", "-C", repo, "--set", "cloud=aws")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"mlrig: error: cannot add dvc-remote to {repo}: it needs .dvc (a DVC project: run "
        "`dvc init` or `mlrig add dvc` first)\n"
    )
    assert not (repo / ".dvc").exists()


def dvc_init(repo: Path) -> None:
    subprocess.run([tool("dvc"), "init", "-q"], cwd=repo, check=True)


def test_dvc_remote_after_dvc_init_asks_for_the_cloud_it_cannot_infer(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = make_repo(tmp_path / "repo", NAME, [])
    dvc_init(repo)
    result = run_mlrig("add", "dvc-remote", "-C", repo)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "mlrig: error: cannot add dvc-remote: cloud is needed and the repository does not say "
        "it (no DVC remote URL in .dvc/config and no cloud provider in its Terraform); pass "
        "--set cloud=VALUE\n"
    )


def test_dvc_remote_takes_the_cloud_from_terraform_and_completes_dvc_init(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = make_repo(tmp_path / "repo", NAME, [])
    dvc_init(repo)
    (repo / "infra").mkdir()
    (repo / "infra" / "main.tf").write_text('provider "google" {\n}\n', encoding="utf-8")
    result = run_mlrig("add", "dvc-remote", "-C", repo)
    assert result.code == 0, result.err
    assert "cloud=gcp (from the google provider in infra/main.tf)" in result.out.splitlines()
    remotes = subprocess.run(
        [tool("dvc"), "remote", "list"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert remotes.split() == ["storage", "gs://imbalanced-learn-dvc", "(default)"]


def test_ci_names_the_missing_test_and_why(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    repo = make_repo(tmp_path / "repo", NAME, ["src/imblearn/__init__.py", "dvc.yaml"])
    (repo / "requirements.txt").write_text(LOCK, encoding="utf-8")
    result = run_mlrig("add", "ci", "-C", repo, "--set", "cloud=none")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"mlrig: error: cannot add ci to {repo}: it needs a test file (test_*.py or *_test.py) "
        "where pytest looks (CI runs `python -m pytest`, which fails when it collects no test)\n"
    )
    # Tests beside the code are tests too: pytest collects them from the top.
    (repo / "src" / "imblearn" / "tests").mkdir()
    (repo / "src" / "imblearn" / "tests" / "test_x.py").write_text("", encoding="utf-8")
    result = run_mlrig("add", "ci", "-C", repo, "--set", "cloud=none")
    assert result.code == 0, result.err
