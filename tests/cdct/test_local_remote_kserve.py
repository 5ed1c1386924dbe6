"""``cloud: none`` with ``deploy_target: kserve`` (the only deploy target without a cloud,
and the one its questions default to) serves a model KServe can read.

The DVC remote is then a local folder, whose relative path KServe v0.16.0 refuses as a
storageUri (its schemes: ``KSERVE_SCHEMES``). KServe reads it instead from the claim
``dvc-remote`` (``deploy/base/dvc-remote-claim.yaml``), which holds the remote: the overlay's
storageUri is the object's folder there, ``pvc://dvc-remote/files/md5/<2 hex>``, mounted as
/mnt/models, where ``MLSERVER_MODEL_URI`` names the file. Every way of answering gives it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cdct.conftest import copy_repo, git
from tests.cdct.kube_validate import validate
from tests.cdct.test_kustomize import (
    IMAGE,
    KSERVE_SCHEMES,
    from_lock,
    kustomize,
    model_file,
    one,
    pin_model,
    pins,
    serving_checks,
    storage_uri,
)
from tests.conftest import RunMlrig, Terminal

MD5 = "50e15d6997ce472513fd07c08e97264f"
CLAIM = {"name": "dvc-remote", "persistentVolumeClaim": {"claimName": "dvc-remote"}}


def assert_served_from_the_claim(generated: Path, tmp_path: Path) -> None:
    answers = yaml.safe_load((generated / ".mlrig-answers.yml").read_text(encoding="utf-8"))
    assert (answers["answers"]["cloud"], answers["answers"]["deploy_target"]) == ("none", "kserve")
    repo = copy_repo(generated, tmp_path / "pinned")
    pin_model(repo, "production", MD5, f"../my-ml-project-dvc-remote/files/md5/50/{MD5[2:]}")
    assert pins(repo, "image", "production", IMAGE, *from_lock(repo)).returncode == 0
    resources = kustomize(repo / "deploy/overlays/production")
    assert validate(resources).count("PersistentVolumeClaim") == 1
    assert one(resources, "PersistentVolumeClaim")["metadata"]["name"] == "dvc-remote"
    assert storage_uri(resources) == "pvc://dvc-remote/files/md5/50"
    assert storage_uri(resources).startswith(KSERVE_SCHEMES)
    assert model_file(resources) == f"/mnt/models/{MD5[2:]}"
    sink = one(resources, "Deployment")["spec"]["template"]["spec"]
    assert CLAIM in sink["volumes"]
    assert sink["containers"][0]["args"][0] == "--target=/mnt/dvc-remote/monitoring/kserve"
    assert pins(repo, "check").stderr == ""
    assert serving_checks(repo, "MOD005") == (0, "")


def test_new_with_set_cloud_none(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    done = run_mlrig("new", "--no-input", "-o", tmp_path, "--set", "cloud=none")
    assert done.code == 0, done.err
    assert_served_from_the_claim(tmp_path / "my-ml-project", tmp_path)


def test_new_answered_at_the_prompts(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = ["", "", "", "", "", "", "none"]  # Enter up to the cloud, then "none"
    monkeypatch.setattr("sys.stdin", Terminal("\n".join(typed) + "\n" * 40))
    done = run_mlrig("new", "-o", tmp_path)
    assert done.code == 0, done.err
    assert "Deployment target [" not in done.out  # kserve, without a question
    assert_served_from_the_claim(tmp_path / "my-ml-project", tmp_path)


def test_add_cd_brings_the_claim(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_mlrig("new", "--no-input", "-o", tmp_path, "--set", "cloud=none").code == 0
    repo = copy_repo(tmp_path / "my-ml-project", tmp_path / "repo")
    git(repo, "rm", "-rq", "deploy")
    git(repo, "commit", "-qm", "no deploy")
    monkeypatch.chdir(repo)
    done = run_mlrig("add", "cd")
    assert done.code == 0, done.err + done.out
    assert (repo / "deploy/base/dvc-remote-claim.yaml").is_file()
    assert_served_from_the_claim(repo, tmp_path / "after-add")
