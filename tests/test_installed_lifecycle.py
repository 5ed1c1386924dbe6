"""The template's life cycle as a user lives it: mlrig installed from its wheel.

pip byte-compiles the package where it installs it, the template's ``.py``
files included, which an editable install never shows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.venvs import bin_path, files_of, make_venv

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv that holds mlrig's built wheel and nothing else."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), REPO_ROOT],
        check=True,
    )
    (wheel,) = dist.glob("mlrig-*.whl")
    env = tmp_path_factory.mktemp("venv")
    make_venv(env, str(wheel))
    return bin_path(env, "mlrig").parent


def source_template(into: Path) -> Path:
    """The template as git tracks it in this checkout: no artefacts of any run."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "templates/ml-repo"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (REPO_ROOT / name).is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, target)
    return into / "templates" / "ml-repo"


def run(bin_dir: Path, tool: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / tool), *map(str, args)], cwd=cwd, capture_output=True, text=True
    )


def test_new_from_the_wheel_gives_cookiecutters_tree_without_artefacts(
    installed: Path, tmp_path: Path
) -> None:
    site = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import toolkit, pathlib; print(pathlib.Path(toolkit.__file__).parent)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    template = Path(site) / "_resources" / "templates" / "ml-repo"
    project = template / "{{cookiecutter.project_slug}}"
    assert list(project.rglob("__pycache__")), "pip byte-compiled the installed template"
    (project / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (project / "README.md~").write_text("backup\n", encoding="utf-8")
    (project / ".README.md.swp").write_bytes(b"b0VIM 9.0")

    result = run(installed, "mlrig", "new", "--no-input", "-o", "mlrig", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    plain = run(
        installed,
        "cookiecutter",
        "--no-input",
        "-o",
        "cc",
        source_template(tmp_path / "src"),
        cwd=tmp_path,
    )
    assert plain.returncode == 0, plain.stderr

    ours = files_of(tmp_path / "mlrig")
    answers = ours.pop("my-ml-project/.mlrig-answers.yml").decode()
    theirs = files_of(tmp_path / "cc")
    assert sorted(ours) == sorted(theirs)
    assert ours == theirs
    for litter in ("__pycache__", ".pyc", ".DS_Store", "README.md~", ".swp"):
        assert litter not in answers
