"""## What it does
Reports a step that uses a setup action without any of the inputs that choose
the tool's version: `astral-sh/setup-uv` without `version` or `version-file`
(and no `required-version` in `uv.toml` or `pyproject.toml`),
`iterative/setup-dvc` without `version`, `hashicorp/setup-terraform` without
`terraform_version`, `actions/setup-node` without `node-version` or
`node-version-file`, `actions/setup-go` without `go-version` or
`go-version-file`, and the setup actions of OpenTofu, Packer, TFLint,
kubectl, Helm, Bun, gcloud, SAM and just.

## Why is this bad
With no version these actions install the newest release on every run (or,
for Node and Go, whatever the runner image carries this month). The same
commit then builds, tests and trains with a different tool tomorrow, and a
pinned lock or a `dvc.lock` may stop being readable without any change.

## Example
```yaml
- uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc  # v6.4.3
- uses: iterative/setup-dvc@4bdfd2b0f6f1ad7e08afadb03b1a895c352a5239  # v2.0.0
```

## Fix
Name the exact version, and let Renovate or Dependabot move it:
```yaml
- uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc  # v6.4.3
  with:
    version: 0.8.13
- uses: iterative/setup-dvc@4bdfd2b0f6f1ad7e08afadb03b1a895c352a5239  # v2.0.0
  with:
    version: 3.59.1
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.rules._gha import GHA_VIEWS, view_steps

CODE = "GHA007"
NAME = "setup-without-version"
FAMILY = "github-actions"
SUMMARY = "A setup action is used without a version, so each run installs the newest"
VIEWS = (*GHA_VIEWS, "toml")

NEWEST = "installs the newest {tool} on every run"
RUNNER = "takes whatever {tool} the runner image carries"
# Setup action: (the tool, the inputs that choose its version, what it takes without one).
SETUP_ACTIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "astral-sh/setup-uv": ("uv", ("version", "version-file"), NEWEST),
    "iterative/setup-dvc": ("dvc", ("version",), NEWEST),
    "hashicorp/setup-terraform": ("terraform", ("terraform_version",), NEWEST),
    "opentofu/setup-opentofu": ("tofu", ("tofu_version",), NEWEST),
    "hashicorp/setup-packer": ("packer", ("version",), NEWEST),
    "terraform-linters/setup-tflint": ("tflint", ("tflint_version",), NEWEST),
    "azure/setup-kubectl": ("kubectl", ("version",), NEWEST),
    "azure/setup-helm": ("helm", ("version",), NEWEST),
    "oven-sh/setup-bun": ("bun", ("bun-version", "bun-version-file"), NEWEST),
    "google-github-actions/setup-gcloud": ("gcloud", ("version",), NEWEST),
    "aws-actions/setup-sam": ("sam", ("version",), NEWEST),
    "extractions/setup-just": ("just", ("just-version",), NEWEST),
    "actions/setup-node": ("node", ("node-version", "node-version-file"), RUNNER),
    "actions/setup-go": ("go", ("go-version", "go-version-file"), RUNNER),
}
# setup-uv takes the version that uv.toml or pyproject.toml require.
UV_CONFIGS = ("uv.toml", "pyproject.toml")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    uv_required = _uv_required(project)
    for kind in GHA_VIEWS:
        for path, line, column, action in project.each_file(
            kind, "setup-without-version", _unversioned, needle="setup"
        ):
            if action == "astral-sh/setup-uv" and uv_required:
                continue
            tool, inputs, fallback = SETUP_ACTIONS[action]
            takes = fallback.format(tool=tool)
            message = (
                f"{action} has no {' or '.join(inputs)} input, so it {takes}; "
                f"set {inputs[0]} to an exact version"
            )
            yield Finding(path, line, column, CODE, message)


def _unversioned(view: Any, text: str) -> list[tuple[str, int, int, str]]:
    """The setup steps of one file that give none of their version inputs."""
    del text
    found = []
    for step in view_steps(view):
        action = str(step.uses).split("@", 1)[0].lower() if step.uses is not None else ""
        if action in SETUP_ACTIONS and step.uses is not None:
            inputs = SETUP_ACTIONS[action][1]
            if not any(name in step.with_ for name in inputs):
                found.append((view.path, step.uses.line, step.uses.col, action))
    return found


def _uv_required(project: Project) -> bool:
    """Whether a top-level ``uv.toml`` or ``pyproject.toml`` sets uv's ``required-version``."""
    for path in project.files_of("toml"):
        if path in UV_CONFIGS and "required-version" in (project.text(path) or ""):
            return True
    return False
