"""The digest of an image tag, asked of its registry (the OCI distribution API).

Anonymous pulls only: a registry's bearer-token challenge is answered without
credentials, as ``docker pull`` of a public image does. Registries on
``localhost``/``127.0.0.1`` are spoken to over plain HTTP, as Docker does.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from toolkit.check.resolve.gitrefs import ResolveError

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

TIMEOUT_SECONDS = 20
DOCKER_HUB = "registry-1.docker.io"
ACCEPT = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)
_LOCAL = ("localhost", "127.0.0.1", "[::1]")


class ImageName(NamedTuple):
    """Where an image lives: registry host, repository path within it, and tag."""

    host: str
    repository: str
    tag: str

    @property
    def local(self) -> bool:
        """On this machine: plain HTTP, and no proxy."""
        return self.host.startswith("[::1]") or self.host.split(":")[0] in _LOCAL

    @property
    def base_url(self) -> str:
        scheme = "http" if self.local else "https"
        return f"{scheme}://{self.host}/v2/{self.repository}"

    def open(self, request: urllib.request.Request) -> Any:
        handlers = [urllib.request.ProxyHandler({})] if self.local else []
        return urllib.request.build_opener(*handlers).open(request, timeout=TIMEOUT_SECONDS)


def image_name(name: str, tag: str) -> ImageName:
    """Split ``[host/]path`` as Docker does: a first part with ``.`` or ``:`` is a host."""
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return ImageName(first, rest, tag or "latest")
    path = name if rest else f"library/{name}"
    return ImageName(DOCKER_HUB, path, tag or "latest")


def inspect_command(reference: str) -> str:
    """The command a user can run to learn the digest by hand."""
    return f"docker buildx imagetools inspect {reference}"


def digest_of(image: ImageName) -> str:
    """The ``sha256:`` digest of the manifest (or index) that ``image`` names now."""
    url = f"{image.base_url}/manifests/{urllib.parse.quote(image.tag)}"
    try:
        return _manifest_digest(image, url, _token(image, url))
    except urllib.error.HTTPError as err:
        raise ResolveError(f"{image.host} answered {err.code} {err.reason} for {url}") from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise ResolveError(f"cannot reach {image.host}: {reason}") from None


def _request(url: str, token: str | None, method: str = "GET") -> urllib.request.Request:
    headers = {"Accept": ACCEPT, "User-Agent": "mlrig"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return urllib.request.Request(url, headers=headers, method=method)


def _token(image: ImageName, url: str) -> str | None:
    """An anonymous bearer token when the registry asks for one, else ``None``."""
    try:
        with image.open(_request(url, None, "HEAD")):
            return None
    except urllib.error.HTTPError as err:
        challenge = err.headers.get("WWW-Authenticate", "")
        if err.code != 401 or not challenge.lower().startswith("bearer "):
            raise
    fields = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    realm = fields.pop("realm", "")
    if not realm.startswith(("https://", "http://")):
        raise ResolveError(f"{image.host} asks for a token from an unusable realm {realm!r}")
    fields.setdefault("scope", f"repository:{image.repository}:pull")
    token_url = f"{realm}?{urllib.parse.urlencode(fields)}"
    with image.open(_request(token_url, None)) as answer:
        document = json.loads(answer.read(1_000_000))
    token = (
        document.get("token") or document.get("access_token")
        if isinstance(document, dict)
        else None
    )
    if not isinstance(token, str):
        raise ResolveError(f"{image.host} gave no token")
    return token


def _manifest_digest(image: ImageName, url: str, token: str | None) -> str:
    with image.open(_request(url, token)) as answer:
        header = answer.headers.get("Docker-Content-Digest", "")
        body = answer.read(4_000_000)
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    if header and header != digest:
        raise ResolveError(f"the registry's digest {header} is not that of the manifest it sent")
    return digest
