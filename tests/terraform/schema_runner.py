"""The upstream runner module's outputs at the pinned commit: which values are lists.

``module.runners.runners.role_runner`` is the whole ``aws_iam_role.runner``
resource, which upstream creates with ``count``: a list, whatever one instance's
attributes are. This reads the module's two ``outputs.tf`` files and the resource
blocks they point at, straight from a git checkout at the commit that
``terraform/modules/aws-gpu-runners`` pins.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CALLER = REPO_ROOT / "terraform" / "modules" / "aws-gpu-runners" / "main.tf"
SOURCE = re.compile(
    r'source\s*=\s*"git::(https://github\.com/([\w.-]+/[\w.-]+?))\.git\?ref=([0-9a-f]{40})"'
)
OUTPUT = re.compile(r'^output "(\w+)" \{\n(.*?)^\}', re.MULTILINE | re.DOTALL)
ENTRY = re.compile(r"^\s{4}(\w+)\s+=\s+(.+)$", re.MULTILINE)
RESOURCE = re.compile(r'^resource "(\w+)" "(\w+)" \{\n(.*?)^\}', re.MULTILINE | re.DOTALL)
MULTIPLE = re.compile(r"^\s{2}(count|for_each)\s+=", re.MULTILINE)
SUBMODULE = re.compile(r"^module\.runners\.(\w+)(?:\.(\w+))?$")
DIRECT = re.compile(r"^(aws_\w+)\.(\w+)$")


def git(git_dir: Path, *args: str) -> str:
    command = ["git", f"--git-dir={git_dir}", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pinned() -> tuple[str, str]:
    """(``owner/name``, commit) that the aws-gpu-runners module pins."""
    match = SOURCE.search(CALLER.read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"{CALLER}: no git source pinned by commit")
    return match.group(2), match.group(3)


def resources(git_dir: Path, commit: str, folder: str) -> dict[str, dict[str, str]]:
    """Resource blocks of one module folder: ``type.name`` -> how many and its arguments."""
    found: dict[str, dict[str, str]] = {}
    for path in git(git_dir, "ls-tree", "--name-only", commit, f"{folder}/").split():
        if path.endswith(".tf"):
            for kind, name, body in RESOURCE.findall(git(git_dir, "show", f"{commit}:{path}")):
                multiple = MULTIPLE.search(body)
                found[f"{kind}.{name}"] = {
                    "multiple": multiple.group(1) if multiple else "",
                    "body": body,
                }
    return found


def outputs(git_dir: Path, commit: str, path: str) -> dict[str, str]:
    text = git(git_dir, "show", f"{commit}:{path}")
    return dict(OUTPUT.findall(text))


def describe(
    expression: str, sub: dict[str, str], inner: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """What one ``runners`` entry is: a list (resource with count/for_each) or one value."""
    match = SUBMODULE.match(expression.strip())
    if match is None:
        return {"list": False, "source": expression.strip()}
    value = re.search(r"value\s+=\s+(.+)", sub.get(match.group(1), ""))
    target = value.group(1).strip() if value else ""
    direct = DIRECT.match(target)
    resource = inner.get(target) if direct else None
    described: dict[str, Any] = {"source": f"modules/runners output {match.group(1)} = {target}"}
    if resource is not None and match.group(2) is None:
        described["list"] = bool(resource["multiple"])
        if resource["multiple"]:
            described["because"] = f"{target} has {resource['multiple']}"
    elif resource is not None:
        described["list"] = False
        argument = re.search(rf"^\s+{match.group(2)}\s+=\s+(.+)$", resource["body"], re.MULTILINE)
        if argument:
            described["configured_as"] = argument.group(1).strip()
    else:
        described["list"] = False
    return described


def runner_module_outputs(git_dir: Path) -> dict[str, Any]:
    repository, commit = pinned()
    sub = outputs(git_dir, commit, "modules/runners/outputs.tf")
    inner = resources(git_dir, commit, "modules/runners")
    root = outputs(git_dir, commit, "outputs.tf")
    entries = {name: describe(expr, sub, inner) for name, expr in ENTRY.findall(root["runners"])}
    webhook = dict(ENTRY.findall(root["webhook"]))
    return {
        f"{repository}@{commit}": {
            "outputs": {
                "runners": {"object": dict(sorted(entries.items()))},
                "webhook": {"object": {name: {"list": False} for name in sorted(webhook)}},
            }
        }
    }
