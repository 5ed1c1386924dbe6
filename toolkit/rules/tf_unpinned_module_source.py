"""## What it does
Checks that every `module` block's `source` is pinned:
- git sources (`git::…`, `github.com/…`, `bitbucket.org/…`, `git@…`) carry
  `?ref=` naming a version tag (`v1.4.0`) or a full 40-hex commit SHA, not a
  branch (`main`, `master`, `develop`) or an abbreviated SHA;
- registry modules (`namespace/name/provider`, optionally on another host)
  carry an exact `version` (`"5.7.1"` or `"= 5.7.1"`);
- archives fetched over `http(s)://`, `s3::` or `gcs::` carry a
  `?checksum=` or a commit SHA in their path;
- local paths (`./`, `../`) are always fine.

## Why is this bad
A module is code that runs with the deployer's credentials. A branch, a
missing ref or a version range gives a different module on each
`terraform init`, so the plan reviewed in a pull request is not what main
applies, and whoever can push to that branch can change your infrastructure.

## Example
```hcl
module "vpc" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=main"
}
module "runner" {
  source  = "terraform-aws-modules/ec2-instance/aws"
  version = "~> 5.0"
}
```

## Fix
```hcl
module "vpc" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=v1.4.0"
}
module "runner" {
  source  = "terraform-aws-modules/ec2-instance/aws"
  version = "5.7.1"
}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.refs import is_sha, is_short_sha, is_version
from toolkit.check.views._tfversion import is_exact
from toolkit.check.views.terraform import ModuleCall
from toolkit.rules._tf import literal

CODE = "TF007"
NAME = "unpinned-module-source"
FAMILY = "terraform"
SUMMARY = "A module source is not pinned to a tag, commit SHA or exact version"
VIEWS = ("terraform",)

_FORCED = re.compile(r"([a-z0-9]+)::(.*)", re.DOTALL)
_GIT_HOSTS = ("github.com/", "bitbucket.org/", "git@")
_REGISTRY = re.compile(r"(?:[\w.-]+\.[a-z]{2,}(?::\d+)?/)?[\w-]+/[\w-]+/[\w-]+(?://.*)?")
_SHA_IN_PATH = re.compile(r"(?<![0-9a-f])[0-9a-f]{40}(?![0-9a-f])")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for view in project.views("terraform"):
        for call in getattr(view, "modules", ()):
            source = literal(call.source)
            if source is None or call.source is None:
                continue
            message = _problem(call, source.strip())
            if message is not None:
                value = call.version if message.startswith("registry") else call.source
                value = value or call.source
                yield Finding(view.path, value.line, value.column, CODE, message)


def _problem(call: ModuleCall, source: str) -> str | None:
    if source.startswith(("./", "../")):
        return None
    forced = _FORCED.fullmatch(source)
    getter, address = (forced.group(1), forced.group(2)) if forced else ("", source)
    if getter in ("git", "hg") or (not getter and address.startswith(_GIT_HOSTS)):
        return _git_problem(call.name, address)
    if getter in ("s3", "gcs", "http", "https") or address.startswith(("http://", "https://")):
        return _archive_problem(call.name, address)
    if not getter and _REGISTRY.fullmatch(address):
        return _registry_problem(call)
    return None


def _query(address: str) -> dict[str, str]:
    query = address.partition("?")[2]
    pairs = (part.partition("=") for part in query.split("&") if part)
    return {key: value for key, _, value in pairs}


def _git_problem(name: str, address: str) -> str | None:
    ref = _query(address).get("ref")
    if ref is None:
        return f"module {name} source has no ?ref=, so it follows the default branch; add one"
    if is_sha(ref) or (is_version(ref) and not is_short_sha(ref)):
        return None
    if is_short_sha(ref):
        return f"module {name} ref {ref} is an abbreviated SHA; use all 40 characters or a tag"
    return f"module {name} ref {ref} is a branch; use a version tag or a commit SHA"


def _archive_problem(name: str, address: str) -> str | None:
    path = address.partition("?")[0]
    if "checksum" in _query(address) or _SHA_IN_PATH.search(path):
        return None
    return (
        f"module {name} is an archive at a URL that can change; "
        "add ?checksum=sha256:... or use a git source at a tag or SHA"
    )


def _registry_problem(call: ModuleCall) -> str | None:
    version = literal(call.version)
    if call.version is None:
        return f"registry module {call.name} has no version; pin one version"
    if version is None or not is_exact(version):
        shown = repr(version) if version is not None else "(an expression)"
        return f"registry module {call.name} version {shown} is not exact; pin one version"
    return None
