"""Where the template and the Terraform modules are, in a wheel or a checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

from toolkit.errors import MlrigError, UsageError

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


def is_bundled(template: Path) -> bool:
    """Whether ``template`` is one of mlrig's own templates (so its commit is known)."""
    return template.resolve().parent == resource_dir("templates").resolve()


def bundled_template(name: str) -> Path | None:
    """mlrig's own template called ``name``, or ``None`` when there is none."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = resource_dir("templates") / name
    return path if (path / "cookiecutter.json").is_file() else None


def template_dir(name: str = "ml-repo") -> Path:
    """The template that ``--template NAME|PATH`` means: mlrig's own ``NAME``, or a folder.

    A bare name is mlrig's template even when the current folder holds one of that
    name: write ``./NAME`` for the folder.
    """
    path = bundled_template(name) or Path(name).expanduser()
    if not (path / "cookiecutter.json").is_file():
        raise UsageError(
            f"unknown template {name!r}: not one of mlrig's, nor a cookiecutter folder"
        )
    return path


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def template_commit(template: Path) -> str:
    """The commit ``template`` comes from, or ``unknown``.

    mlrig's wheel records it at build time; a template in a git work tree asks git.
    """
    recorded = _BUNDLED / "template_commit"
    if is_bundled(template) and recorded.is_file():
        return recorded.read_text(encoding="ascii").strip() or "unknown"
    commit = _git(template, "rev-parse", "HEAD") or ""
    return commit if len(commit) == 40 else "unknown"


def template_repository(template: Path) -> tuple[Path, str] | None:
    """The git work tree holding ``template`` and the template's path inside it."""
    top = _git(template, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    # A template inside an ignored folder of a work tree (mlrig installed into a
    # .venv in its own clone) has no history there.
    if not _git(template, "ls-files", "--", "cookiecutter.json"):
        return None
    return Path(top), template.resolve().relative_to(Path(top).resolve()).as_posix()
