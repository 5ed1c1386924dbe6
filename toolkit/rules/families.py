"""The rule families: a title, a code prefix, and which files wake their pre-commit hook.

``files`` is the hook's regular expression (``None``: the family reads files
across the repository, so its hook runs on every commit). ``per_file`` says that
every rule of the family judges each file on its own, so its hook is handed just
the changed files and skips discovering the repository; ``kinds`` are the view
kinds of those files. A rule of such a family that also reads another kind (GHA005
asks whether PY003 already reports a ``-r`` file) judges across files: the
engine runs it on the whole project, and its hook, handed only the family's
files, judges what it was given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass


@dataclass(frozen=True)
class Family:
    """One family of rules."""

    name: str
    title: str
    prefix: str
    files: str | None
    per_file: bool = False
    kinds: tuple[str, ...] = ()


FAMILIES: tuple[Family, ...] = (
    Family(
        "github-actions",
        "GitHub Actions",
        "GHA",
        r"(^|/)(\.github/workflows/[^/]+|action)\.ya?ml$",
        per_file=True,
        kinds=("workflow", "action"),
    ),
    Family(
        "python-dependencies",
        "Python dependencies",
        "PY",
        r"(^|/)(pyproject\.toml|setup\.(py|cfg)|[^/]*requirements[^/]*\.(txt|in|lock)|[^/]*\.lock"
        r"|[^/]*conda-lock\.ya?ml)$",
    ),
    Family(
        "container-images",
        "Container images",
        "IMG",
        r"(^|/)[^/]*([Dd]ockerfile|[Cc]ontainerfile)[^/]*$",
        per_file=True,
        kinds=("dockerfile",),
    ),
    Family(
        "pre-commit",
        "pre-commit",
        "PC",
        r"(^|/)\.pre-commit-config\.ya?ml$",
        per_file=True,
        kinds=("precommit",),
    ),
    Family("terraform", "Terraform", "TF", r"(\.tf|\.tfvars|\.terraform\.lock\.hcl|-version)$"),
    Family("dvc", "DVC", "DVC", None),
    Family("models", "Models and deployment pins", "MOD", None),
    Family("consistency", "Cross-file consistency", "X", None),
    Family("engine", "Engine", "MLR", None),
)


def family(name: str) -> Family:
    """The family called ``name`` (an unknown one gets a plain title and no file filter)."""
    found = next((f for f in FAMILIES if f.name == name), None)
    return found or Family(name, name.replace("-", " ").capitalize(), "", None)
