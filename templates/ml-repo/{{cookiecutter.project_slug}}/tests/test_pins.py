"""Model pins: written from dvc.lock deterministically, checked, promoted."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }} import identity, pins, rollout, serving

MODEL = pins.MODEL_FILE.as_posix()
MD5 = "50e15d6997ce472513fd07c08e97264f"
LOCK = f"""schema: '2.0'
stages:
  prepare:
    cmd: python -m {{ cookiecutter.package_name }}.prepare
    deps:
    - path: data/raw
      hash: md5
      md5: c267ec91b52dc8295ff41b5959d5d6be.dir
    outs:
    - path: data/prepared
      hash: md5
      md5: 8f9b03b91d705a1cd976073f04486cc8.dir
  train:
    cmd: python -m {{ cookiecutter.package_name }}.train
    deps:
    - path: data/prepared
      hash: md5
      md5: 8f9b03b91d705a1cd976073f04486cc8.dir
    - path: src/{{ cookiecutter.package_name }}/train.py
      hash: md5
      md5: 1a2b3c4d5e6f708192a3b4c5d6e7f809
    params:
      params.yaml:
        train:
          seed: 42
    outs:
    - path: {MODEL}
      hash: md5
      md5: {MD5}
"""
PATCH = """spec:
  predictor:
    model:
      storageUri: pending://no-model-pinned
      env:
        - name: MLSERVER_MODEL_URI
          value: /mnt/models/no-model-pinned
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".dvc").mkdir()
    (tmp_path / ".dvc/config").write_text(
        "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://bucket/dvc/\n"
    )
    for env in ("staging", "production"):
        overlay = tmp_path / "deploy/overlays" / env
        overlay.mkdir(parents=True)
        (overlay / "inference-service-patch.yaml").write_text(PATCH)
        (overlay / "serving").mkdir()
        serving.write_component(env, {"environment": env, "model": None}, tmp_path)
        header = f"# Model pin for {env}. Kept header.\n"
        (tmp_path / f"deploy/{env}.yaml").write_text(header + f"environment: {env}\nmodel: null\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "init"], cwd=tmp_path, check=True)
    return tmp_path


def test_storage_uri_is_the_dvc3_content_address() -> None:
    assert pins.storage_uri(MD5, "s3://b/x/") == f"s3://b/x/files/md5/50/{MD5[2:]}"
    with pytest.raises(ValueError, match="not an md5"):
        pins.storage_uri("latest", "s3://b")


def test_local_remote_is_relative_to_the_repository(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text('[core]\nremote = local\n[remote "local"]\nurl = ../../store\n')
    assert pins.remote_url(config) == "../store"


def test_null_pin_before_training(repo: Path) -> None:
    assert pins.build_pin("staging", repo) == {"environment": "staging", "model": None}
    assert pins.problems(repo) == []


def test_update_writes_the_lock_and_keeps_the_header(repo: Path) -> None:
    (repo / "dvc.lock").write_text(LOCK)
    (repo / "metrics.json").write_text(json.dumps({"accuracy": 0.9}))
    assert pins.problems(repo) != []
    pins.write_pin("staging", pins.build_pin("staging", repo), repo)
    text = (repo / "deploy/staging.yaml").read_text()
    pin = yaml.safe_load(text)
    assert text.startswith("# Model pin for staging. Kept header.\n")
    assert pin["model"] == {
        "path": MODEL,
        "md5": MD5,
        "storage_uri": f"s3://bucket/dvc/files/md5/50/{MD5[2:]}",
    }
    assert pin["source"]["data"] == {
        "data/prepared": "8f9b03b91d705a1cd976073f04486cc8.dir",
        "data/raw": "c267ec91b52dc8295ff41b5959d5d6be.dir",
    }
    assert pin["source"]["params"] == {"train.seed": 42}
    assert pin["metrics"] == {"accuracy": 0.9}
    patch = repo / "deploy/overlays/staging/inference-service-patch.yaml"
    model = yaml.safe_load(patch.read_text())["spec"]["predictor"]["model"]
    assert model["storageUri"] == pin["model"]["storage_uri"]
    # KServe saves the object under its last path segment; MLServer loads that file.
    assert model["env"] == [{"name": "MLSERVER_MODEL_URI", "value": f"/mnt/models/{MD5[2:]}"}]
    assert pins.problems(repo) == []
    assert pins.write_pin("staging", pins.build_pin("staging", repo), repo) == []


def test_check_flags_a_hand_edited_pin(repo: Path) -> None:
    (repo / "dvc.lock").write_text(LOCK)
    pins.write_pin("staging", pins.build_pin("staging", repo), repo)
    assert pins.problems(repo) == []
    path = repo / "deploy/staging.yaml"
    path.write_text(path.read_text().replace(MD5, "0" * 32))
    assert any("staging.yaml: model" in problem for problem in pins.problems(repo))


def test_model_file_is_the_object_name_without_extension() -> None:
    assert pins.model_file(MD5) == "/mnt/models/e15d6997ce472513fd07c08e97264f"
    assert pins.storage_uri(MD5, "gs://b").rsplit("/", 1)[1] == pins.model_file(MD5)[12:]
    with pytest.raises(ValueError, match="not the md5 of a file"):
        pins.model_file(MD5 + ".dir")


def test_check_flags_a_hand_edited_model_file(repo: Path) -> None:
    (repo / "dvc.lock").write_text(LOCK)
    pins.write_pin("staging", pins.build_pin("staging", repo), repo)
    patch = repo / "deploy/overlays/staging/inference-service-patch.yaml"
    edited = patch.read_text().replace(f"/mnt/models/{MD5[2:]}", "/mnt/models/model.joblib")
    patch.write_text(edited)
    assert pins.problems(repo) == [
        "deploy/overlays/staging/inference-service-patch.yaml:"
        f" MLSERVER_MODEL_URI is not /mnt/models/{MD5[2:]}"
    ]
    pins.write_pin("staging", pins.build_pin("staging", repo), repo)
    assert pins.problems(repo) == []


def test_no_inference_service_until_a_model_and_an_image_are_pinned(repo: Path) -> None:
    component = repo / "deploy/overlays/staging/serving/kustomization.yaml"
    (repo / "dvc.lock").write_text(LOCK)
    pins.write_pin("staging", pins.build_pin("staging", repo), repo)
    text = component.read_text()
    assert "# Not serving: serving image not built yet.\n" in text
    assert "$patch: delete" in text
    assert pins.problems(repo) == []
    image = "registry.example/serve@sha256:" + "0f" * 32
    built = {serving.FRAMEWORK: "1.0"}  # what `pins image` records
    staging = serving.with_image(pins.build_pin("staging", repo), image, built)
    assert list(staging)[:3] == ["environment", "model", "serving_image"]
    assert pins.write_pin("staging", staging, repo) == [repo / "deploy/staging.yaml", component]
    assert yaml.safe_load(component.read_text())["images"] == [
        {
            "name": serving.IMAGE_NAME,
            "newName": "registry.example/serve",
            "digest": "sha256:" + "0f" * 32,
        }
    ]
    assert pins.problems(repo) == []
    component.write_text(text)
    assert pins.problems(repo) == [
        "deploy/overlays/staging/serving/kustomization.yaml:"
        " not what deploy/staging.yaml implies (run `pins sync`)"
    ]


def test_an_image_by_tag_is_never_served(repo: Path) -> None:
    (repo / "dvc.lock").write_text(LOCK)
    pin = serving.with_image(pins.build_pin("staging", repo), "registry.example/serve:latest")
    pins.write_pin("staging", pin, repo)
    component = (repo / "deploy/overlays/staging/serving/kustomization.yaml").read_text()
    assert "$patch: delete" in component
    assert "is not <image>@sha256:<64 hex>" in component
    assert (
        "deploy/staging.yaml: serving_image 'registry.example/serve:latest'"
        in pins.problems(repo)[0]
    )


def test_promote_copies_staging_and_its_overlay(repo: Path) -> None:
    (repo / "dvc.lock").write_text(LOCK)
    pins.write_pin("staging", pins.build_pin("staging", repo), repo)
    staging = yaml.safe_load((repo / "deploy/staging.yaml").read_text())
    pins.write_pin("production", dict(staging, environment="production"), repo)
    production = yaml.safe_load((repo / "deploy/production.yaml").read_text())
    assert production["model"] == staging["model"]
    patch = (repo / "deploy/overlays/production/inference-service-patch.yaml").read_text()
    assert f"value: /mnt/models/{MD5[2:]}" in patch
    assert pins.problems(repo) == []


def test_metrics_diff_is_markdown_with_a_chart(repo: Path) -> None:
    path = repo / "deploy/staging.yaml"
    path.write_text(path.read_text() + "metrics:\n  accuracy: 0.8\n")
    (repo / "metrics.json").write_text(json.dumps({"accuracy": 0.9}))
    text = pins.metrics_diff("staging", repo)
    assert "| accuracy | 0.8 | 0.9 | +0.1 |" in text
    assert "xychart-beta" in text


def _commit(repo: Path) -> str:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "next"], cwd=repo, check=True)
    return pins.head_commit(repo)


def test_the_commit_moves_only_with_the_model(repo: Path) -> None:
    (repo / "dvc.lock").write_text(LOCK)
    trained_at = pins.head_commit(repo)
    assert pins.update("staging", repo) != []
    _commit(repo)
    assert pins.update("staging", repo) == []
    assert yaml.safe_load((repo / "deploy/staging.yaml").read_text())["source"]["commit"] == (
        trained_at
    )
    (repo / "dvc.lock").write_text(LOCK.replace(MD5, "1" * 32))
    head = _commit(repo)
    assert pins.update("staging", repo) != []
    assert yaml.safe_load((repo / "deploy/staging.yaml").read_text())["source"]["commit"] == head


def test_promote_refuses_a_model_below_the_production_gate(repo: Path) -> None:
    (repo / "params.yaml").write_text(
        "gate:\n  production:\n    min: {accuracy: 0.95}\n    max: {log_loss: 0.3}\n"
    )
    (repo / "dvc.lock").write_text(LOCK)
    (repo / "metrics.json").write_text(json.dumps({"accuracy": 0.9, "log_loss": 0.2}))
    pins.update("staging", repo)
    before = (repo / "deploy/production.yaml").read_text()
    changed, refused = pins.promote("staging", "production", repo)
    assert (changed, refused) == ([], ["accuracy 0.9 is below the production minimum 0.95"])
    assert (repo / "deploy/production.yaml").read_text() == before
    (repo / "metrics.json").write_text(json.dumps({"accuracy": 0.96, "log_loss": 0.2}))
    pins.update("staging", repo)
    changed, refused = pins.promote("staging", "production", repo)
    assert refused == [] and repo / "deploy/production.yaml" in changed


ACCOUNT = """# the model reader
apiVersion: v1
kind: ServiceAccount
metadata:
  name: reader
  annotations:
    iam.gke.io/gcp-service-account: ""
automountServiceAccountToken: false
"""


def test_nothing_is_served_until_the_identity_is_set(repo: Path) -> None:
    (repo / "deploy/base").mkdir()
    (repo / "deploy/base/service-account.yaml").write_text(ACCOUNT)
    (repo / "dvc.lock").write_text(LOCK)
    image = "registry.example/serve@sha256:" + "0f" * 32
    pins.write_pin("staging", serving.with_image(pins.build_pin("staging", repo), image), repo)
    component = repo / "deploy/overlays/staging/serving/kustomization.yaml"
    reason = "workload identity not set (iam.gke.io/gcp-service-account: run `pins identity`)"
    assert f"# Not serving: {reason}.\n" in component.read_text()
    with pytest.raises(ValueError, match="non-empty strings"):
        identity.parse('{"iam.gke.io/gcp-service-account": ""}')
    values = identity.parse(
        '{"iam.gke.io/gcp-service-account": "reader@p.iam.gserviceaccount.com"}'
    )
    assert identity.write(values, repo)
    account = yaml.safe_load((repo / "deploy/base/service-account.yaml").read_text())
    assert account["metadata"]["annotations"] == values
    assert identity.unset(repo) == []
    pins.write_pin("staging", yaml.safe_load((repo / "deploy/staging.yaml").read_text()), repo)
    assert "images:" in component.read_text()


def test_a_model_that_replaces_another_starts_as_a_canary() -> None:
    old = {"model": {"md5": MD5}}
    new = {"model": {"md5": "6" + MD5[1:]}}
    assert rollout.start(new, {"model": None}) == new  # the first model: all traffic
    assert rollout.start(new, old)[rollout.KEY] == rollout.CANARY
    assert rollout.start(old, dict(old, canary_traffic_percent=10))[rollout.KEY] == 10
    image = {rollout.IMAGE_KEY: "registry.example/serve@sha256:" + "0f" * 32}
    served = dict(old, **image)
    rebuilt = dict(old, serving_image=image[rollout.IMAGE_KEY].replace("0f", "1e"))
    assert rollout.start(rebuilt, served)[rollout.KEY] == rollout.CANARY  # a new image
    assert rollout.start(served, old) == served  # a first image replaces nothing
    assert rollout.start(served, dict(served, canary_traffic_percent=10))[rollout.KEY] == 10
    assert rollout.KEY not in rollout.with_percent(dict(new, canary_traffic_percent=10), 100)
    text = "spec:\n  predictor:\n    canaryTrafficPercent: 100\n"
    assert rollout.patch_text(text, {rollout.KEY: 10}) == text.replace("100", "10")
    assert rollout.problem("101") == "'101' is not a percentage from 0 to 100"


def _trained_under_the_lock(repo: Path) -> str:
    """dvc.lock whose train stage recorded the lock it ran under; the lock pins the framework
    for two Pythons (markers), and .python-version picks the second."""
    (repo / ".python-version").write_text("3.11\n")
    lock = repo / serving.LOCK
    lock.write_text(
        f"{serving.FRAMEWORK}==1.0.0 ; python_full_version < '3.11' \\\n"
        f"    --hash=sha256:{'a' * 64}\n"
        f"{serving.FRAMEWORK}==2.1.0 ; python_full_version >= '3.11' \\\n"
        f"    --hash=sha256:{'b' * 64}\n"
    )
    code = "      md5: 1a2b3c4d5e6f708192a3b4c5d6e7f809\n"
    dep = f"    - path: {serving.LOCK.as_posix()}\n      hash: md5\n      md5: {_md5(lock)}\n"
    return LOCK.replace(code, code + dep)


def _md5(path: Path) -> str:
    import hashlib

    return hashlib.md5(path.read_bytes()).hexdigest()


def test_update_records_the_framework_that_trained_the_model(repo: Path) -> None:
    (repo / "dvc.lock").write_text(_trained_under_the_lock(repo))
    pins.update("staging", repo)
    assert (repo / "deploy/staging.yaml").read_text() == (
        "# Model pin for staging. Kept header.\n"
        "environment: staging\n"
        "model:\n"
        f"  path: {MODEL}\n"
        f"  md5: {MD5}\n"
        f"  storage_uri: s3://bucket/dvc/files/md5/50/{MD5[2:]}\n"
        "serving_image: null\n"
        "training_framework:\n"
        f"  {serving.FRAMEWORK}: 2.1.0\n"
        "source:\n"
        f"  commit: {pins.head_commit(repo)}\n"
        "  stage: train\n"
        "  data:\n"
        "    data/prepared: 8f9b03b91d705a1cd976073f04486cc8.dir\n"
        "    data/raw: c267ec91b52dc8295ff41b5959d5d6be.dir\n"
        f"    {serving.LOCK.as_posix()}: {_md5(repo / serving.LOCK)}\n"
        "  params:\n"
        "    train.seed: 42\n"
        "metrics: {}\n"
    )
    assert pins.problems(repo) == []
    # A lock that moved since the training run names no framework of this model.
    (repo / serving.LOCK).write_text(f"{serving.FRAMEWORK}==3.0.0\n")
    assert serving.TRAINING_KEY not in pins.build_pin("staging", repo)
    assert pins.problems(repo) == [
        "deploy/staging.yaml: training_framework differs from dvc.lock (run `pins update staging`)"
    ]


def test_promotion_carries_the_training_record_to_production(repo: Path) -> None:
    (repo / "dvc.lock").write_text(_trained_under_the_lock(repo))
    image = "registry.example/serve@sha256:" + "0f" * 32
    pins.update("staging", repo)
    built = {serving.FRAMEWORK: "2.1.0"}
    staged = serving.with_image(pins.current("staging", repo), image, built)
    pins.write_pin("staging", staged, repo)
    changed, refused = pins.promote("staging", "production", repo)
    assert (changed[0], refused) == (repo / "deploy/production.yaml", [])
    production = (repo / "deploy/production.yaml").read_text()
    assert (
        f"serving_image: {image}\n"
        f"serving_framework:\n  {serving.FRAMEWORK}: 2.1.0\n"
        f"training_framework:\n  {serving.FRAMEWORK}: 2.1.0\n"
        "source:\n"
    ) in production
    # The lock moves and CT retrains: production still serves the earlier model, with the
    # image of the framework that trained it, which `pins check` compares with its record.
    (repo / serving.LOCK).write_text(f"{serving.FRAMEWORK}==3.0.0\n")
    (repo / "dvc.lock").write_text(LOCK.replace(MD5, "1" * 32))
    pins.update("staging", repo)
    assert [p for p in pins.problems(repo) if "production" in p] == []
    moved = production.replace(f"training_framework:\n  {serving.FRAMEWORK}: 2.1.0\n", "")
    (repo / "deploy/production.yaml").write_text(moved.replace("2.1.0", "3.0.0"))
    assert [p for p in pins.problems(repo) if "production.yaml" in p] == [
        "deploy/production.yaml: the pin serves an earlier model than dvc.lock's and records no"
        f" training_framework (the {serving.FRAMEWORK} that trained it); promote it from a pin"
        " that `pins update` wrote, or record it"
    ]
    served = f"{serving.FRAMEWORK}: 2.1.0\ntraining"
    rebuilt = production.replace(served, served.replace("2.1.0", "3.0.0"))
    (repo / "deploy/production.yaml").write_text(rebuilt)
    assert [p for p in pins.problems(repo) if "production.yaml" in p] == [
        f"deploy/production.yaml: serving_framework {serving.FRAMEWORK} 3.0.0 is not the"
        " training_framework's 2.1.0 (rebuild the image: serve-image.yml)"
    ]
