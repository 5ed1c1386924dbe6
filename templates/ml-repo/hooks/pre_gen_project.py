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
FREE_TEXT_MAX = 200
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
    return []


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
    problems += _pattern("project_slug", text["project_slug"], SLUG, "lower case letters, digits and single dashes, starting with a letter")
    problems += _pattern("package_name", text["package_name"], PACKAGE, "a Python identifier in lower case")
    problems += _shadowing(text["package_name"])
    problems += _pattern("github_owner", text["github_owner"], OWNER, "a GitHub user or organisation name")
    problems += _pattern("region", text["region"], TOKEN, "a region name")
    problems += _pattern("gpu_instance_type", text["gpu_instance_type"], TOKEN, "an instance type")
    problems += _pattern("terraform_module_source", text["terraform_module_source"], MODULE_SOURCE, "a git:: source without a ref")
    problems += _pattern("terraform_module_ref", text["terraform_module_ref"], GIT_REF, "a tag or a 40-hex commit")
    problems += _pattern("mlrig_repository", text["mlrig_repository"], REPOSITORY, "an owner/name repository")
    problems += _remote(text.get("cloud", ""), text["dvc_remote_url"])
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
