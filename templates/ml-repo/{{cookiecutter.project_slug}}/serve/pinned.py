"""The model file is the pinned one, checked before anything loads it.

The pin (``deploy/<env>.yaml``) names the model by the md5 that ``dvc.lock`` records, and
every deploy passes it to the server as ``$MODEL_VERSION`` (each overlay's env, the managed
endpoints' container environment). The file itself comes from a bucket that more identities
can write than the one that trained it (CT on a pull request, the managed deploy's staging
copy): joblib and pickle run code while they load, so a replaced file must never reach them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MODEL_VERSION_ENV = "MODEL_VERSION"
MD5 = re.compile(r"[0-9a-f]{32}")


class Refused(Exception):
    """A model file the server will not load (its one-line message says why)."""


def md5_of(path: Path) -> str:
    """The md5 of a file, as DVC (so dvc.lock and the pins) records it."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified(path: Path, expected: str | None, unpinned: bool = False) -> str:
    """The md5 of ``path`` once it equals the pinned ``expected``; a Refused otherwise.

    A pin of a directory (DVC's ``<md5>.dir``) is refused: this server loads one file.
    ``unpinned`` (a local run of a model you trained yourself) skips the comparison only
    when no md5 is given; a given one is always compared.
    """
    if not expected and not unpinned:
        raise Refused(
            f"{path}: no pinned md5 to check it against: set ${MODEL_VERSION_ENV} to the"
            " pin's model.md5 (or pass --unpinned for a model you trained yourself)"
        )
    if expected and expected.endswith(".dir"):
        raise Refused(
            f"${MODEL_VERSION_ENV} {expected!r} is a directory's md5: this server loads and"
            " verifies one file; pin a single-file model"
        )
    if expected and not MD5.fullmatch(expected):
        raise Refused(f"${MODEL_VERSION_ENV} {expected!r} is not the md5 of a file")
    if not path.is_file():
        raise Refused(f"{path}: not a regular file (a pinned model is one file)")
    actual = md5_of(path)
    if expected and actual != expected:
        raise Refused(f"{path}: md5 {actual} is not the pinned {expected}; refusing to load it")
    return actual
