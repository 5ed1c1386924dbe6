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
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo, git
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
    assert (
        sink["containers"][0]["args"][0] == "--target=/mnt/dvc-remote/monitoring/kserve/production"
    )
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


def pods_per_claim(resources: list[dict[str, Any]]) -> dict[str, int]:
    """How many pods may mount each claim at once: a workload's replicas (1 by default), and
    an InferenceService's maxReplicas twice over for a pvc:// storageUri (during a canary the
    previous revision runs beside the new one). Each may land on another node."""
    pods: dict[str, int] = {}
    for resource in resources:
        spec = resource.get("spec", {})
        if resource["kind"] == "Deployment":
            volumes = spec["template"]["spec"].get("volumes", [])
            for claim in (
                v["persistentVolumeClaim"]["claimName"]
                for v in volumes
                if "persistentVolumeClaim" in v
            ):
                pods[claim] = pods.get(claim, 0) + spec.get("replicas", 1)
        elif resource["kind"] == "InferenceService":
            uri = spec["predictor"]["model"]["storageUri"]
            if uri.startswith("pvc://"):
                claim = uri.removeprefix("pvc://").split("/", 1)[0]
                pods[claim] = pods.get(claim, 0) + 2 * spec["predictor"].get("maxReplicas", 1)
    return pods


def test_the_local_remote_claim_is_shared_by_pods_on_any_node(
    render: Render, tmp_path: Path
) -> None:
    """The predictor's replicas (and a canary's) read the claim and the capture sink writes
    it: pods on several nodes, which a ReadWriteOnce claim refuses (the second pod never
    starts). The claim asks for ReadWriteMany, and its comment says which storage gives it."""
    repo = copy_repo(render(cloud="none"), tmp_path / "repo")
    pin_model(repo, "production", MD5, f"../my-ml-project-dvc-remote/files/md5/50/{MD5[2:]}")
    assert pins(repo, "image", "production", IMAGE, *from_lock(repo)).returncode == 0
    resources = kustomize(repo / "deploy/overlays/production")
    assert validate(resources).count("PersistentVolumeClaim") == 1
    assert pods_per_claim(resources) == {"dvc-remote": 7}  # 2 x 3 predictors, 1 sink
    claim = one(resources, "PersistentVolumeClaim", "dvc-remote")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    text = (repo / "deploy/base/dvc-remote-claim.yaml").read_text(encoding="utf-8")
    assert "NFS" in text
