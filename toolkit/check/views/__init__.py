"""The view kinds: name -> module. Each module has ``match(path)`` and ``parse(path, text)``.

Modules are imported on first use, so a run pays only for the kinds its rules
read. To add a kind, add a module here and one line to :data:`KINDS`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

KINDS: dict[str, str] = {
    "yaml": "toolkit.check.views.yaml_file",
    "toml": "toolkit.check.views.toml_file",
    "workflow": "toolkit.check.views.workflow",
    "action": "toolkit.check.views.action",
    "dockerfile": "toolkit.check.views.dockerfile",
    "precommit": "toolkit.check.views.precommit",
    "dvc_yaml": "toolkit.check.views.dvc_yaml",
    "dvc_lock": "toolkit.check.views.dvc_lock",
    "dvc_file": "toolkit.check.views.dvc_file",
    "params": "toolkit.check.views.params",
    "dvc": "toolkit.check.views.dvc",
    "pydeps": "toolkit.check.views.pydeps",
    "pins": "toolkit.check.views.pins",
}


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
