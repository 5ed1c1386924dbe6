"""Whether this check runs for a pull request that the repository's CT workflow retrains.

GitHub Actions says so: ``GITHUB_EVENT_NAME`` is ``pull_request``, and the event
payload (``GITHUB_EVENT_PATH``) names the pull request's head repository, which must
be this one (``GITHUB_REPOSITORY``). CT never trains a fork's code, so a fork's pull
request waits for a maintainer and its stale lock fails as it does on main. Findings
with a ``pending`` message (:class:`toolkit.check.findings.Finding`) are notes there.

Whether CT runs at all depends on repository settings that a check cannot read; a
workflow passes them as ``MLRIG_CT_ENABLED`` (the generated ``ci.yml``: ``true`` once
``DVC_REMOTE_ENABLED`` and the CT GitHub App are set, as ``ct.yml`` requires). Any
other value means CT retrains nothing, so a stale lock fails; unset, the event decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

MAX_EVENT_BYTES = 16 * 1024 * 1024
CT_ENABLED = "MLRIG_CT_ENABLED"


def ct_pull_request(environ: Mapping[str, str]) -> bool:
    """True in a GitHub Actions run for a pull request from this repository itself."""
    if environ.get("GITHUB_EVENT_NAME") != "pull_request" or not environ.get("GITHUB_HEAD_REF"):
        return False
    if environ.get(CT_ENABLED, "true") != "true":
        return False
    repository = environ.get("GITHUB_REPOSITORY")
    return bool(repository) and _head_repository(environ.get("GITHUB_EVENT_PATH")) == repository


def _head_repository(path: str | None) -> str | None:
    """``pull_request.head.repo.full_name`` of the event payload (None when unreadable)."""
    if not path:
        return None
    import json

    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_EVENT_BYTES + 1)
        event = json.loads(data) if len(data) <= MAX_EVENT_BYTES else None
    except (OSError, ValueError):
        return None
    for key in ("pull_request", "head", "repo", "full_name"):
        event = event.get(key) if isinstance(event, dict) else None
    return event if isinstance(event, str) else None
