"""The CT workflow's own commands, run locally in a generated repository (no GitHub).

dvc pushes to and pulls from an S3 endpoint that moto serves on 127.0.0.1, so
the pinned ``storage_uri`` is checked against where dvc really put the model.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import yaml

from tests.cdct.conftest import S3_CREDENTIALS, Render, copy_repo, git, moto_s3, run
from tests.cdct.test_kustomize import IMAGE, from_lock, kustomize, model_file, storage_uri

pytestmark = pytest.mark.slow
PACKAGE = "my_ml_project"
BUCKET = "my-ml-project-dvc"
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "DVC_NO_ANALYTICS": "1",
}


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """A moto S3 server on a free loopback port, with the remote's bucket."""
    with moto_s3(BUCKET) as url:
        yield url


def _credentials() -> dict[str, str]:
    return dict(S3_CREDENTIALS)


class Repo:
    """A generated repository and the commands CT runs in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        bindir = str(Path(sys.executable).parent)
        self.env = {
            **S3_ENV,
            "PYTHONPATH": str(path / "src"),
            "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        }

    def ok(self, *command: str | Path) -> str:
        done = run(list(command), self.path, self.env)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
        return done.stdout

    def dvc(self, *args: str) -> str:
        return self.ok(sys.executable, "-m", "dvc", *args)

    def pins(self, *args: str) -> str:
        return self.ok(sys.executable, "-m", f"{PACKAGE}.pins", *args)

    def check(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run([sys.executable, "-m", "toolkit", "check", *args], self.path, self.env)

    def yaml(self, name: str) -> dict[str, object]:
        data = yaml.safe_load((self.path / name).read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        return data

    def model_md5(self) -> str:
        stages = self.yaml("dvc.lock")["stages"]
        (out,) = stages["train"]["outs"]  # type: ignore[index]
        return str(out["md5"])

    def retrain(self) -> None:
        """What ct.yml's train job runs after `dvc pull`, including `dvc push`."""
        self.dvc("repro")
        self.dvc("push")
        self.pins("metrics-diff", "staging")
        self.pins("update", "staging")
        self.pins("check")


@pytest.fixture(scope="module")
def trained(render: Render, s3: str, tmp_path_factory: pytest.TempPathFactory) -> Repo:
    pytest.importorskip("sklearn")
    pytest.importorskip("dvc")
    path = copy_repo(render(cloud="aws"), tmp_path_factory.mktemp("ct") / "repo")
    repo = Repo(path)
    repo.dvc("remote", "modify", "--local", "storage", "endpointurl", s3)
    fresh = repo.check()
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    repo.retrain()
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "CT: first model")
    return repo


def _copy(repo: Repo, target: Path) -> Repo:
    shutil.copytree(repo.path, target, symlinks=True)
    return Repo(target)


def test_first_training_pins_the_pushed_model(trained: Repo, s3: str) -> None:
    boto3 = pytest.importorskip("boto3")
    pin = trained.yaml("deploy/staging.yaml")
    md5 = trained.model_md5()
    model = pin["model"]
    assert isinstance(model, dict)
    assert model["md5"] == md5
    key = f"files/md5/{md5[:2]}/{md5[2:]}"
    assert model["storage_uri"] == f"s3://{BUCKET}/{key}"
    client = boto3.client("s3", endpoint_url=s3, **_credentials())
    assert client.head_object(Bucket=BUCKET, Key=key)["ContentLength"] > 0
    patch = trained.path / "deploy/overlays/staging/inference-service-patch.yaml"
    assert f"storageUri: s3://{BUCKET}/{key}" in patch.read_text(encoding="utf-8")
    component = trained.path / "deploy/overlays/staging/serving/kustomization.yaml"
    reason = (
        "# Not serving: serving image not built yet;"
        " workload identity not set (eks.amazonaws.com/role-arn: run `pins identity`);"
        " capture identity not set (eks.amazonaws.com/role-arn: run `pins identity`).\n"
    )
    assert reason in component.read_text(encoding="utf-8")
    done = trained.check()
    assert done.returncode == 0, done.stdout


def test_retraining_moves_the_lock_and_the_pin_together(trained: Repo, tmp_path: Path) -> None:
    repo = _copy(trained, tmp_path / "repo")
    before = repo.model_md5()
    params = repo.path / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("c: 1.0", "c: 0.05"), "utf-8")
    repo.retrain()
    after = repo.model_md5()
    assert after != before
    pin = repo.yaml("deploy/staging.yaml")
    assert pin["model"]["md5"] == after  # type: ignore[index]
    assert pin["source"]["params"]["train.c"] == 0.05  # type: ignore[index]
    changed = git(repo.path, "status", "--porcelain").split("\n")
    assert {line[3:] for line in changed if line} >= {
        "dvc.lock",
        "params.yaml",
        "deploy/staging.yaml",
        "deploy/overlays/staging/inference-service-patch.yaml",
    }
    done = repo.check()
    assert done.returncode == 0, done.stdout
    lineage = repo.ok(sys.executable, "-m", "toolkit", "lineage", "--format", "md")
    assert after in lineage and "```mermaid" in lineage


def test_changing_only_params_fails_the_check(trained: Repo, tmp_path: Path) -> None:
    repo = _copy(trained, tmp_path / "repo")
    params = repo.path / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("c: 1.0", "c: 0.05"), "utf-8")
    done = repo.check()
    assert done.returncode == 1
    assert "params.yaml" in done.stdout


def test_a_production_hash_no_lock_produced_fails(trained: Repo, tmp_path: Path) -> None:
    repo = _copy(trained, tmp_path / "repo")
    repo.pins("promote", "staging", "production")
    assert repo.check("--select", "MOD").returncode == 0
    forged = "0123456789abcdef0123456789abcdef"
    pin = repo.path / "deploy/production.yaml"
    text = pin.read_text(encoding="utf-8").replace(repo.model_md5(), forged)
    pin.write_text(text.replace(f"/{repo.model_md5()[:2]}/", f"/{forged[:2]}/"), "utf-8")
    done = repo.check("--select", "MOD004")
    assert done.returncode == 1
    assert f"MOD004 model.md5 {forged} was never recorded by dvc.lock" in done.stdout


def test_an_overlay_edited_by_hand_fails(trained: Repo, tmp_path: Path) -> None:
    repo = _copy(trained, tmp_path / "repo")
    patch = repo.path / "deploy/overlays/staging/inference-service-patch.yaml"
    lines = patch.read_text(encoding="utf-8").splitlines(keepends=True)
    edited = [
        "      storageUri: s3://elsewhere/latest\n" if "storageUri:" in line[:20] else line
        for line in lines
    ]
    patch.write_text("".join(edited), encoding="utf-8")
    done = repo.check("--select", "MOD005")
    assert done.returncode == 1
    assert "MOD005 storageUri s3://elsewhere/latest" in done.stdout


def test_rendered_overlay_loads_the_pinned_file_and_a_hand_edit_fails(
    trained: Repo, tmp_path: Path
) -> None:
    """KServe saves the object as /mnt/models/<last segment of storageUri>, that is the md5
    minus its first two hex digits; MLSERVER_MODEL_URI must name exactly that file."""
    md5 = trained.model_md5()
    repo = _copy(trained, tmp_path / "repo")
    # No InferenceService renders before an image is pinned and the identity is set.
    repo.pins("image", "staging", IMAGE, *from_lock(repo.path))
    role = tmp_path / "identity.json"
    role.write_text('{"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/r"}', encoding="utf-8")
    repo.pins("identity", "--from", str(role), "--capture-from", str(role))
    resources = kustomize(repo.path / "deploy/overlays/staging")
    pinned = trained.yaml("deploy/staging.yaml")["model"]
    assert storage_uri(resources) == pinned["storage_uri"]  # type: ignore[index]
    assert model_file(resources) == f"/mnt/models/{md5[2:]}"
    assert model_file(resources) == "/mnt/models/" + storage_uri(resources).rsplit("/", 1)[1]

    patch = repo.path / "deploy/overlays/staging/inference-service-patch.yaml"
    original = patch.read_text(encoding="utf-8")
    patch.write_text(original.replace(md5[2:] + "\n", "model.joblib\n"), encoding="utf-8")
    edited = "/mnt/models/model.joblib"
    assert model_file(kustomize(repo.path / "deploy/overlays/staging")) == edited
    done = repo.check("--select", "MOD005")
    assert done.returncode == 1
    assert f"MOD005 MLSERVER_MODEL_URI {edited} is not the staging pin's" in done.stdout
    pins_check: list[str | Path] = [sys.executable, "-m", f"{PACKAGE}.pins", "check"]
    assert run(pins_check, repo.path, repo.env).returncode == 1
    fixed = repo.check("--select", "MOD005", "--fix")
    assert fixed.returncode == 0, fixed.stdout
    assert patch.read_text(encoding="utf-8") == original


def test_drift_monitor_flags_a_shifted_sample_only(trained: Repo, tmp_path: Path) -> None:
    prepared = trained.path / "data/prepared"
    header = (prepared / "test.csv").read_text(encoding="utf-8").splitlines()[0]
    table = np.loadtxt(prepared / "test.csv", delimiter=",", skiprows=1)
    table[:, 0] += 1.0
    shifted = tmp_path / "shifted.csv"
    np.savetxt(shifted, table, delimiter=",", header=header, comments="", fmt="%.6f")
    command = [sys.executable, "-m", f"{PACKAGE}.drift", "--current"]
    same = run([*command, prepared / "test.csv"], trained.path, trained.env)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "no drift" in same.stdout
    moved = run([*command, shifted], trained.path, trained.env)
    assert moved.returncode == 1, moved.stdout + moved.stderr
    assert "drift detected" in moved.stdout


def test_generated_repository_own_pin_and_drift_tests_pass(trained: Repo) -> None:
    done = run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_pins.py",
            "tests/test_drift.py",
        ],
        trained.path,
        trained.env,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _retrain_with(repo: Repo, c: str) -> None:
    params = repo.path / "params.yaml"
    text = params.read_text(encoding="utf-8")
    current = next(line for line in text.splitlines() if line.strip().startswith("c: "))
    params.write_text(text.replace(current, current.split("c: ")[0] + f"c: {c}"), "utf-8")
    repo.retrain()


def test_retraining_twice_keeps_the_serving_framework_and_the_check_clean(
    trained: Repo, tmp_path: Path
) -> None:
    """The image serve-image.yml built (and the framework it recorded) serves the next models
    too: two CT runs and a promotion leave a pin MOD007 accepts."""
    repo = _copy(trained, tmp_path / "repo")
    repo.pins("image", "staging", IMAGE, *from_lock(repo.path))
    recorded = repo.yaml("deploy/staging.yaml")["serving_framework"]
    assert list(recorded) == ["scikit-learn"]  # type: ignore[call-overload]
    for c in ("0.05", "0.2"):
        _retrain_with(repo, c)
        assert repo.yaml("deploy/staging.yaml")["serving_framework"] == recorded
    repo.pins("promote", "staging", "production")
    production = repo.yaml("deploy/production.yaml")
    assert (production["serving_image"], production["serving_framework"]) == (IMAGE, recorded)
    done = repo.check()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("All checks passed ("), done.stdout
    repo.pins("check")


def test_pins_check_agrees_with_mod007_on_a_missing_framework(
    trained: Repo, tmp_path: Path
) -> None:
    repo = _copy(trained, tmp_path / "repo")
    repo.pins("image", "staging", IMAGE, *from_lock(repo.path))
    pin = repo.path / "deploy/staging.yaml"
    lines = pin.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("serving_framework:"))
    pin.write_text("".join(lines[:at] + lines[at + 2 :]), encoding="utf-8")
    done = repo.check("--select", "MOD007")
    assert done.returncode == 1
    assert "MOD007 serving_image records no serving_framework" in done.stdout
    command: list[str | Path] = [sys.executable, "-m", f"{PACKAGE}.pins", "check"]
    checked = run(command, repo.path, repo.env)
    assert (checked.returncode, checked.stderr) == (
        1,
        "deploy/staging.yaml: serving_image records no serving_framework (the framework"
        " versions it was built with); rebuild it or record them with `pins image`\n",
    )
