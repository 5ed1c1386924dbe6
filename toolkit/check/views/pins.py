"""The model pins view: ``deploy/<env>.yaml`` and each KServe overlay patch.

A pin names the model an environment serves by the md5 that ``dvc.lock``
records (docs/deploy-pins.md). ``parse`` returns a :class:`Pin` or an
:class:`OverlayPatch`. The helpers below are what the MOD rules and
``mlrig lineage`` share: the storage path a hash implies in a DVC 3 remote, the
lineage ``dvc.lock`` gives a model, and the history of ``dvc.lock`` in git.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.check.views._located import Located
from toolkit.check.views._parsing import ParseError, load_yaml
from toolkit.check.views.dvc import Entry, LockedStage

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

PIN = re.compile(r"deploy/(?P<env>[A-Za-z0-9_-]+)\.ya?ml\Z")
PATCH = re.compile(r"deploy/overlays/(?P<env>[A-Za-z0-9_-]+)/inference-service-patch\.ya?ml\Z")
MD5 = re.compile(r"[0-9a-f]{32}(?:\.dir)?\Z")
COMMIT = re.compile(r"[0-9a-f]{40}\Z")
PLACEHOLDER_URI = "pending://no-model-pinned"
# KServe's storage initializer puts a single object at /mnt/models/<its last path segment>;
# for a DVC 3 object that is the md5 minus its first two hex digits, with no extension.
# MLServer loads the file that MLSERVER_MODEL_URI names (docs/deploy-pins.md).
MODEL_DIR = "/mnt/models"
MODEL_FILE_ENV = "MLSERVER_MODEL_URI"
PLACEHOLDER_MODEL_FILE = f"{MODEL_DIR}/no-model-pinned"
MODEL_SUFFIXES = (".pkl", ".joblib", ".pt", ".pth", ".onnx", ".safetensors", ".h5", ".keras")


@dataclass(frozen=True)
class Pin:
    """``deploy/<env>.yaml``; ``doc`` holds the data and the line of every key."""

    path: str
    environment: str
    doc: Located

    @property
    def model(self) -> Mapping[str, Any] | None:
        value = self.doc.get("model")
        return value if isinstance(value, Mapping) else None

    @property
    def md5(self) -> str | None:
        value = self.model.get("md5") if self.model else None
        return None if value is None else str(value)


@dataclass(frozen=True)
class OverlayPatch:
    """``deploy/overlays/<env>/inference-service-patch.yaml``: its ``storageUri`` and model file.

    ``model_file`` is the value of the ``MLSERVER_MODEL_URI`` entry of
    ``spec.predictor.model.env`` (None when there is none); ``model_file_mark``
    is where that value (or, without one, ``storageUri``) starts.
    """

    path: str
    environment: str
    storage_uri: str | None
    line: int
    column: int
    value_span: tuple[int, int, int, int] | None = None
    model_file: str | None = None
    model_file_mark: tuple[int, int] = (1, 1)
    model_file_span: tuple[int, int, int, int] | None = None


def match(path: str) -> bool:
    return PIN.match(path) is not None or PATCH.match(path) is not None


def parse(path: str, text: str) -> Pin | OverlayPatch:
    doc = load_yaml(path, text)
    found = PIN.match(path)
    if found:
        if not isinstance(doc.data, Mapping):
            raise ParseError("a model pin must be a mapping", *doc.mark())
        return Pin(path, found["env"], doc)
    env = PATCH.match(path)["env"]  # type: ignore[index]
    keys = ("spec", "predictor", "model", "storageUri")
    uri = doc.get(*keys)
    file_keys, file_value = _model_file_entry(doc)
    return OverlayPatch(
        path,
        env,
        None if uri is None else str(uri),
        *doc.mark(*keys),
        _span(uri),
        None if file_value is None else str(file_value),
        doc.mark(*file_keys),
        _span(file_value),
    )


def _span(value: Any) -> tuple[int, int, int, int] | None:
    if hasattr(value, "end_col"):
        return (value.line, value.col, value.end_line, value.end_col)
    return None


def _model_file_entry(doc: Located) -> tuple[tuple[str | int, ...], Any]:
    """The key path and value of the ``MLSERVER_MODEL_URI`` env entry (value None: absent).

    Without the entry the path is ``env`` when the model has that key, else ``storageUri``.
    """
    base: tuple[str | int, ...] = ("spec", "predictor", "model")
    model = doc.get(*base)
    if not isinstance(model, Mapping) or "env" not in model:
        return (*base, "storageUri"), None
    env = model["env"]
    for index, item in enumerate(env if isinstance(env, list) else []):
        if isinstance(item, Mapping) and str(item.get("name")) == MODEL_FILE_ENV:
            return (*base, "env", index, "value"), item.get("value")
    return (*base, "env"), None


# The claim that holds a local DVC remote for KServe (the generated repository's
# deploy/base/dvc-remote-claim.yaml, with cloud: none).
LOCAL_CLAIM = "dvc-remote"


def model_file(md5: str) -> str:
    """Where KServe's storage initializer puts the DVC object ``md5``: ``/mnt/models/<30 hex>``."""
    return f"{MODEL_DIR}/{md5[2:]}"


def kserve_uri(storage_uri: str) -> str:
    """Where KServe reads the object a pin stores at ``storage_uri``: that URI, or for a
    local remote (no scheme; no cluster reaches it by its path) the object's folder in the
    claim that holds the remote, ``pvc://dvc-remote/files/md5/<2 hex>``: KServe mounts a
    ``pvc://`` path, which must be a folder, as ``/mnt/models``."""
    if "://" in storage_uri:
        return storage_uri
    _, found, rest = storage_uri.rpartition("/files/md5/")
    if not found:
        return storage_uri
    return f"pvc://{LOCAL_CLAIM}/files/md5/{rest.split('/')[0]}"


def storage_uri(md5: str, remote_url: str, config_path: str = ".dvc/config") -> str:
    """Where a DVC 3 remote keeps the object ``md5``: ``<remote>/files/md5/<2>/<30>``.

    A local remote's relative URL is relative to the config's folder; it is
    given relative to the repository root.
    """
    url = remote_url.rstrip("/")
    if "://" not in url and not url.startswith(("/", "~")):
        url = posixpath.normpath(posixpath.join(posixpath.dirname(config_path), url))
    return f"{url}/files/md5/{md5[:2]}/{md5[2:]}"


def producer(stages: Iterable[LockedStage], path: str) -> tuple[LockedStage, Entry] | None:
    """The locked stage whose outs include ``path``, with that out."""
    for stage in stages:
        for out in stage.outs:
            if out.path == path:
                return stage, out
    return None


def model_outs(stages: Iterable[LockedStage]) -> list[Entry]:
    """Outs that look like models: under ``models/`` or with a model file suffix."""
    return [
        out
        for stage in stages
        for out in stage.outs
        if out.path.startswith("models/") or out.path.endswith(MODEL_SUFFIXES)
    ]


def is_data(path: str) -> bool:
    """Data deps are everything but code: not a Python file and not under ``src/``."""
    return not (path.endswith(".py") or path.startswith("src/"))


def data_lineage(stages: tuple[LockedStage, ...], name: str) -> dict[str, str]:
    """The data deps (path -> hash) of stage ``name`` and of every stage upstream."""
    by_name = {stage.name: stage for stage in stages}
    data: dict[str, str] = {}
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        if current in seen or current not in by_name:
            continue
        seen.add(current)
        for dep in by_name[current].deps:
            if is_data(dep.path):
                data[dep.path] = str(dep.hash)
                upstream = producer(stages, dep.path)
                if upstream:
                    todo.append(upstream[0].name)
    return dict(sorted(data.items()))


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one mapping with dotted keys."""
    if not isinstance(value, Mapping):
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, item in value.items():
        flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def stage_params(stage: LockedStage) -> dict[str, Any]:
    """A locked stage's params keyed ``section.name`` (``file:section.name`` off params.yaml)."""
    flat: dict[str, Any] = {}
    files = stage.params.data if isinstance(stage.params.data, Mapping) else {}
    for file, values in sorted(files.items()):
        prefix = "" if file == "params.yaml" else f"{file}:"
        flat.update({f"{prefix}{key}": item for key, item in flatten(values).items()})
    return dict(sorted(flat.items()))


def plain(value: Any) -> Any:
    """Positioned YAML values as plain Python values, for comparison and JSON."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def has_history(root: Path) -> bool:
    """Whether ``root`` is the top of a git work tree (a fixture inside another repo is not)."""
    top = (_git(root, "rev-parse", "--show-toplevel") or "").strip()
    return bool(top) and Path(top).resolve() == root.resolve()


def commit_that_locked(root: Path, md5: str, lock_path: str = "dvc.lock") -> str | None:
    """The oldest commit in HEAD's history whose ``dvc.lock`` gained ``md5`` (None: never)."""
    if not MD5.match(md5) or not has_history(root):
        return None
    out = _git(root, "log", "--format=%H", "--reverse", f"-S{md5}", "HEAD", "--", lock_path)
    commits = (out or "").split()
    return commits[0] if commits else None


def lock_text_at(root: Path, commit: str, lock_path: str = "dvc.lock") -> str | None:
    """``dvc.lock`` as it was at ``commit``."""
    if not COMMIT.match(commit):
        return None
    return _git(root, "show", f"{commit}:{lock_path}")


def is_shallow(root: Path) -> bool:
    shallow = (_git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true"
    return shallow and has_history(root)
