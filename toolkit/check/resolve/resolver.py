"""One run's resolutions: each remote asked once, answers kept in the resolution cache."""

from __future__ import annotations

import re

from toolkit.check.refs import is_sha
from toolkit.check.resolve.gitrefs import RemoteRefs, ResolveError, ls_remote, parse_ls_remote
from toolkit.check.resolve.registry import digest_of, image_name, inspect_command
from toolkit.check.resolve.store import Store

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
NOT_CACHED = "not in the resolution cache (--offline); run --fix without --offline once"


class Resolver:
    """Tags and branches of git remotes, digests of image tags; online or from the cache."""

    def __init__(self, store: Store, offline: bool) -> None:
        self.store = store
        self.offline = offline
        self._refs: dict[str, RemoteRefs | ResolveError] = {}
        self._digests: dict[str, str | ResolveError] = {}

    def refs(self, url: str) -> RemoteRefs:
        """What ``url``'s refs point at (:class:`ResolveError` when it cannot be told)."""
        if url not in self._refs:
            self._refs[url] = self._lookup_refs(url)
        found = self._refs[url]
        if isinstance(found, ResolveError):
            raise found
        return found

    def digest(self, name: str, tag: str) -> str:
        """The digest that image ``name:tag`` has now."""
        reference = f"{name}:{tag}" if tag else name
        if reference not in self._digests:
            self._digests[reference] = self._lookup_digest(name, tag, reference)
        found = self._digests[reference]
        if isinstance(found, ResolveError):
            raise found
        return found

    def _lookup_refs(self, url: str) -> RemoteRefs | ResolveError:
        key = f"git {url}"
        if self.offline:
            stored = self.store.get(key)
            if not isinstance(stored, dict):
                return ResolveError(f"{url}: {NOT_CACHED}")
            return _refs_from(stored)
        try:
            found = parse_ls_remote(ls_remote(url))
        except ResolveError as err:
            return err
        stored = {"tags": found.tags, "branches": found.branches, "head": found.head}
        self.store.put(key, {**stored, "head_branch": found.head_branch})
        return found

    def _lookup_digest(self, name: str, tag: str, reference: str) -> str | ResolveError:
        key = f"image {reference}"
        if self.offline:
            stored = self.store.get(key)
            if isinstance(stored, str) and _DIGEST.fullmatch(stored):
                return stored
            return ResolveError(f"{reference}: {NOT_CACHED}, or run: {inspect_command(reference)}")
        try:
            found = digest_of(image_name(name, tag))
        except ResolveError as err:
            return ResolveError(f"{err}; run: {inspect_command(reference)}")
        self.store.put(key, found)
        return found


def _refs_from(stored: dict[str, object]) -> RemoteRefs:
    tags, branches, head = stored.get("tags"), stored.get("branches"), stored.get("head")
    named = stored.get("head_branch")
    return RemoteRefs(
        _strings(tags),
        _strings(branches),
        head if isinstance(head, str) and is_sha(head) else None,
        named if isinstance(named, str) and named in _strings(branches) else None,
    )


def _strings(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {
        k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str) and is_sha(v)
    }
