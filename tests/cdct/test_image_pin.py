"""``pins image`` records what the serving image really installed (its ``pip freeze``,
which serve-image.yml reads from the pushed image), so that mlrig's MOD007 catches an
image built from another lock than the one the repository has now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.test_kustomize import IMAGE, from_lock, pin_model, pins, serving_checks

PACKAGE = {"sklearn": "scikit-learn", "pytorch": "torch"}


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
def test_an_image_built_from_another_lock_is_recorded_as_such_and_flagged(
    render: Render, tmp_path: Path, framework: str
) -> None:
    repo = copy_repo(render(cloud="aws", ml_framework=framework), tmp_path / "repo")
    package = PACKAGE[framework]
    freeze = repo / "image-freeze.txt"
    freeze.write_text(f"numpy==2.0.0\n{package}==0.0.1\nprometheus-client==0.20.0\n", "utf-8")
    done = pins(repo, "image", "staging", IMAGE, "--freeze", "image-freeze.txt")
    assert (done.returncode, done.stderr) == (0, "")
    pin = yaml.safe_load((repo / "deploy/staging.yaml").read_text(encoding="utf-8"))
    assert pin["serving_framework"] == {package: "0.0.1"}
    code, out = serving_checks(repo)
    assert code == 1
    assert out.count("MOD007") == 1, out
    assert out.splitlines()[0].startswith(
        f"deploy/staging.yaml:6:3: MOD007 serving installs {package} 0.0.1, the training lock pins "
    )

    rebuilt = pins(repo, "image", "staging", IMAGE, *from_lock(repo))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert serving_checks(repo) == (0, "")


def test_an_image_whose_freeze_lacks_the_framework_is_not_pinned(
    render: Render, tmp_path: Path
) -> None:
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    before = (repo / "deploy/staging.yaml").read_text(encoding="utf-8")
    (repo / "freeze.txt").write_text("numpy==2.0.0\nscikit-learn-extra==0.3.0\n", "utf-8")
    done = pins(repo, "image", "staging", IMAGE, "--freeze", "freeze.txt")
    assert (done.returncode, done.stderr) == (
        1,
        "pins image: freeze.txt names no scikit-learn==<version> (the image's pip freeze)\n",
    )
    missing = pins(repo, "image", "staging", IMAGE, "--freeze", "absent.txt")
    assert (missing.returncode, missing.stderr) == (
        1,
        "pins image: cannot read absent.txt: No such file or directory\n",
    )
    unsaid = pins(repo, "image", "staging", IMAGE)
    assert unsaid.returncode == 2
    assert "the following arguments are required: --freeze" in unsaid.stderr
    assert (repo / "deploy/staging.yaml").read_text(encoding="utf-8") == before


def workflow(repo: Path) -> dict[str, Any]:
    text = (repo / ".github/workflows/serve-image.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
def test_a_pull_request_that_moves_the_lock_turns_green_with_the_image_built_from_it(
    render: Render, tmp_path: Path, framework: str
) -> None:
    """MOD007 fails while the staging pin's image holds the old framework and passes once
    the image built from the pull request's lock is pinned, which serve-image.yml does on
    such a pull request (from this repository) by committing the pin to it."""
    repo = copy_repo(render(cloud="gcp", ml_framework=framework), tmp_path / "repo")
    lock = "requirements-train.txt" if framework == "pytorch" else "requirements.txt"
    assert pins(repo, "image", "staging", IMAGE, *from_lock(repo)).returncode == 0
    assert serving_checks(repo) == (0, "")
    package = PACKAGE[framework]
    old = yaml.safe_load((repo / "deploy/staging.yaml").read_text("utf-8"))["serving_framework"]
    text = (repo / lock).read_text(encoding="utf-8")
    pinned = f"{package}=={old[package]}"
    assert pinned in text
    (repo / lock).write_text(text.replace(pinned, f"{package}=={old[package]}.post1"), "utf-8")

    code, out = serving_checks(repo)  # the pull request, before serve-image.yml ran
    assert code == 1
    assert f"MOD007 serving installs {package} {old[package]}, the training lock pins" in out
    rebuilt = IMAGE.replace("ab" * 32, "cd" * 32)
    assert pins(repo, "image", "staging", rebuilt, *from_lock(repo)).returncode == 0
    assert serving_checks(repo) == (0, "")  # after its commit: green, with the new image

    flow = workflow(repo)
    assert flow[True]["pull_request"] == {"paths": [lock]}
    steps = flow["jobs"]["pin"]["steps"]
    runs = "\n".join(str(step.get("run", "")) for step in steps)
    assert 'pins image staging "$IMAGE" --freeze image-freeze.txt' in runs
    assert "publish" not in flow["jobs"]  # publish.yml holds the App's key and commits the pin
    published = yaml.safe_load((repo / ".github/workflows/publish.yml").read_text("utf-8"))
    (commit,) = [
        step
        for step in published["jobs"]["publish"]["steps"]
        if step.get("name") == "Commit the result to the pull request"
    ]
    assert commit["if"] == "github.event.workflow_run.event == 'pull_request'"
    assert '"HEAD:refs/heads/$HEAD_REF"' in commit["run"]
    build = flow["jobs"]["build"]
    assert "head.repo.full_name == github.repository" in build["if"]  # never a fork's


def test_an_earlier_model_keeps_the_image_of_the_lock_that_trained_it(
    render: Render, tmp_path: Path
) -> None:
    """Production may still serve the model before the lock moved, on its image: only the
    pin of the model dvc.lock records now must hold the lock's framework; a pin of an
    earlier model holds the framework its ``training_framework`` records."""
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    (repo / "dvc.lock").write_text(
        "schema: '2.0'\nstages:\n  train:\n    cmd: python -m my_ml_project.train\n"
        "    outs:\n    - path: models/model.joblib\n      hash: md5\n"
        "      md5: 50e15d6997ce472513fd07c08e97264f\n      size: 10\n",
        encoding="utf-8",
    )
    freeze = repo / "old-freeze.txt"
    freeze.write_text("scikit-learn==0.0.1\n", "utf-8")
    earlier, current = "60e15d6997ce472513fd07c08e97264f", "50e15d6997ce472513fd07c08e97264f"
    uri = "s3://my-ml-project-dvc/files/md5/{}/{}"
    pin_model(repo, "production", earlier, uri.format(earlier[:2], earlier[2:]))
    assert pins(repo, "image", "production", IMAGE, "--freeze", "old-freeze.txt").returncode == 0
    code, out = serving_checks(repo)  # nothing says which scikit-learn trained that model
    assert code == 1
    assert out.startswith(
        "deploy/production.yaml:7:1: MOD007 the pin serves an earlier model than dvc.lock"
        " records and records no training_framework"
    ), out
    text = (repo / "deploy/production.yaml").read_text(encoding="utf-8")
    trained = text + "training_framework:\n  scikit-learn: 0.0.1\n"
    (repo / "deploy/production.yaml").write_text(trained, "utf-8")
    assert serving_checks(repo) == (0, "")  # the image holds what trained the model
    retrained = text + "training_framework:\n  scikit-learn: 0.0.2\n"
    (repo / "deploy/production.yaml").write_text(retrained, "utf-8")
    code, out = serving_checks(repo)
    assert code == 1
    assert (
        "MOD007 serving installs scikit-learn 0.0.1, but this pin's model (an earlier one than"
        " dvc.lock's) was trained with scikit-learn 0.0.2 (training_framework at line "
    ) in out
    (repo / "deploy/production.yaml").write_text(trained, "utf-8")
    (repo / "deploy/production.yaml").write_text(text.replace(earlier, current), "utf-8")
    code, out = serving_checks(repo)  # the current model on the old image: flagged
    assert code == 1
    assert "MOD007 serving installs scikit-learn 0.0.1" in out


def _lock_lines(repo: Path) -> dict[str, str]:
    """The generated lock's scikit-learn lines, as ``uv pip compile --universal`` writes
    them: marker -> version (one for Pythons before 3.11, one from 3.11 on)."""
    found = {}
    for line in (repo / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("scikit-learn=="):
            version, _, marker = line.removeprefix("scikit-learn==").partition(";")
            found[marker.rstrip(" \\").strip()] = version.strip()
    return found


def test_an_image_with_the_lock_line_of_another_python_is_flagged_as_pins_check_does(
    render: Render, tmp_path: Path
) -> None:
    """The image runs Python 3.11 (its FROM, and .python-version): the lock line for older
    Pythons is not what it installs, so recording that version fails both the repository's
    own `pins check` and MOD007 (which once accepted any version the lock named)."""
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    assert (repo / ".python-version").read_text(encoding="utf-8").strip() == "3.11"
    lines = _lock_lines(repo)
    older, locked = lines["python_full_version < '3.11'"], lines["python_full_version >= '3.11'"]
    assert older != locked
    (repo / "freeze.txt").write_text(f"numpy==2.0.0\nscikit-learn=={older}\n", "utf-8")
    assert pins(repo, "image", "staging", IMAGE, "--freeze", "freeze.txt").returncode == 0
    assert pins(repo, "check").returncode == 1
    assert serving_checks(repo, "MOD007") == (
        1,
        f"deploy/staging.yaml:6:3: MOD007 serving installs scikit-learn {older}, the training"
        f" lock pins {locked} (requirements.txt, python_full_version >= '3.11') for Python"
        " 3.11 (serve/Dockerfile); install the serving image from the lock or pin the same"
        " version\nFound 1 finding in 1 file.\n",
    )

    (repo / "freeze.txt").write_text(f"scikit-learn=={locked}\n", "utf-8")
    assert pins(repo, "image", "staging", IMAGE, "--freeze", "freeze.txt").returncode == 0
    assert pins(repo, "check").returncode == 0
    assert serving_checks(repo, "MOD007") == (0, "")


def test_a_serving_framework_under_the_import_name_is_flagged(
    render: Render, tmp_path: Path
) -> None:
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    assert pins(repo, "image", "staging", IMAGE, *from_lock(repo)).returncode == 0
    pin = repo / "deploy/staging.yaml"
    text = pin.read_text(encoding="utf-8")
    pin.write_text(text.replace("  scikit-learn: ", "  sklearn: "), encoding="utf-8")
    assert serving_checks(repo, "MOD007") == (
        1,
        "deploy/staging.yaml:6:3: MOD007 serving_framework names 'sklearn', which is no"
        " distribution the training lock pins (its frameworks: scikit-learn); write"
        " scikit-learn, its distribution name (as `pins image` records it)\n"
        "Found 1 finding in 1 file.\n",
    )


@pytest.mark.parametrize(
    ("framework", "written", "meant"),
    [
        ("sklearn", "sklearn", "scikit-learn, its"),
        ("sklearn", "scikit", "scikit-learn, its"),
        ("pytorch", "pytorch", "torch, its"),
        ("sklearn", "scikit-learn-extra", "the"),
    ],
)
def test_pins_check_refuses_a_serving_framework_key_that_mod007_refuses(
    render: Render, tmp_path: Path, framework: str, written: str, meant: str
) -> None:
    """The repository's own `pins check` reads the record as MOD007 does: a key is a
    distribution the lock pins, by its PEP 503 name, never the import or project name."""
    repo = copy_repo(render(cloud="aws", ml_framework=framework), tmp_path / "repo")
    assert pins(repo, "image", "staging", IMAGE, *from_lock(repo)).returncode == 0
    pin = repo / "deploy/staging.yaml"
    text = pin.read_text(encoding="utf-8")
    package = PACKAGE[framework]
    pin.write_text(text.replace(f"  {package}: ", f"  {written}: "), encoding="utf-8")
    done = pins(repo, "check")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines()[-1] == (
        f"deploy/staging.yaml: serving_framework names '{written}', which is no distribution"
        f" the training lock pins; write {meant} distribution name (as `pins image` records it)"
    )
    assert serving_checks(repo, "MOD007")[0] == 1


def test_pins_check_reads_a_serving_framework_key_by_its_pep_503_name(
    render: Render, tmp_path: Path
) -> None:
    """`Scikit_Learn` is scikit-learn (PEP 503) for pip, MOD007 and `pins check` alike; a
    record that names only other locked distributions names no framework."""
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    assert pins(repo, "image", "staging", IMAGE, *from_lock(repo)).returncode == 0
    pin = repo / "deploy/staging.yaml"
    text = pin.read_text(encoding="utf-8")
    pin.write_text(text.replace("  scikit-learn: ", "  Scikit_Learn: "), encoding="utf-8")
    assert (pins(repo, "check").returncode, serving_checks(repo, "MOD007")) == (0, (0, ""))

    version = yaml.safe_load(text)["serving_framework"]["scikit-learn"]
    pin.write_text(text.replace(f"  scikit-learn: {version}", "  numpy: 2.0.0"), "utf-8")
    done = pins(repo, "check")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "deploy/staging.yaml: serving_framework records no version of scikit-learn, the"
        " framework the training lock pins; record it by its distribution name"
        " (`pins image` does)"
    )
