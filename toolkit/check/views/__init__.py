"""The view kinds: name -> module. Each module has ``match(path)`` and ``parse(path, text)``.

Modules are imported on first use, so a run pays only for the kinds its rules
read. To add a kind, add a module here and one line to :data:`KINDS`.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType

KINDS: dict[str, str] = {
    "toml": "toolkit.check.views.toml_file",
    "workflow": "toolkit.check.views.workflow",
    "action": "toolkit.check.views.action",
    "dockerfile": "toolkit.check.views.dockerfile",
    "precommit": "toolkit.check.views.precommit",
    "dvc": "toolkit.check.views.dvc",
    "pydeps": "toolkit.check.views.pydeps",
    "tfversions": "toolkit.check.views.tfversions",
    "terraform": "toolkit.check.views.terraform",
    "pins": "toolkit.check.views.pins",
    "runtime": "toolkit.check.views.runtime",
    "kube": "toolkit.check.views.kube",
}


# A necessary condition for each kind, so that a repository without such files
# never imports the view (or the rules that read it). Each must match every path
# the kind's ``match`` accepts; tests/check/test_views.py holds them to it.
HINTS: dict[str, str] = {
    "toml": r"\.toml$",
    "workflow": r"\.github/workflows/[^/]+\.ya?ml$",
    "action": r"(^|/)action\.ya?ml$",
    "dockerfile": r"(?i)(docker|container)file[^/]*$",
    "precommit": r"(^|/)\.pre-commit-config\.ya?ml$",
    "dvc": r"(^|/)(dvc\.yaml|dvc\.lock|\.dvc/config|params[^/]*)$|\.dvc$",
    "pydeps": r"(^|/)(pyproject\.toml|setup\.(py|cfg)|uv\.lock|poetry\.lock|\.python-version)$"
    r"|requirements|constraints[^/]*\.txt$|(^|/)(pdm|Pipfile|pixi)\.lock$|conda-lock\.ya?ml$",
    "tfversions": r"\.(tf|tfvars)$|(^|/)\.terraform-version$",
    "terraform": r"\.tf$|(^|/)\.terraform\.lock\.hcl$",
    "pins": r"(^|/)deploy/",
    "runtime": r"\.gitlab-ci\.yml$|(^|/)\.gitlab/ci/|devcontainer\.json$",
    "kube": r"\.ya?ml$",
}


def hint(kind: str) -> re.Pattern[str] | None:
    """The compiled hint of ``kind`` (``None``: none given, ask the module)."""
    pattern = HINTS.get(kind)
    return re.compile(pattern) if pattern is not None else None


def view_module(kind: str) -> ModuleType:
    """The module that matches and parses files of ``kind``."""
    try:
        name = KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown view kind {kind!r}; known: {', '.join(sorted(KINDS))}") from None
    return importlib.import_module(name)


def basename(path: str) -> str:
    """The last segment of a forward-slash path."""
    return path.rsplit("/", 1)[-1]
