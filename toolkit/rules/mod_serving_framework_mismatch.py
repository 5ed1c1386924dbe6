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
  `serving_image`: the versions the image was built with (`pins image` reads them from
  the image's own `pip freeze`). A pin with a serving image and no such record is a
  finding too, since nothing says what the image holds. Only a pin of the model that
  `dvc.lock` records now (or of no model) is compared with the lock: a pin that still
  serves an earlier model (production, before a promotion) serves it with the image
  built from the lock that trained it, and moves to the new lock with the next promotion.

The training lock is every other lock of the project that pins the package; the
serving version must be one of the versions they pin **for the image's Python**: a
lock line whose environment marker excludes it (`; python_version < "3.10"` on a
3.12 image) does not count. The image's Python is its Dockerfile's final `FROM`
tag (`python:3.12-slim`), else the repository's `.python-version`. A version set
by a build argument (`pip install torch==${TORCH_VERSION}`) is the `ARG`'s
default; an `ARG` without a default is a finding, since the version is whatever
the build passes. A Dockerfile that installs
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
versions with `pins image`. In a generated repository, a pull request from the repository
itself that changes the lock has `serve-image.yml` build the image from it and commit the
new staging pin to the pull request, so the pull request turns green with the image its
lock needs, and main never holds a lock without its image.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._markers import applies
from toolkit.check.views._requirements import canonical
from toolkit.check.views.mentions import Install, lock_requirements, shell_installs
from toolkit.rules._mod import models
from toolkit.rules._serving_image import arg_pins, image_pythons, repository_python

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
    """Each serving-side framework version is one the training lock pins for the image's
    Python (lock lines whose environment marker excludes that Python do not count)."""
    del options
    pythons = image_pythons(project, _serving_dockerfile)
    default = next(iter(sorted(pythons.items())), ("", repository_python(project)))[1]
    locks = _Training(project)
    if not locks.of(default):
        return
    for install in _serving(project):
        name = canonical(install.requirement.name)
        version = install.requirement.exact
        training = locks.of(pythons.get(install.path, default))
        if name in training and version is not None and version not in training[name]:
            where = (install.path, install.line, install.column)
            yield _mismatch(where, name, version, training)
    yield from _build_args(project, locks, pythons, default)
    yield from _pins(project, locks.of(default))


class _Training:
    """Framework package -> {version: the lock that pins it} over the training locks, for
    one Python (None: every line, whatever its marker)."""

    def __init__(self, project: Project) -> None:
        self.installs = [
            install
            for install in lock_requirements(project)
            if install.what == "lock" and not is_serving(install.path)
        ]
        self.cache: dict[str | None, dict[str, dict[str, str]]] = {}

    def of(self, python: str | None) -> dict[str, dict[str, str]]:
        if python not in self.cache:
            self.cache[python] = self._for(python)
        return self.cache[python]

    def _for(self, python: str | None) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for install in self.installs:
            name = canonical(install.requirement.name)
            version = install.requirement.exact
            marker = install.requirement.marker
            if python and marker and applies(marker, python) is False:
                continue  # this line is for another Python than the image's
            if name in FRAMEWORKS and version:
                found.setdefault(name, {}).setdefault(version, install.path)
        return found


def _serving_dockerfile(path: str) -> bool:
    return DOCKERFILE.search(path.rsplit("/", 1)[-1]) is not None and is_serving(path)


def _build_args(
    project: Project, locks: _Training, pythons: dict[str, str], default: str | None
) -> Iterator[Finding]:
    """``name==${VAR}`` in a serving Dockerfile: the ARG's default is the version; without
    one, the version is whatever the build passes, which nothing in the repository pins."""
    for pin in arg_pins(project, FRAMEWORKS, _serving_dockerfile):
        training = locks.of(pythons.get(pin.path, default))
        where = (pin.path, pin.line, pin.column)
        if pin.name not in training:
            continue
        if pin.resolved is None:
            message = (
                f"serving installs {pin.name} {pin.written}, a build argument with no default:"
                " the version is whatever the build passes; install from the lock or pin it"
            )
            yield Finding(*where, CODE, message)
        elif pin.resolved not in training[pin.name]:
            yield _mismatch(where, pin.name, pin.resolved, training)


def _serving(project: Project) -> Iterator[Install]:
    for install in lock_requirements(project):
        if is_serving(install.path):
            yield install
    installs, _ = shell_installs(project)
    for install in installs:
        if _serving_dockerfile(install.path) and "$" not in (install.requirement.exact or ""):
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
    found = models(project)
    current = found.locked_hashes()
    for pin in found.pins:
        if pin.doc.get("serving_image") is None:
            continue
        if pin.md5 is not None and current and pin.md5 not in current:
            continue  # an earlier model, trained with an earlier lock, and served by its image
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
