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
  the image's own `pip freeze`), each under its distribution name as PyPI compares
  names (PEP 503: `Scikit_Learn` is `scikit-learn`). A pin with a serving image and no
  such record is a finding, and so is a record that names no framework the lock pins,
  or a key that is no distribution the lock pins (`sklearn`, the import name, or
  `pytorch`): nothing would compare it. Only a pin of the model that `dvc.lock`
  records now (or of no model) is compared with the lock. A pin that still serves an
  earlier model (production, before a promotion, after the lock moved) is compared
  with its own `training_framework`: the versions that trained its model, which
  `pins update` writes from the lock that `dvc.lock` recorded for the training stage
  and `pins promote` carries from staging to production. Such a pin without that
  record is a finding too, since nothing could tell whether its image can load the
  model.

The training lock is every other lock of the project that pins the package (a
compiled requirements file, a `*.lock`, `uv.lock`, `poetry.lock`, or a requirements
file whose every line carries a `--hash`). The serving version must be the version it
pins **for the image's Python**: a lock line whose environment marker excludes that
Python (`; python_full_version < '3.11'` on a 3.11 image; in `uv.lock` its
`resolution-markers`, in `poetry.lock` its `markers`) does not count. A Python known
only as `X.Y` stands for each of its patch releases, so `python_full_version >= '3.11'`
holds on a `python:3.11` image. The image's Python is, in order: the last `FROM` of
its Dockerfile that names one (`python:3.12-slim`, or `python:${PYTHON_VERSION}-slim`
with the `ARG`'s default), a `PYTHON_VERSION`-like `ARG` default there (a base without
Python), the repository's `.python-version`, the lowest `X.Y` that `requires-python`
allows. For a deployment pin, that is the serving Dockerfiles' Python. When none says,
the image's Python is unknown: every lock line is a candidate, and the finding lists
each with its marker. A version set
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

```yaml
# deploy/production.yaml, a model that dvc.lock no longer records
serving_image: ghcr.io/acme/churn-serve@sha256:9b2e...
serving_framework:
  scikit-learn: 1.5.2   # rebuilt from today's lock
training_framework:
  scikit-learn: 1.4.2   # what pickled the model: it loads only there
```

## Fix
Install the serving image from the training lock (the generated `serve/Dockerfile`
takes its serving subset with `serve/lock_subset.py`), or pin the same version;
after the lock changes, rebuild the image (`serve-image.yml`), which records the new
versions with `pins image`. A pin of an earlier model keeps the image its
`training_framework` names until the next promotion brings a model trained with the new
lock (and the image built from it); promote from a staging pin that `pins update`
wrote, so the record comes along. In a generated repository, a pull request from the repository
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
from toolkit.check.views._requirements import canonical
from toolkit.check.views.mentions import Install, lock_requirements, shell_installs
from toolkit.check.views.pins import Pin
from toolkit.rules._mod import models
from toolkit.rules._serving_image import Python, arg_pins, contract_python, image_pythons
from toolkit.rules._serving_record import entries, wrong_key
from toolkit.rules._training_lock import Pinned, TrainingLock, described
from toolkit.rules._training_record import earlier_pin

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


class _Image:
    """The Python of each serving Dockerfile, and of the serving image as a whole."""

    def __init__(self, project: Project) -> None:
        self.contract = contract_python(project)
        self.dockerfiles = image_pythons(project, _serving_dockerfile)
        versions = sorted({v for python in self.dockerfiles.values() for v in python.versions})
        sources = ", ".join(sorted(self.dockerfiles))
        self.python = Python(tuple(versions), sources) if versions else self.contract

    def of(self, path: str) -> Python:
        """The Python of what ``path`` installs: its Dockerfile's, else the image's."""
        if path in self.dockerfiles:
            return self.dockerfiles[path]
        return self.contract if _serving_dockerfile(path) else self.python


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each serving-side framework version is one the training lock pins for the image's
    Python (lock lines whose environment marker excludes that Python do not count)."""
    del options
    locks = TrainingLock(project, FRAMEWORKS, is_serving)
    if not locks.of(Python((), "")):
        return
    image = _Image(project)
    for install in _serving(project):
        name = canonical(install.requirement.name)
        version = install.requirement.exact
        python = image.of(install.path)
        training = locks.of(python)
        if name in training and version is not None and version not in training[name]:
            where = (install.path, install.line, install.column)
            yield _mismatch(where, name, version, training[name], python)
    yield from _build_args(project, locks, image)
    yield from _pins(project, locks, image.python)


def _serving_dockerfile(path: str) -> bool:
    return DOCKERFILE.search(path.rsplit("/", 1)[-1]) is not None and is_serving(path)


def _build_args(project: Project, locks: TrainingLock, image: _Image) -> Iterator[Finding]:
    """``name==${VAR}`` in a serving Dockerfile: the ARG's default is the version; without
    one, the version is whatever the build passes, which nothing in the repository pins."""
    for pin in arg_pins(project, FRAMEWORKS, _serving_dockerfile):
        python = image.of(pin.path)
        training = locks.of(python)
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
            yield _mismatch(where, pin.name, pin.resolved, training[pin.name], python)


def _serving(project: Project) -> Iterator[Install]:
    for install in lock_requirements(project):
        if is_serving(install.path):
            yield install
    installs, _ = shell_installs(project)
    for install in installs:
        if _serving_dockerfile(install.path) and "$" not in (install.requirement.exact or ""):
            yield install


def _mismatch(
    where: tuple[str, int, int], name: str, version: str, pinned: Pinned, python: Python
) -> Finding:
    message = (
        f"serving installs {name} {version}, {described(pinned, python)};"
        " install the serving image from the lock or pin the same version"
    )
    return Finding(*where, CODE, message)


def _pins(project: Project, locks: TrainingLock, python: Python) -> Iterator[Finding]:
    found = models(project)
    current = found.locked_hashes()
    for pin in found.pins:
        if pin.doc.get("serving_image") is None:
            continue
        record = pin.doc.get("serving_framework")
        if not isinstance(record, Mapping) or not record:
            message = (
                "serving_image records no serving_framework (the framework versions it was"
                " built with); rebuild it or record them with `pins image`"
            )
            yield Finding(pin.path, *pin.doc.mark("serving_image"), CODE, message)
        elif pin.md5 is not None and current and pin.md5 not in current:
            # An earlier model, trained with an earlier lock: its image holds what trained it.
            yield from earlier_pin(pin, dict(record), FRAMEWORKS, CODE)
        else:
            yield from _record(pin, dict(record), locks, python)


def _record(
    pin: Pin, record: dict[Any, Any], locks: TrainingLock, python: Python
) -> Iterator[Finding]:
    """Each key names a distribution the lock pins, one of them the framework, and each
    framework's version is one the lock pins for the image's Python."""
    training = locks.of(python)
    named = wrong = False
    for entry in entries(pin, record):
        where = (pin.path, entry.line, entry.column)
        if entry.name not in locks.names:
            wrong = True
            yield Finding(*where, CODE, wrong_key(entry, locks.of(Python((), ""))))
        elif entry.name in training:
            named = True
            if entry.version not in training[entry.name]:
                yield _mismatch(where, entry.name, entry.version, training[entry.name], python)
    if not (named or wrong):
        message = (
            f"serving_framework records no version of {' or '.join(sorted(training))}, the"
            " framework the training lock pins; record it by its distribution name"
            " (`pins image` does)"
        )
        yield Finding(pin.path, *pin.doc.mark("serving_framework"), CODE, message)
