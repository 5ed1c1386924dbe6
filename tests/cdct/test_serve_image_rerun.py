"""Re-running serve-image.yml for a commit whose image is already pushed succeeds and records
that image's digest, on every cloud.

The build step's own shell runs. ECR is moto's (on 127.0.0.1, with immutable tags as the
Terraform module sets them) and ``aws`` is the real AWS CLI, installed from PyPI in a
virtual environment of its own; ``docker`` cannot run here (no engine), so a stub stands in
for it: its push puts a new manifest into moto's ECR, as a rebuild would. For Artifact
Registry and ACR, which cannot run here, the stub also plays the registry (a JSON file):
immutable tags for Artifact Registry, tags that move for ACR, and ``buildx imagetools
inspect`` answering "not found" for a missing tag.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.cdct.conftest import Render, copy_repo, git
from tests.cdct.workflow_steps import Ran, job_steps, run_step
from tests.terraform.aws_local import moto_server
from tests.venvs import bin_path, make_venv

STEP = "Build (and push, once the registry is set)"
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-project-serve"
REGISTRY = {
    "gcp": "us-central1-docker.pkg.dev/p/serve/my-ml-project-serve",
    "azure": "myregistry.azurecr.io/my-ml-project-serve",
}
FREEZE = "numpy==2.0.0\nscikit-learn==1.5.2\n"
AWS_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}

# ``docker`` against moto's ECR: a build pushes a manifest that no earlier build made (a
# rebuild's digest differs); ``run`` pulls by digest, so an unknown digest fails.
DOCKER_ECR = """#!{python}
import json, os, sys, uuid
import boto3

args = sys.argv[1:]
ecr = boto3.client("ecr", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
log = os.path.join(os.environ["STUBS"], "docker.log")
with open(log, "a") as handle:
    handle.write(" ".join(args[:2]) + "\\n")
if args[:2] == ["buildx", "build"]:
    ref = args[args.index("--tag") + 1]
    repository, tag = ref.split("/", 1)[1].rsplit(":", 1)
    layer = {{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 1,
              "digest": "sha256:" + uuid.uuid4().hex * 2}}
    manifest = {{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "config": layer, "layers": [layer]}}
    try:
        image = ecr.put_image(repositoryName=repository, imageTag=tag,
                              imageManifest=json.dumps(manifest))["image"]
    except ecr.exceptions.ClientError as error:
        sys.exit(f"ERROR: failed to push {{ref}}: {{error}}")
    with open(args[args.index("--metadata-file") + 1], "w") as handle:
        json.dump({{"containerimage.digest": image["imageId"]["imageDigest"]}}, handle)
elif args[0] == "run":
    ref = next(a for a in args if "@sha256:" in a)
    name, digest = ref.split("@")
    found = ecr.batch_get_image(repositoryName=name.split("/", 1)[1],
                                imageIds=[{{"imageDigest": digest}}])
    if not found["images"]:
        sys.exit(f"docker: Error response from daemon: manifest unknown: {{ref}}")
    sys.stdout.write({freeze!r})
else:
    sys.exit("docker stub: unexpected " + " ".join(args))
"""

# ``docker`` with the registry in a JSON file (tag -> digest): ``mutable`` tags move on a
# push (ACR), otherwise a push of an existing tag is refused (Artifact Registry).
DOCKER_FILE_REGISTRY = """#!{python}
import json, os, sys, uuid

args = sys.argv[1:]
stubs = os.environ["STUBS"]
with open(os.path.join(stubs, "docker.log"), "a") as handle:
    handle.write(" ".join(args[:2]) + "\\n")
path = os.path.join(stubs, "registry.json")
tags = json.load(open(path)) if os.path.exists(path) else {{}}
if os.environ.get("REGISTRY_DOWN"):
    sys.exit("ERROR: unexpected status from HEAD request: 401 Unauthorized")
if args[:3] == ["buildx", "imagetools", "inspect"]:
    ref = args[3]
    if ref not in tags:
        sys.exit(f"ERROR: {{ref}}: not found")
    print(json.dumps({{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "digest": tags[ref], "size": 1}}))
elif args[:3] == ["buildx", "imagetools", "create"]:
    ref, source = args[args.index("--tag") + 1], args[-1]
    digest = source.split("@")[1]
    if digest not in tags.values() or (ref in tags and not {mutable}):
        sys.exit(f"ERROR: cannot tag {{source}} as {{ref}}")
    tags[ref] = digest
    json.dump(tags, open(path, "w"))
elif args[:2] == ["buildx", "build"]:
    ref = args[args.index("--tag") + 1]
    if ref in tags and not {mutable}:
        sys.exit(f"ERROR: failed to push {{ref}}: tag invalid: the tag is immutable")
    tags[ref] = "sha256:" + uuid.uuid4().hex * 2
    json.dump(tags, open(path, "w"))
    with open(args[args.index("--metadata-file") + 1], "w") as handle:
        json.dump({{"containerimage.digest": tags[ref]}}, handle)
elif args[0] == "run":
    ref = next(a for a in args if "@sha256:" in a)
    if ref.split("@")[1] not in tags.values():
        sys.exit(f"docker: Error response from daemon: manifest unknown: {{ref}}")
    sys.stdout.write({freeze!r})
else:
    sys.exit("docker stub: unexpected " + " ".join(args))
"""


@pytest.fixture(scope="session")
def aws_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the real AWS CLI, installed from PyPI in a venv of its own."""
    python = make_venv(tmp_path_factory.mktemp("awscli") / "venv", "awscli==1.46.2")
    return bin_path(python.parent.parent, "aws").parent


@pytest.fixture
def ecr() -> Iterator[str]:
    """moto's server with the serving repository, immutable tags as the module makes it."""
    with moto_server() as endpoint:
        client = boto3.client("ecr", endpoint_url=endpoint, **_boto(AWS_CREDENTIALS))
        client.create_repository(
            repositoryName="my-ml-project-serve", imageTagMutability="IMMUTABLE"
        )
        yield endpoint


def _boto(credentials: dict[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": credentials["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": credentials["AWS_SECRET_ACCESS_KEY"],
        "region_name": credentials["AWS_DEFAULT_REGION"],
    }


def stubs(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "stubs"
    folder.mkdir(exist_ok=True)
    docker = folder / "docker"
    docker.write_text(text.format(python=sys.executable, freeze=FREEZE), encoding="utf-8")
    docker.chmod(0o755)
    return folder


def build(repo: Path, env: dict[str, str], prefix: str = "") -> Ran:
    step = job_steps(repo / ".github/workflows/serve-image.yml", "build")[STEP]
    expressions = {
        "vars.SERVING_IMAGE_REPOSITORY": env["REPOSITORY_VALUE"],
        "github.event_name == 'pull_request' && format('pr-{0}-', "
        "github.event.pull_request.number) || ''": prefix,
    }
    return run_step(step, repo, env, repo.parent / "runner-temp", expressions)


def pushes(folder: Path) -> int:
    log = (folder / "docker.log").read_text(encoding="utf-8").splitlines()
    return log.count("buildx build")


@pytest.mark.slow
def test_a_rerun_on_ecr_records_the_pushed_image_and_pushes_nothing(
    render: Render, tmp_path: Path, aws_cli: Path, ecr: str
) -> None:
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    folder = stubs(tmp_path, DOCKER_ECR)
    env = {
        **AWS_CREDENTIALS,
        "AWS_ENDPOINT_URL": ecr,
        "PATH": f"{folder}:{aws_cli}:/usr/bin:/bin",
        "STUBS": str(folder),
        "REPOSITORY_VALUE": ECR,
    }
    first = build(repo, env)
    assert first.returncode == 0, first.stderr
    image = first.outputs["image"]
    assert image.startswith(f"{ECR}@sha256:")
    assert first.outputs["framework"] == "scikit-learn==1.5.2"

    again = build(repo, env)  # the re-run: the tag is there, immutable
    assert again.returncode == 0, again.stderr
    assert again.outputs == first.outputs
    assert pushes(folder) == 1
    assert again.summary.splitlines()[0] == (
        f"`{ECR}:{head(repo)}` was pushed by an earlier run: its digest is recorded,"
        " nothing is pushed"
    )

    other = build(repo, env, prefix="pr-7-")  # another tag: a build of its own
    assert other.returncode == 0, other.stderr
    assert other.outputs["image"] != image
    assert pushes(folder) == 2


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_a_rerun_records_the_pushed_image_and_pushes_nothing(
    render: Render, tmp_path: Path, cloud: str
) -> None:
    """Artifact Registry would refuse the second push (immutable tags); ACR would move the
    tag to a rebuilt image and later expire the pinned one, left untagged."""
    repo = copy_repo(render(cloud=cloud), tmp_path / "repo")
    mutable = cloud == "azure"
    folder = stubs(tmp_path, DOCKER_FILE_REGISTRY.replace("{mutable}", str(mutable)))
    env = {"PATH": f"{folder}:/usr/bin:/bin", "STUBS": str(folder)}
    env["REPOSITORY_VALUE"] = REGISTRY[cloud]
    first = build(repo, env)
    assert first.returncode == 0, first.stderr
    again = build(repo, env)
    assert again.returncode == 0, again.stderr
    assert again.outputs == first.outputs
    assert pushes(folder) == 1
    tags = json.loads((folder / "registry.json").read_text(encoding="utf-8"))
    assert tags == {f"{REGISTRY[cloud]}:{head(repo)}": first.outputs["image"].split("@")[1]}


def test_a_registry_that_cannot_be_asked_fails_the_build_before_any_push(
    render: Render, tmp_path: Path
) -> None:
    repo = copy_repo(render(cloud="azure"), tmp_path / "repo")
    folder = stubs(tmp_path, DOCKER_FILE_REGISTRY.replace("{mutable}", "True"))
    env = {"PATH": f"{folder}:/usr/bin:/bin", "STUBS": str(folder), "REGISTRY_DOWN": "1"}
    env["REPOSITORY_VALUE"] = REGISTRY["azure"]
    ran = build(repo, env)
    assert (ran.returncode, ran.stderr) == (
        1,
        "ERROR: unexpected status from HEAD request: 401 Unauthorized\n",
    )
    assert (ran.outputs, pushes(folder)) == ({}, 0)


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()
