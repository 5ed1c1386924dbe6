"""The template is a plain cookiecutter template: cookiecutter alone gives mlrig's tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, RunMlrig
from tests.venvs import bin_path, files_of, make_venv

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cookiecutter_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment holding cookiecutter and nothing of mlrig."""
    env = tmp_path_factory.mktemp("cookiecutter-venv")
    make_venv(env, "cookiecutter")
    return bin_path(env, "cookiecutter")


@pytest.mark.parametrize("cloud", ["aws", "none"])
def test_cookiecutter_alone_gives_the_same_tree(
    cookiecutter_only: Path, tmp_path: Path, run_mlrig: RunMlrig, cloud: str
) -> None:
    subprocess.run(
        [
            str(cookiecutter_only),
            "--no-input",
            "-o",
            str(tmp_path / "cc"),
            str(REPO_ROOT / "templates" / "ml-repo"),
            f"cloud={cloud}",
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert (
        run_mlrig("new", "--no-input", "-o", tmp_path / "mlrig", "--set", f"cloud={cloud}").code
        == 0
    )
    ours = files_of(tmp_path / "mlrig")
    del ours["my-ml-project/.mlrig-answers.yml"]
    theirs = files_of(tmp_path / "cc")
    assert sorted(theirs) == sorted(ours)
    assert theirs == ours


def test_cookiecutter_refuses_invalid_answers_with_the_same_validation(
    cookiecutter_only: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [
            str(cookiecutter_only),
            "--no-input",
            "-o",
            str(tmp_path / "cc"),
            str(REPO_ROOT / "templates" / "ml-repo"),
            "github_owner=-bad-",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "github_owner '-bad-' is not a GitHub user or organisation name" in result.stderr
    assert not (tmp_path / "cc" / "my-ml-project").exists()
