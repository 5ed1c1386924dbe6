"""Registries for the serve-image.yml tests: moto's ECR with the real AWS CLI, and a stub
``docker`` that plays the registry for the clouds that cannot run here (Artifact Registry,
ACR) or pushes into moto's ECR (no Docker engine runs here)."""

from __future__ import annotations

import sys
from pathlib import Path

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


def boto_args(credentials: dict[str, str]) -> dict[str, str]:
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
