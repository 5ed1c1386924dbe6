"""IAM policy evaluation by a real library: NCC Group's Principal Mapper.

``principalmapper.querying.query_interface.local_check_authorization`` evaluates
a principal's policies and permissions boundary the way IAM does: explicit
deny, then the boundary, then an allow; with actions, resources and condition
operators (``StringEquals``, ``StringLike``, ...) matched against a request
context. The PyPI build ``principalmapper-0ca`` is the maintained fork; both
still import ``Mapping`` from ``collections``, which Python 3.10 moved to
``collections.abc``, so the two names are put back before the import.
"""

from __future__ import annotations

import collections
import collections.abc
import json
from dataclasses import dataclass
from typing import Any

setattr(collections, "Mapping", collections.abc.Mapping)  # noqa: B010
setattr(collections, "MutableMapping", collections.abc.MutableMapping)  # noqa: B010

from principalmapper.common import Node, Policy  # noqa: E402
from principalmapper.querying.query_interface import local_check_authorization  # noqa: E402


@dataclass(frozen=True)
class Role:
    """One role as IAM holds it: its policy documents and its boundary's document."""

    arn: str
    policies: dict[str, dict[str, Any]]
    boundary: dict[str, Any] | None = None


def document(value: str | dict[str, Any]) -> dict[str, Any]:
    """A policy document as boto3 returns it (a dict, or URL-decoded JSON text)."""
    found: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return found


def allowed(role: Role, action: str, resource: str, context: dict[str, str] | None = None) -> bool:
    """Whether IAM lets ``role`` do ``action`` on ``resource`` with this request context."""
    policies = [Policy(arn, arn.rsplit("/", 1)[-1], doc) for arn, doc in role.policies.items()]
    boundary = None if role.boundary is None else Policy("boundary", "boundary", role.boundary)
    node = Node(
        role.arn,
        "AROATEST",
        policies,
        [],
        {"Statement": []},
        None,
        0,
        False,
        False,
        boundary,
        False,
        {},
    )
    return bool(local_check_authorization(node, action, resource, dict(context or {})))
