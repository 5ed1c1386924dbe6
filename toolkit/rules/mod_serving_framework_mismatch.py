"""## What it does
Checks that the serving image installs the same version of the model's framework
(scikit-learn, torch, xgboost, lightgbm, tensorflow, keras, onnxruntime, catboost)
as the training lock. The serving side is:

- a requirements file or lock in a serving folder (`serve/`, `serving/`, `server/`,
  `inference/`, `predictor/`, `kserve/`) or named for serving
  (`requirements-serving.txt`, `serve.lock`);
- an exact `pip install` in a Dockerfile there (or named for serving,
  `Dockerfile.serve`);
- the `serving_framework` that a deployment pin (`deploy/<env>.yaml`) records for its
  `serving_image`: the versions the image was built with. A pin with a serving image
  and no such record is a finding too, since nothing says what the image holds.

The training lock is every other lock of the project that pins the package; the
serving version must be one of the versions they pin. A Dockerfile that installs
from the training lock itself (as the generated `serve/Dockerfile` does) agrees by
construction and names no version to compare.

## Why is this bad
A scikit-learn model is a pickle: it loads only in the scikit-learn that wrote it
(other versions warn, fail, or predict differently), and torch checkpoints are tied
to torch in the same way. A serving image built from its own requirements, or
built before the lock moved, serves the pinned model with another framework.

## Example
```yaml
# deploy/production.yaml, while requirements.txt pins scikit-learn==1.5.2
serving_image: ghcr.io/acme/churn-serve@sha256:4f1c...
serving_framework:
  scikit-learn: 1.4.0
```

## Fix
Install the serving image from the training lock (the generated `serve/Dockerfile`
takes its serving subset with `serve/lock_subset.py`), or pin the same version;
after the lock changes, rebuild the image (`serve-image.yml`), which records the new
versions with `pins image`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._requirements import canonical
from toolkit.check.views.mentions import Install, lock_requirements, shell_installs
from toolkit.rules._mod import models

CODE = "MOD007"
NAME = "serving-framework-mismatch"
FAMILY = "models"
SUMMARY = "The serving image's ML framework version differs from the training lock's"
VIEWS: tuple[str, ...] = ("pydeps", "dockerfile", "pins")
FRAMEWORKS = (
    "scikit-learn",
    "torch",
    "xgboost",
    "lightgbm",
    "tensorflow",
    "keras",
    "onnxruntime",
    "catboost",
)
SERVING_DIRS = frozenset({"serve", "serving", "server", "inference", "predictor", "kserve"})
SERVING_NAME = re.compile(r"(?i)(?<![a-z])(serv(e|ing|er)|inference)(?![a-z])")
DOCKERFILE = re.compile(r"(?i)(docker|container)file")


def is_serving(path: str) -> bool:
    """Whether ``path`` is in a serving folder or named for serving."""
    *folders, name = path.split("/")
    return any(part in SERVING_DIRS for part in folders) or SERVING_NAME.search(name) is not None


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each serving-side framework version is one the training lock pins."""
    del options
    training = _training(project)
    if not training:
        return
    for install in _serving(project):
        name = canonical(install.requirement.name)
        version = install.requirement.exact
        if name in training and version is not None and version not in training[name]:
            where = (install.path, install.line, install.column)
            yield _mismatch(where, name, version, training)
    yield from _pins(project, training)


def _training(project: Project) -> dict[str, dict[str, str]]:
    """Framework package -> {version: the lock that pins it} over the training locks."""
    found: dict[str, dict[str, str]] = {}
    for install in lock_requirements(project):
        name = canonical(install.requirement.name)
        version = install.requirement.exact
        training = install.what == "lock" and not is_serving(install.path)
        if name in FRAMEWORKS and version and training:
            found.setdefault(name, {}).setdefault(version, install.path)
    return found


def _serving(project: Project) -> Iterator[Install]:
    for install in lock_requirements(project):
        if is_serving(install.path):
            yield install
    installs, _ = shell_installs(project)
    for install in installs:
        if DOCKERFILE.search(install.path.rsplit("/", 1)[-1]) and is_serving(install.path):
            yield install


def _mismatch(
    where: tuple[str, int, int], name: str, version: str, training: dict[str, dict[str, str]]
) -> Finding:
    locked = ", ".join(f"{v} ({p})" for v, p in sorted(training[name].items()))
    message = (
        f"serving installs {name} {version}, the training lock pins {locked};"
        " install the serving image from the lock or pin the same version"
    )
    return Finding(*where, CODE, message)


def _pins(project: Project, training: dict[str, dict[str, str]]) -> Iterator[Finding]:
    for pin in models(project).pins:
        if pin.doc.get("serving_image") is None:
            continue
        record = pin.doc.get("serving_framework")
        if not isinstance(record, Mapping) or not record:
            message = (
                "serving_image records no serving_framework (the framework versions it was"
                " built with); rebuild it or record them with `pins image`"
            )
            yield Finding(pin.path, *pin.doc.mark("serving_image"), CODE, message)
            continue
        for key, value in record.items():
            name, version = canonical(str(key)), str(value)
            if name in training and version not in training[name]:
                line, column = pin.doc.mark("serving_framework", key)
                yield _mismatch((pin.path, line, column), name, version, training)
