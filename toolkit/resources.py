"""Where the template and the Terraform modules are, in a wheel or a checkout."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

from toolkit.errors import MlrigError

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_resources"
_CHECKOUT = _PACKAGE.parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``templates`` or ``terraform``) shipped with mlrig."""
    for base in (_BUNDLED, _CHECKOUT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise MlrigError(f"mlrig is installed without its {name}/ folder; reinstall it")


def template_dir(name: str = "ml-repo") -> Path:
    """The cookiecutter template called ``name``."""
    path = resource_dir("templates") / name
    if not (path / "cookiecutter.json").is_file():
        raise MlrigError(f"unknown template {name!r}")
    return path


@cache
def template_commit() -> str:
    """The mlrig commit the template comes from, or ``unknown``.

    A wheel records it at build time; a checkout asks git.
    """
    recorded = _BUNDLED / "template_commit"
    if recorded.is_file():
        return recorded.read_text(encoding="ascii").strip() or "unknown"
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=_CHECKOUT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown"
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and len(commit) == 40 else "unknown"
