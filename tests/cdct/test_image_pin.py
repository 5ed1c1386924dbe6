"""``pins image`` records what the serving image really installed (its ``pip freeze``,
which serve-image.yml reads from the pushed image), so that mlrig's MOD007 catches an
image built from another lock than the one the repository has now."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.test_kustomize import IMAGE, from_lock, pins, serving_checks

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
