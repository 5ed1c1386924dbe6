"""The drift reference of an environment: the training data of the model its pin serves.

``deploy/<env>.yaml`` records the data its model was trained on (``source.data``, the
md5 that ``dvc.lock`` gave each data folder). The reference file (``drift.reference``,
``data/prepared/train.csv``) is found in that folder's DVC manifest and read from the
DVC remote by its md5, or from the working tree when the file there has that md5 (as
the staging pin's has on main). Production is so compared with what production's model
saw, never with what staging trains on now.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }} import pins
from {{ cookiecutter.package_name }}.capture import filesystem

CACHE = Path(".dvc/cache/files/md5")  # DVC 3's local cache (a cached object is checked too)


class NoModel(Exception):
    """The environment's pin names no model yet: there is nothing to compare with."""


class ReferenceError(Exception):
    """The pinned reference cannot be found or read; the message says why."""


def pinned(env: str, reference: str, root: Path = Path()) -> tuple[str, str]:
    """The md5 of the data folder (or file) the pin records for ``reference``, and the
    reference's path inside it ("" when the pin records the file itself)."""
    pin = pins.current(env, root)
    if not pin.get("model"):
        raise NoModel(f"deploy/{env}.yaml pins no model")
    data = (pin.get("source") or {}).get("data") or {}
    for path, md5 in sorted(data.items(), key=lambda item: -len(str(item[0]))):
        path = str(path).rstrip("/")
        if reference == path or reference.startswith(path + "/"):
            return str(md5), reference[len(path) :].lstrip("/")
    raise ReferenceError(f"deploy/{env}.yaml records no data that holds {reference}")


def reference_text(env: str, reference: str, remote: str, root: Path = Path()) -> str:
    """The CSV text of ``env``'s reference, checked against the md5 its pin implies."""
    md5, inner = pinned(env, reference, root)
    try:
        fs, base = filesystem(remote)
        if inner:
            md5 = _member(json.loads(_object(fs, base, md5, root)), inner, md5)
        local = root / reference
        if local.is_file() and _md5(local.read_bytes()) == md5:
            return local.read_text(encoding="utf-8")
        payload = _object(fs, base, md5, root)
    except ReferenceError:
        raise
    except Exception as error:  # whatever the driver raises: credentials, access, protocol
        raise ReferenceError(f"cannot read {reference} ({md5}) from {remote}: {error}") from None
    if _md5(payload) != md5:
        raise ReferenceError(f"{reference} from {remote} does not have md5 {md5}")
    return payload.decode("utf-8")


def _object(fs: Any, base: str, md5: str, root: Path) -> bytes:
    """The object ``md5`` from the local DVC cache if it holds it, else from the remote."""
    cached = root / CACHE / md5[:2] / md5[2:]
    if cached.is_file():
        return cached.read_bytes()
    path = posixpath.join(base.rstrip("/"), "files", "md5", md5[:2], md5[2:])
    return bytes(fs.cat_file(path))


def _member(manifest: Any, inner: str, folder: str) -> str:
    """The md5 of ``inner`` in a DVC directory manifest (a list of md5 and relpath)."""
    for entry in manifest if isinstance(manifest, list) else []:
        if isinstance(entry, dict) and entry.get("relpath") == inner and entry.get("md5"):
            return str(entry["md5"])
    raise ReferenceError(f"the data folder {folder} holds no {inner}")


def _md5(payload: bytes) -> str:
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()
