"""The generated SageMaker rollout (``python -m <pkg>.managed deploy``) against moto on 127.0.0.1.

The deploy command runs as CD runs it, in a generated ``deploy_target=managed``
repository, with botocore pointed at moto by ``AWS_ENDPOINT_URL``: it fetches the
pinned object from the DVC remote's bucket, checks its md5, stages it, creates the
model, config and endpoint, replaces them on the next pin through a weight-0 canary
variant, deletes what it replaced, and rolls back when the smoke request fails.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import S3_CREDENTIALS, Render, copy_repo, moto_s3, run
from tests.cdct.managed_fakes import release_id

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
BUCKET = "my-ml-project-dvc"
ENDPOINT = "my-ml-project-staging"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve@sha256:" + "ab" * 32
ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution"
GOOD = {"outputs": [{"name": "probability", "shape": [1], "datatype": "FP64", "data": [0.42]}]}


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    """moto (with UpdateEndpoint) on a free loopback port, holding the remote's bucket."""
    with moto_s3(BUCKET, "tests.cdct.moto_sagemaker") as url:
        yield url


def client(url: str, name: str) -> Any:
    import boto3

    return boto3.client(name, endpoint_url=url, **S3_CREDENTIALS)


def publish(url: str, repo: Path, payload: bytes, image: str = IMAGE) -> str:
    """Put ``payload`` in the remote by its md5, as ``dvc push`` would, and pin it in staging
    with ``image``."""
    md5 = hashlib.md5(payload).hexdigest()
    key = f"files/md5/{md5[:2]}/{md5[2:]}"
    client(url, "s3").put_object(Bucket=BUCKET, Key=key, Body=payload)
    pin = {
        "environment": "staging",
        "model": {"path": "models/model.joblib", "md5": md5, "storage_uri": f"s3://{BUCKET}/{key}"},
        "serving_image": image,
    }
    (repo / "deploy/staging.yaml").write_text(yaml.safe_dump(pin), encoding="utf-8")
    return md5


def answer_smoke(url: str, *bodies: str) -> None:
    """Queue what moto's InvokeEndpoint answers next (one body per new request)."""
    results = [{"Body": body, "ContentType": "application/json"} for body in bodies]
    request = urllib.request.Request(
        f"{url}/moto-api/static/sagemaker/endpoint-results",
        data=json.dumps({"results": results}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


def deploy(
    url: str, repo: Path, endpoint: str | None = ENDPOINT, instance_type: str = "ml.m5.large"
) -> subprocess.CompletedProcess[str]:
    """``python -m <pkg>.managed deploy staging`` as CD runs it (``endpoint`` None: the
    repository's own endpoint name, from its slug)."""
    env = {
        "PYTHONPATH": str(repo / "src"),
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "EXECUTION_ROLE_ARN": ROLE,
        "INSTANCE_TYPE": instance_type,
        "ENDPOINT": endpoint or "",
    }
    return run([sys.executable, "-m", "my_ml_project.managed", "deploy", "staging"], repo, env)


def state(url: str, name: str = ENDPOINT) -> tuple[str, list[str], list[str], list[str]]:
    """The endpoint's config, its variants' models, and every model and config that exists."""
    sm = client(url, "sagemaker")
    endpoint = sm.describe_endpoint(EndpointName=name)
    config = sm.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    models = sorted(m["ModelName"] for m in sm.list_models()["Models"])
    configs = sorted(c["EndpointConfigName"] for c in sm.list_endpoint_configs()["EndpointConfigs"])
    served = [v["ModelName"] for v in config["ProductionVariants"]]
    return endpoint["EndpointConfigName"], served, models, configs


def name(
    md5: str, prefix: str = ENDPOINT, image: str = IMAGE, kind: str = "ml.m5.large", **more: int
) -> str:
    """The name of the release of ``md5`` served by ``image`` on ``kind`` instances (and
    ``count``, ``capture``): its model's and its config's."""
    return f"{prefix}-{release_id(md5, image, kind, 'aws', **more)}"


def deployed(url: str, repo: Path, payload: bytes) -> str:
    """A first deploy of ``payload`` that succeeds; the model's (and config's) name."""
    md5 = publish(url, repo, payload)
    answer_smoke(url, json.dumps(GOOD))
    assert deploy(url, repo).returncode == 0
    return name(md5)


def replaces(url: str, repo: Path, old: str, new: str, kind: str = "ml.m5.large") -> None:
    """A deploy (on ``kind`` instances) with a good smoke answer moves the endpoint from
    ``old`` to ``new`` alone and deletes what ``new`` replaced."""
    answer_smoke(url, json.dumps(GOOD))
    done = deploy(url, repo, instance_type=kind)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        f"deleted endpoint config {old}",
        f"deleted endpoint config {new}-canary",
        f"deleted model {old}",
        f"{ENDPOINT} serves {new}",
    ]
    assert state(url) == (new, [new], [new], [new])


def test_rollout_replaces_deletes_and_rolls_back(moto: str, render: Render, tmp_path: Path) -> None:
    repo = copy_repo(render(cloud="aws", deploy_target="managed"), tmp_path / "repo")
    first = publish(moto, repo, b"model one")
    answer_smoke(moto, json.dumps(GOOD))
    done = deploy(moto, repo)
    assert done.returncode == 0, done.stdout + done.stderr
    a = name(first)
    assert done.stdout.splitlines() == [f"{ENDPOINT} serves {a}"]
    assert state(moto) == (a, [a], [a], [a])
    sm = client(moto, "sagemaker")
    capture = sm.describe_endpoint_config(EndpointConfigName=a)["DataCaptureConfig"]
    # staging's own folder: the drift window of one environment never holds another's
    assert capture["DestinationS3Uri"] == f"s3://{BUCKET}/monitoring/sagemaker/staging"
    assert capture["InitialSamplingPercentage"] == 100 and capture["EnableCapture"] is True
    container = sm.describe_model(ModelName=a)["PrimaryContainer"]
    assert container["Image"] == IMAGE
    # The server refuses a staged file whose md5 is not the pin's (serve/pinned.py).
    assert container["Environment"] == {
        "MLSERVER_MODEL_URI": "/opt/ml/model/model.joblib",
        "MODEL_VERSION": first,
    }
    source = container["ModelDataSource"]["S3DataSource"]
    assert source["S3Uri"] == f"s3://{BUCKET}/serving/{first}/"
    staged = client(moto, "s3").get_object(Bucket=BUCKET, Key=f"serving/{first}/model.joblib")
    assert staged["Body"].read() == b"model one"

    second = publish(moto, repo, b"model two")
    b = name(second)
    replaces(moto, repo, a, b)

    third = publish(moto, repo, b"model three")
    answer_smoke(moto, "<html>502 Bad Gateway</html>")
    done = deploy(moto, repo)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [f"smoke request failed: rolling {ENDPOINT} back to {b}"]
    assert done.stderr.startswith(
        "::error::deploy staging: the smoke request got no v2 answer: JSONDecodeError("
    )
    assert name(third) not in str(state(moto))
    assert state(moto) == (b, [b], [b], [b])


def test_a_model_whose_md5_differs_from_the_pin_is_refused(
    moto: str, render: Render, tmp_path: Path
) -> None:
    repo = copy_repo(render(cloud="aws", deploy_target="managed"), tmp_path / "repo")
    md5 = publish(moto, repo, b"the pinned bytes")
    key = f"files/md5/{md5[:2]}/{md5[2:]}"
    client(moto, "s3").put_object(Bucket=BUCKET, Key=key, Body=b"tampered")
    done = deploy(moto, repo)
    assert done.returncode == 1
    found = hashlib.md5(b"tampered").hexdigest()
    assert done.stderr == (
        f"::error::deploy staging: the fetched model has md5 {found}, the pin names {md5}\n"
    )


# 60 characters: "<slug>-staging" is 68, over SageMaker's 63 for every name it needs.
LONG_SLUG = "customer-churn-propensity-model-for-retail-banking-europe-x1"
SAGEMAKER_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}\Z")


@pytest.fixture
def own_moto() -> Iterator[str]:
    """A moto of this test's own (``state`` lists every model and config there is)."""
    with moto_s3(BUCKET, "tests.cdct.moto_sagemaker") as url:
        yield url


def test_a_long_slug_gives_names_sagemaker_takes_the_same_on_every_run(
    own_moto: str, render: Render, tmp_path: Path
) -> None:
    """The endpoint, model and config names are cut and carry a short hash of the whole
    name (moto_sagemaker refuses what AWS refuses); a second run finds the same names."""
    moto = own_moto
    assert len(LONG_SLUG) == 60
    answers = {"project_slug": LONG_SLUG, "package_name": "my_ml_project"}
    answers["dvc_remote_url"] = f"s3://{BUCKET}"  # the default, <slug>-dvc, is 64: too long
    rendered = render(cloud="aws", deploy_target="managed", **answers)
    repo = copy_repo(rendered, tmp_path / "repo")
    full = f"{LONG_SLUG}-staging"
    endpoint = f"{full[:54]}-{hashlib.sha256(full.encode()).hexdigest()[:8]}"
    # the model's names: the endpoint's, cut to 43 (room for "-<md5 12>-canary")
    version = f"{endpoint[:34]}-{hashlib.sha256(endpoint.encode()).hexdigest()[:8]}"
    first = publish(moto, repo, b"long model one")
    answer_smoke(moto, json.dumps(GOOD))
    done = deploy(moto, repo, endpoint=None)
    assert done.returncode == 0, done.stdout + done.stderr
    a = name(first, version)
    assert done.stdout.splitlines() == [f"{endpoint} serves {a}"]
    assert state(moto, endpoint) == (a, [a], [a], [a])
    second = publish(moto, repo, b"long model two")
    answer_smoke(moto, json.dumps(GOOD))
    done = deploy(moto, repo, endpoint=None)
    assert done.returncode == 0, done.stdout + done.stderr
    b = name(second, version)
    assert done.stdout.splitlines()[-1] == f"{endpoint} serves {b}"
    assert state(moto, endpoint) == (b, [b], [b], [b])
    again = deploy(moto, repo, endpoint=None)
    assert again.stdout.splitlines() == [f"{endpoint} already serves {b}"]
    names = [endpoint, b, f"{b}-canary"]
    assert [n for n in names if len(n) > 63 or not SAGEMAKER_NAME.match(n)] == []
    assert len(f"{b}-canary") == 63


@pytest.fixture
def small_quota_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto of this test's own whose account may run one endpoint instance in all."""
    monkeypatch.setenv("MOTO_SAGEMAKER_INSTANCE_QUOTA", "1")
    with moto_s3(BUCKET, "tests.cdct.moto_sagemaker") as url:
        yield url


def test_a_refused_canary_update_leaves_nothing_behind(
    small_quota_moto: str, render: Render, tmp_path: Path
) -> None:
    """UpdateEndpoint to the canary config fails (the old and the new variant need two
    instances, the quota is one): the endpoint keeps its config and the new model and
    its configs are deleted at once, not left for the next run."""
    moto = small_quota_moto
    repo = copy_repo(render(cloud="aws", deploy_target="managed"), tmp_path / "repo")
    a = deployed(moto, repo, b"quota model one")
    second = publish(moto, repo, b"quota model two")
    done = deploy(moto, repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines() == [f"the canary update failed: rolling {ENDPOINT} back to {a}"]
    assert done.stderr == (
        "::error::deploy staging: An error occurred (ResourceLimitExceeded) when calling the"
        " UpdateEndpoint operation: The account-level service limit 'ml.m5.large for endpoint"
        " usage' is 1 Instances, with current utilization of 0 Instances and a request delta"
        " of 2 Instances. Please use AWS Service Quotas to request an increase.\n"
    )
    assert state(moto) == (a, [a], [a], [a])
    assert name(second) not in str(state(moto))


@pytest.fixture(params=[1, 2], ids=["canary-update", "final-update"])
def failing_update_moto(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, int]]:
    """A moto of this test's own where the n-th UpdateEndpoint (1: to the canary config,
    2: to the new model's config) is accepted and then fails, as SageMaker reports it: the
    endpoint InService on its previous config, with a FailureReason."""
    monkeypatch.setenv("MOTO_SAGEMAKER_FAILING_UPDATES", str(request.param))
    with moto_s3(BUCKET, "tests.cdct.moto_sagemaker") as url:
        yield url, request.param


def test_an_update_that_fails_after_it_started_rolls_back(
    failing_update_moto: tuple[str, int], render: Render, tmp_path: Path
) -> None:
    """UpdateEndpoint returns, and the endpoint comes back InService on the config it had:
    the rollout names the config it wanted and the one it found, rolls the endpoint back
    to the old model alone, deletes the new resources and exits 1 (never "serves"); a
    retry with the same pin then goes through."""
    moto, failing = failing_update_moto
    repo = copy_repo(render(cloud="aws", deploy_target="managed"), tmp_path / "repo")
    a = deployed(moto, repo, b"failing update model one")
    second = publish(moto, repo, b"failing update model two")
    answer_smoke(moto, json.dumps(GOOD))
    done = deploy(moto, repo)
    b = name(second)
    step, wanted, found = {
        1: ("the canary update", f"{b}-canary", a),
        2: ("the update to the new model", b, f"{b}-canary"),
    }[failing]
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines() == [f"{step} failed: rolling {ENDPOINT} back to {a}"]
    assert done.stderr == (
        f"::error::deploy staging: endpoint {ENDPOINT} is InService on config {found},"
        f" not {wanted}: Failed to update the endpoint to '{wanted}': the primary container"
        " for production variant did not pass the ping health check.\n"
    )
    assert state(moto) == (a, [a], [a], [a])
    replaces(moto, repo, a, b)  # the next run gets through (the reason left is stale)


OTHER_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve@sha256:" + "cd" * 32


def set_param(repo: Path, old: str, new: str) -> None:
    params = repo / "params.yaml"
    text = params.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    params.write_text(text.replace(old, new), encoding="utf-8")


def test_a_new_image_or_deploy_setting_is_a_new_release_rolled_out_as_a_model_is(
    own_moto: str, render: Render, tmp_path: Path
) -> None:
    """The same model with another serving image, capture share, instance type or count
    is a new release: a weight-0 variant, a smoke request, all traffic, the old deleted.
    The same model, image and settings again is left alone."""
    moto = own_moto
    repo = copy_repo(render(cloud="aws", deploy_target="managed"), tmp_path / "repo")
    md5 = hashlib.md5(b"one model").hexdigest()
    a = deployed(moto, repo, b"one model")
    sm = client(moto, "sagemaker")

    publish(moto, repo, b"one model", OTHER_IMAGE)  # the image alone changes
    b = name(md5, image=OTHER_IMAGE)
    replaces(moto, repo, a, b)
    assert sm.describe_model(ModelName=b)["PrimaryContainer"]["Image"] == OTHER_IMAGE

    set_param(repo, "capture_percent: 100", "capture_percent: 25")  # a setting alone
    c = name(md5, image=OTHER_IMAGE, capture=25)
    replaces(moto, repo, b, c)
    capture = sm.describe_endpoint_config(EndpointConfigName=c)["DataCaptureConfig"]
    assert capture["InitialSamplingPercentage"] == 25

    set_param(repo, "instance_count: 1", "instance_count: 2")
    d = name(md5, image=OTHER_IMAGE, kind="ml.c5.xlarge", capture=25, count=2)
    replaces(moto, repo, c, d, kind="ml.c5.xlarge")
    (variant,) = sm.describe_endpoint_config(EndpointConfigName=d)["ProductionVariants"]
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.c5.xlarge", 2)

    again = deploy(moto, repo, instance_type="ml.c5.xlarge")
    assert (again.returncode, again.stdout) == (0, f"{ENDPOINT} already serves {d}\n")
    assert state(moto) == (d, [d], [d], [d])
    answer_smoke(moto, json.dumps(GOOD))
    moved = deploy(moto, repo)  # the instance type back: a new release again
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert moved.stdout.splitlines()[-1] == (
        f"{ENDPOINT} serves {name(md5, image=OTHER_IMAGE, capture=25, count=2)}"
    )


def test_a_bad_deploy_setting_is_refused_naming_it(
    moto: str, render: Render, tmp_path: Path
) -> None:
    repo = copy_repo(render(cloud="aws", deploy_target="managed"), tmp_path / "repo")
    publish(moto, repo, b"settings model")
    for old, new, message in [
        ("instance_count: 1", "instance_count: 0", "endpoint.instance_count is 0, not a whole number 1 or more"),
        ("capture_percent: 100", "capture_percent: '50'", "monitoring.capture_percent is '50', not a whole number 0 to 100"),
    ]:  # fmt: skip
        set_param(repo, old, new)
        done = deploy(moto, repo)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == f"::error::deploy staging: params.yaml: {message}\n"
        set_param(repo, new, old)
