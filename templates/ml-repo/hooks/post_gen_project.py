"""Remove the parts of the generated repository that its answers do not need.

Runs in the generated repository (cookiecutter's working directory) with only
the standard library, so plain ``cookiecutter`` and ``mlrig new`` agree.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

CLOUD = "{{ cookiecutter.cloud }}"
DEPLOY_TARGET = "{{ cookiecutter.deploy_target }}"
FRAMEWORK = "{{ cookiecutter.ml_framework }}"

# With no cloud there is no infrastructure to manage.
CLOUD_ONLY = ("terraform", ".github/workflows/infra.yml")
# A managed endpoint is deployed by cd.yml; the GitOps manifests are KServe's.
KSERVE_ONLY = ("deploy/base", "deploy/overlays", "deploy/argocd")
# torch has its own lock, so that jobs which do not train do not install it.
PYTORCH_ONLY = ("requirements-train.in", "requirements-train.txt")


def remove(relative: str) -> None:
    """Delete a file or folder of the generated tree; absent is fine."""
    path = Path(relative)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def main() -> int:
    if CLOUD == "none":
        for relative in CLOUD_ONLY:
            remove(relative)
    if DEPLOY_TARGET != "kserve":
        for relative in KSERVE_ONLY:
            remove(relative)
    if FRAMEWORK != "pytorch":
        for relative in PYTORCH_ONLY:
            remove(relative)
    return 0


if __name__ == "__main__":
    sys.exit(main())
