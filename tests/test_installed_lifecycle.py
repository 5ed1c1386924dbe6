"""The template's life cycle as a user lives it: mlrig installed from its wheel.

pip byte-compiles the package where it installs it, the template's ``.py``
files included, which an editable install never shows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.gitrepo import git
from tests.venvs import bin_path, build_wheel, files_of, make_venv

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv that holds mlrig's built wheel and nothing else."""
    wheel = build_wheel(REPO_ROOT, tmp_path_factory.mktemp("dist"))
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


RELEASE = json.loads(
    (REPO_ROOT / "templates" / "ml-repo" / "cookiecutter.json").read_text(encoding="utf-8")
)["_mlrig_release"]


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv holding mlrig as released: the wheel built from
    the release commit that ``_mlrig_release`` names."""
    if git(REPO_ROOT, "rev-parse", "--is-shallow-repository").strip() == "true":
        pytest.skip("a shallow clone: fetch the whole history to build the previous release")
    source = tmp_path_factory.mktemp("release-src") / "mlrig"
    git(REPO_ROOT, "clone", "-q", "--no-checkout", str(REPO_ROOT), str(source))
    git(source, "checkout", "-q", RELEASE["commit"])
    dist = tmp_path_factory.mktemp("release-dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(dist),
            str(source),
        ],
        check=True,
    )
    (wheel,) = dist.glob(f"mlrig-{RELEASE['version']}-*.whl")
    env = tmp_path_factory.mktemp("release-venv")
    make_venv(env, str(wheel))
    return bin_path(env, "mlrig").parent


def generated_by_the_release(released: Path, tmp_path: Path) -> Path:
    result = run(released, "mlrig", "new", "--no-input", "-o", "old", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    repo = tmp_path / "old" / "my-ml-project"
    (repo / ".venv" / "bin").mkdir(parents=True)  # as the generated README has it
    (repo / ".gitignore").write_text(
        (repo / ".gitignore").read_text(encoding="utf-8") + ".venv/\n", encoding="utf-8"
    )
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "generated by the release")
    return repo


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_update_from_the_previous_release_merges_beside_a_user_edit(
    installed: Path, released: Path, tmp_path: Path
) -> None:
    repo = generated_by_the_release(released, tmp_path)
    ci = repo / ".github" / "workflows" / "ci.yml"
    edit(ci, "name: ci\n", "name: ci # ours\n")
    git(repo, "commit", "-qam", "our edit")

    behind = run(installed, "mlrig", "update", "--check", cwd=repo)
    assert behind.returncode == 1, behind.stderr
    assert "would merge .github/workflows/ci.yml" in behind.stdout.splitlines()
    dry = run(installed, "mlrig", "update", "--dry-run", cwd=repo)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[-1].endswith(" 0 with conflicts; nothing written.")
    assert git(repo, "status", "--porcelain") == ""

    result = run(installed, "mlrig", "update", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "merge     .github/workflows/ci.yml" in result.stdout.splitlines()
    text = ci.read_text(encoding="utf-8")
    assert "name: ci # ours\n" in text
    assert f"@{RELEASE['commit']} # v{RELEASE['version']}" in text
    assert "<<<<<<<" not in text
    answers = (repo / ".mlrig-answers.yml").read_text(encoding="utf-8")
    assert f"template_version: {RELEASE['version']}\n" not in answers
    git(repo, "commit", "-qam", "update")

    after = run(installed, "mlrig", "update", "--check", cwd=repo)
    assert after.returncode == 0, after.stdout
    assert after.stdout.startswith("Already up to date with template ml-repo ")

    cloud = run(installed, "mlrig", "update", "--set", "cloud=gcp", cwd=repo)
    assert cloud.returncode == 0, cloud.stderr
    assert "url = gs://my-ml-project-dvc" in (repo / ".dvc" / "config").read_text(encoding="utf-8")
    assert "name: ci # ours\n" in ci.read_text(encoding="utf-8")


def test_update_from_the_previous_release_conflicts_only_where_both_changed(
    installed: Path, released: Path, tmp_path: Path
) -> None:
    repo = generated_by_the_release(released, tmp_path)
    ci = repo / ".github" / "workflows" / "ci.yml"
    old_pin = next(
        line for line in ci.read_text(encoding="utf-8").splitlines() if "mlrig/mlrig@" in line
    )
    edit(ci, old_pin, old_pin + " # reviewed")
    git(repo, "commit", "-qam", "our edit of the pin line")
    result = run(installed, "mlrig", "update", cwd=repo)
    assert result.returncode == 1
    assert result.stderr == "1 conflict(s): resolve the markers, then commit.\n"
    conflicts = [line for line in result.stdout.splitlines() if line.startswith("conflict")]
    assert conflicts == ["conflict  .github/workflows/ci.yml"]
    text = ci.read_text(encoding="utf-8")
    assert text.count("<<<<<<< yours") == 1
    assert old_pin + " # reviewed" in text


def test_update_to_names_bundled_releases_by_short_commit_without_git_history(
    installed: Path, tmp_path: Path
) -> None:
    """An installed mlrig has no git history: a bundled release's short commit still
    selects it, and an unknown version lists what can be named."""
    result = run(installed, "mlrig", "new", "--no-input", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    repo = tmp_path / "out" / "my-ml-project"
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "generated")
    index = json.loads((REPO_ROOT / "templates" / "releases" / "index.json").read_text())
    first = index["ml-repo"][0]
    short = first["commit"][:8]
    dry = run(
        installed, "mlrig", "update", "--to", short, "--dry-run", "--allow-downgrade", cwd=repo
    )
    assert dry.returncode == 0, dry.stderr
    assert f"ml-repo {first['version']} ({first['commit'][:12]}) would change" in dry.stdout
    unknown = run(installed, "mlrig", "update", "--to", "9.9.9", "--dry-run", cwd=repo)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith(
        "mlrig: error: --to '9.9.9': not a release of the template nor a commit here; mlrig "
    )
    listed = ", ".join(f"{r['version']} ({r['commit'][:12]})" for r in index["ml-repo"])
    assert listed in unknown.stderr
    assert unknown.stderr.endswith("--template <git URL> --to <commit>\n")
