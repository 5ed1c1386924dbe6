"""## What it does
Reports a dependency manifest with no lock file beside it: a
`requirements*.in` without its compiled `.txt`/`.lock`, or a `pyproject.toml`
that declares dependencies without a lock beside it: `uv.lock`, `poetry.lock`,
`pdm.lock`, `pixi.lock`, `conda-lock.yml`, `Pipfile.lock` or a compiled
requirements lock.

A library is left alone: a `pyproject.toml` with a `[build-system]`, a
`[project]` name and only ranges as dependencies, and no Dockerfile, compose
file, `dvc.yaml` or `Procfile` beside it. It is installed into other people's
environments, where their lock pins it; a lock of its own pins nothing anyone
installs.

## Why is this bad
Ranges such as `numpy>=1.26` resolve to whatever is newest on the day of the
install. Two runs of the same commit then train with different libraries, and
a model cannot be traced to the code that made it.

## Example
```text
# requirements.in, and no requirements.lock next to it
numpy>=1.26
scikit-learn>=1.5
```

## Fix
Compile a lock and commit it, for example
`uv pip compile requirements.in --generate-hashes -o requirements.lock`,
`uv lock` or `poetry lock`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.pydeps_project import manifests

CODE = "PY001"
NAME = "missing-lock-file"
FAMILY = "python-dependencies"
SUMMARY = "A dependency manifest has no lock file"
VIEWS: tuple[str, ...] = ("pydeps",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each manifest with dependencies needs a lock."""
    del options
    for manifest in manifests(project):
        if manifest.lock is None and not manifest.library:
            count = len(manifest.requirements)
            noun = "dependency" if count == 1 else "dependencies"
            pronoun = "it" if count == 1 else "them"
            message = (
                f"{manifest.path} declares {count} {noun} but no lock file pins {pronoun}; "
                "compile one (uv pip compile, uv lock, poetry lock)"
            )
            yield Finding(manifest.path, manifest.line, 1, CODE, message)
