"""## What it does
Compares the Terraform versions a repository names: `.terraform-version`
(tfenv), the `terraform_version` input of `hashicorp/setup-terraform` in
workflows, and every `required_version` constraint in `terraform { }` blocks.
Exact versions must be equal, and each must satisfy every `required_version`,
within one project (see `toolkit/check/scope.py`): a Terraform root is the
infrastructure of the project around it, and a workflow job that runs in a
`working-directory` belongs to that folder's project, so independent examples
of a monorepo are not held to each other's versions.

## Why is this bad
A plan made locally with one Terraform and applied in CI with another can
upgrade the state format, after which the older binary refuses the state: the
team is forced onto the new version in the middle of an incident.

## Example
```hcl
terraform {
  required_version = "~> 1.9.0"   # while .terraform-version says 1.12.2
}
```

## Fix
Write one exact version into `.terraform-version` and the CI input, and keep
`required_version` a constraint that contains it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check._record import lazy_pattern
from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._pep440 import parse_version, satisfies
from toolkit.check.views.mentions import Mention, input_versions, reference

CODE = "X006"
NAME = "inconsistent-terraform-version"
FAMILY = "consistency"
SUMMARY = "Files name different Terraform versions"
VIEWS: tuple[str, ...] = ("tfversions", "workflow", "action")

_EXACT = lazy_pattern(r"v?(\d+\.\d+\.\d+)\Z")
_HCL_CLAUSE = lazy_pattern(r"\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+)*)\s*")


def to_pep440(constraint: str) -> str | None:
    """A Terraform version constraint as a PEP 440 specifier (``~> 1.9`` is ``~=1.9``)."""
    clauses = []
    for part in constraint.split(","):
        found = _HCL_CLAUSE.fullmatch(part)
        if not found:
            return None
        op, version = found.group(1) or "=", found.group(2)
        clauses.append({"~>": "~=", "=": "=="}.get(op, op) + version)
    return ",".join(clauses)


def collect(project: Project) -> tuple[list[Mention], list[Mention]]:
    """Exact versions, and ``required_version`` constraints."""
    declared = project.each_file("tfversions", "terraform-versions", lambda v, _: _versions(v))
    # Rank 0: an exact version file; rank 2: a required_version constraint.
    exact = [m for m in declared if m.rank == 0]
    constraints = [m for m in declared if m.rank == 2]
    for name in ("terraform_version", "terraform-version"):
        for mention in input_versions(project, name, "setup-terraform", 1):
            if _EXACT.match(mention.value.strip()):
                exact.append(mention)
    return exact, constraints


def _versions(view: Any) -> list[Mention]:
    found = view.terraform_version
    exact = (
        [Mention(view.path, found.line, 1, found.value.lstrip("v"), found.label, 0)]
        if found is not None and _EXACT.match(found.value)
        else []
    )
    return exact + [
        Mention(view.path, r.line, r.column, r.value, r.label, 2) for r in view.required_versions
    ]


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Per project, exact versions agree and satisfy every constraint."""
    del options
    from toolkit.check.scope import scope_of

    scope = scope_of(project)
    exact, constraints = collect(project)
    groups: dict[str, tuple[list[Mention], list[Mention]]] = {}
    for bucket, mentions in enumerate((exact, constraints)):
        for mention in mentions:
            group = scope.unit_of(mention.path, mention.line).group
            groups.setdefault(group, ([], []))[bucket].append(mention)
    for group in sorted(groups):
        yield from _check_group(*groups[group])


def _check_group(exact: list[Mention], constraints: list[Mention]) -> Iterator[Finding]:
    ref = reference(exact, key=lambda m: parse_version(m.value.lstrip("v")))
    for mention in exact:
        value = mention.value.strip().lstrip("v")
        if ref is not None and parse_version(value) != parse_version(ref.value.lstrip("v")):
            message = (
                f"terraform {value} here, but {ref.value} in {ref.where} ({ref.what}); "
                f"use {ref.value}"
            )
            yield Finding(mention.path, mention.line, mention.column, CODE, message)
            continue
        for constraint in constraints:
            spec = to_pep440(constraint.value)
            if spec is not None and satisfies(value, spec) is False:
                message = (
                    f"terraform {value} here does not satisfy required_version "
                    f"'{constraint.value}' in {constraint.where}; use one that does"
                )
                yield Finding(mention.path, mention.line, mention.column, CODE, message)
                break
