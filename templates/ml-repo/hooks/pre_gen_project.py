"""Refuse invalid answers before cookiecutter writes a file.

``mlrig new`` imports :func:`validate` from this file, so plain cookiecutter
and mlrig accept exactly the same answers. Each problem is one line.
"""

from __future__ import annotations

import json
import keyword
import re
import sys

SLUG = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
PACKAGE = re.compile(r"[a-z_][a-z0-9_]*\Z")
OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\Z")
REPOSITORY = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+\Z")
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
GIT_REF = re.compile(r"(?:[0-9a-f]{40}|v?\d+(?:\.\d+){0,2}(?:[-.][A-Za-z0-9.]+)?)\Z")
MODULE_SOURCE = re.compile(r"git::(?:https://|ssh://|git@)[^\s?#]+\Z")
REMOTE_SCHEMES = {"aws": "s3://", "gcp": "gs://", "azure": "azure://"}
REMOTE_BUCKET = re.compile(r"[a-z0-9][a-z0-9._-]{1,61}[a-z0-9](?:/[A-Za-z0-9._/-]*)?\Z")
LOCAL_REMOTE = re.compile(r"[A-Za-z0-9._/~-]+\Z")
# The end of the Azure names that must be unique worldwide: at most 8, so that a
# key vault keeps a letter of the slug before "-kv" and a storage account 24 characters.
AZURE_SUFFIX = re.compile(r"[a-z0-9]{0,8}\Z")
FREE_TEXT_MAX = 200
# The slug names the GitHub repository, whose names take 100 characters. Cloud names
# derived from it are cut to fit by the template (the Terraform name prefixes).
SLUG_MAX = 100
# mlrig's AWS and GCP modules make the bucket's access-log bucket <bucket>-logs, and
# bucket names take 63 characters.
LOGGED_BUCKET_MAX = 63 - len("-logs")
# Each cloud's naming of regions and GPU machine types, as its documentation gives it,
# as patterns rather than lists, so that a region or a GPU family opened after this
# release is accepted. An example of each is shown when an answer does not fit.
DIRECTIONS = "(?:north|south|east|west|central|northeast|northwest|southeast|southwest)"
REGIONS = {
    # <area>[-<partition or country>...]-<direction>-<number>: us-east-1, eu-central-2,
    # ap-southeast-7, us-gov-west-1, eusc-de-east-1
    "aws": (re.compile(r"[a-z]{2,4}(?:-[a-z]{2,5})*-" + DIRECTIONS + r"-[1-9][0-9]?\Z"), "us-east-1"),
    # <continent>-<direction><number>: europe-west4, us-central1, northamerica-northeast2
    "gcp": (re.compile(r"[a-z]{2,15}-[a-z]{4,15}[1-9][0-9]?\Z"), "europe-west4"),
    # one lower-case word, no dashes: westeurope, eastus2, germanywestcentral
    "azure": (re.compile(r"[a-z]{4,30}[0-9]?(?:[a-z]{2,6})?\Z"), "westeurope"),
}
GPU_TYPES = {
    # EC2's GPU families are P and G (and GR): <family><generation>[attributes][-<variant>]
    # .<size>: g5.xlarge, g4dn.12xlarge, p4d.24xlarge, p5en.48xlarge, p6-b200.48xlarge, g5g.metal
    "aws": (
        re.compile(r"(?:p|g|gr)[1-9][0-9]?[a-z]{0,4}(?:-[a-z0-9]{2,8})?\.(?:[0-9]{0,3}x?large|metal(?:-[0-9]+xl)?)\Z"),
        "g5.xlarge",
    ),
    # Compute Engine machine types that carry or take NVIDIA GPUs: accelerator-optimized
    # (a2-highgpu-1g, a3-megagpu-8g, a4x-highgpu-4g, g2-standard-4, g4-standard-48) and N1
    # (n1-standard-8, with a GPU attached)
    "gcp": (
        re.compile(
            r"(?:a[2-9]x?-(?:high|mega|ultra|edge)gpu-[1-9][0-9]?g(?:-[a-z0-9]+)?"
            r"|g[2-9]-standard-[1-9][0-9]{0,2}(?:-[a-z0-9]+)?"
            r"|n1-(?:standard|highmem|highcpu)-[1-9][0-9]{0,2})\Z"
        ),
        "g2-standard-4",
    ),
    # Azure's GPU series are N*: Standard_N<C|D|G|V>[letters]<vCPUs>[features][_<GPU>][_v<n>]:
    # Standard_NC4as_T4_v3, Standard_NC24ads_A100_v4, Standard_ND96isr_H100_v5, Standard_NV36ads_A10_v5
    "azure": (
        re.compile(r"Standard_N[CDGV][A-Z]{0,2}[1-9][0-9]{0,2}[a-z]{0,6}(?:_[A-Z][A-Z0-9]{1,7})?(?:_v[1-9])?\Z"),
        "Standard_NC4as_T4_v3",
    ),
}
# The CUDA that the torch wheel in templates/locks/*-pytorch.txt is built for.
TORCH_CUDA = "12.8"


def _free_text(name: str, value: str) -> list[str]:
    if not value.strip():
        return [f"{name} must not be empty"]
    if len(value) > FREE_TEXT_MAX:
        return [f"{name} is longer than {FREE_TEXT_MAX} characters"]
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return [f"{name} must be one line without control characters"]
    return []


def _pattern(name: str, value: str, pattern: re.Pattern[str], what: str) -> list[str]:
    if pattern.match(value):
        return []
    return [f"{name} {value!r} is not {what}"]


def _shadowing(package: str) -> list[str]:
    """A package named like a keyword cannot be imported; one named like a standard
    library module hides that module."""
    if keyword.iskeyword(package):
        return [f"package_name {package!r} is a Python keyword, so `import {package}` cannot work"]
    if package in sys.stdlib_module_names:
        return [f"package_name {package!r} is the name of a standard library module, which it would shadow"]
    return []


def _remote(cloud: str, url: str) -> list[str]:
    scheme = REMOTE_SCHEMES.get(cloud)
    if scheme is None:
        if "://" in url or not LOCAL_REMOTE.match(url):
            return [f"dvc_remote_url {url!r} must be a local folder when cloud is 'none'"]
        return []
    if not url.startswith(scheme) or not REMOTE_BUCKET.match(url[len(scheme) :]):
        return [f"dvc_remote_url {url!r} must be {scheme}<bucket>[/path] when cloud is {cloud!r}"]
    bucket = url[len(scheme) :].split("/", maxsplit=1)[0]
    if cloud != "azure" and len(bucket) > LOGGED_BUCKET_MAX:
        return [
            f"dvc_remote_url {url!r}: the bucket name has {len(bucket)} characters; at most "
            f"{LOGGED_BUCKET_MAX} leave room for its access-log bucket {bucket}-logs (63 at most)"
        ]
    return []


def _slug(slug: str) -> list[str]:
    if len(slug) > SLUG_MAX:
        return [
            f"project_slug has {len(slug)} characters; GitHub repository names take at most {SLUG_MAX}"
        ]
    return _pattern("project_slug", slug, SLUG, "lower case letters, digits and single dashes, starting with a letter")


def _of_cloud(name: str, value: str, cloud: str, table: dict[str, tuple[re.Pattern[str], str]], what: str) -> list[str]:
    """A region or GPU type named as ``cloud`` names them (any token with no cloud)."""
    if cloud not in table:
        return _pattern(name, value, TOKEN, what)
    pattern, example = table[cloud]
    if pattern.match(value):
        return []
    return [f"{name} {value!r} is not {what} of {cloud} (for example {example})"]


def _natural(value: str) -> list[tuple[int, int | str]]:
    """Natural order (3.10 after 3.9), as the prompts list the choices."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", value)]


def validate(answers: dict[str, object], choices: dict[str, list[str]]) -> list[str]:
    """Every problem with ``answers``; an empty list means they are valid."""
    text = {key: str(value) for key, value in answers.items() if not key.startswith("_")}
    problems: list[str] = []
    for name, options in choices.items():
        if text.get(name) not in options:
            listed = ", ".join(sorted(options, key=_natural))
            problems.append(f"{name} {text.get(name)!r} is not one of: {listed}")
    problems += _free_text("project_name", text["project_name"])
    problems += _free_text("description", text["description"])
    problems += _slug(text["project_slug"])
    problems += _pattern("package_name", text["package_name"], PACKAGE, "a Python identifier in lower case")
    problems += _shadowing(text["package_name"])
    problems += _pattern("github_owner", text["github_owner"], OWNER, "a GitHub user or organisation name")
    cloud = text.get("cloud", "")
    problems += _of_cloud("region", text["region"], cloud, REGIONS, "a region")
    problems += _of_cloud("gpu_instance_type", text["gpu_instance_type"], cloud, GPU_TYPES, "a GPU machine type")
    problems += _pattern("terraform_module_source", text["terraform_module_source"], MODULE_SOURCE, "a git:: source without a ref")
    problems += _pattern("terraform_module_ref", text["terraform_module_ref"], GIT_REF, "a tag or a 40-hex commit")
    problems += _pattern("mlrig_repository", text["mlrig_repository"], REPOSITORY, "an owner/name repository")
    problems += _remote(text.get("cloud", ""), text["dvc_remote_url"])
    problems += _pattern("azure_name_suffix", text.get("azure_name_suffix", ""), AZURE_SUFFIX, "at most 8 lower-case letters or digits")
    if text.get("ml_framework") == "pytorch" and text.get("cuda_version") != TORCH_CUDA:
        problems.append(
            f"cuda_version {text.get('cuda_version')!r}: the locked torch wheel is built for CUDA {TORCH_CUDA}; "
            f"choose {TORCH_CUDA} with pytorch"
        )
    if text.get("deploy_target") == "managed" and text.get("cloud") == "none":
        problems.append("deploy_target 'managed' needs a cloud (aws, gcp or azure); use 'kserve' with cloud 'none'")
    return problems


def main() -> int:
    answers = json.loads(r"""{{ cookiecutter | jsonify }}""")
    original = json.loads(r"""{{ _cookiecutter | default({}) | jsonify }}""")
    choices = {key: value for key, value in original.items() if isinstance(value, list)}
    problems = validate(answers, choices)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C reaches the hook too: the command says it, once
        sys.exit(130)
