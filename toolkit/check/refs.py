"""Recognising pins: commit SHAs, version-looking tags, ``uses:`` references, image references.

Shared by every rule that asks "is this pinned?", so that all of them agree.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from toolkit.check._record import lazy_pattern

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

_SHA = re.compile(r"[0-9a-f]{40}")
_VERSION = re.compile(r"v?\d+(?:\.\d+)*(?:[-+.]?[0-9A-Za-z][0-9A-Za-z.+-]*)?")
_DIGEST = lazy_pattern(r"sha256:[0-9a-f]{64}")


def is_sha(ref: str) -> bool:
    """A full 40-hex commit SHA (lower case, as git prints it)."""
    return _SHA.fullmatch(ref) is not None


def is_short_sha(ref: str) -> bool:
    """An abbreviated commit SHA: 7 to 39 hex digits, at least one of them a letter."""
    return 7 <= len(ref) < 40 and not ref.isdigit() and all(c in "0123456789abcdef" for c in ref)


_VCS = re.compile(r"(?:git|hg|svn|bzr)\+[a-z]+://", re.IGNORECASE)


def is_vcs_url(value: str) -> bool:
    """A pip VCS requirement URL: ``git+https://...``, ``hg+ssh://...`` and the like."""
    return _VCS.match(value.strip()) is not None


def vcs_commit(url: str) -> str | None:
    """The revision after the last ``@`` of a VCS URL's path (``None`` when it names none)."""
    body = url.split("#", 1)[0].split("://", 1)[-1]
    path = body.split("/", 1)[1] if "/" in body else ""  # past user@host
    return path.rsplit("@", 1)[1] if "@" in path else None


def floating_vcs(url: str) -> bool:
    """A VCS URL that does not name a full commit: a branch, a tag or nothing."""
    commit = vcs_commit(url)
    return is_vcs_url(url) and not (commit is not None and is_sha(commit))


def is_version(ref: str) -> bool:
    """A tag that looks like a version: ``v4``, ``v4.1.0``, ``1.2.3``, ``v2.0.0-rc.1``."""
    return _VERSION.fullmatch(ref) is not None


def is_expression(value: str) -> bool:
    """Holds a GitHub expression or a shell variable, so its value is only known at run time."""
    return "${{" in value or "$" in value


class UsesRef(NamedTuple):
    """``owner/repo[/path]@ref`` from a ``uses:`` value; ``ref`` is ``""`` when missing."""

    owner: str
    repo: str
    path: str
    ref: str

    @property
    def action(self) -> str:
        return "/".join(part for part in (self.owner, self.repo, self.path) if part)


def parse_uses(value: str) -> UsesRef | None:
    """The reference of a remote ``uses:``; ``None`` for ``./local`` and ``docker://`` ones."""
    value = value.strip()
    if not value or value.startswith(("./", "../", "docker://")) or is_expression(value):
        return None
    target, _, ref = value.partition("@")
    owner, _, rest = target.partition("/")
    repo, _, path = rest.partition("/")
    return UsesRef(owner, repo, path, ref)


class ImageRef(NamedTuple):
    """``[registry/]name[:tag][@digest]`` of a container image."""

    name: str
    tag: str
    digest: str

    @property
    def pinned(self) -> bool:
        """Referenced by a full ``sha256`` digest."""
        return _DIGEST.fullmatch(self.digest) is not None


def parse_image(value: str) -> ImageRef:
    """Split an image reference; ``docker://`` prefixes are dropped."""
    value = value.strip().removeprefix("docker://")
    name, _, digest = value.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    else:
        tag = ""
    return ImageRef(name, tag, digest)
