"""Terraform's version constraints: ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``~>``.

A constraint is clauses joined by commas, all of which must hold. A bare
version means ``=``. ``~> 1.2`` allows ``>= 1.2, < 2.0``; ``~> 1.2.3`` allows
``>= 1.2.3, < 1.3.0``. A pre-release version matches only a clause that names
that exact pre-release, as in Terraform.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

_CLAUSE = re.compile(r"\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+){0,2})(-[0-9A-Za-z.-]+)?\s*")
_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?")


class Clause(NamedTuple):
    """One ``op version`` clause; ``parts`` keeps how many numbers were written."""

    op: str
    numbers: tuple[int, ...]
    pre: str


def parse_constraint(text: str) -> list[Clause] | None:
    """The clauses of ``text``, or ``None`` when it is not a valid constraint."""
    clauses = []
    for part in text.split(","):
        found = _CLAUSE.fullmatch(part)
        if not found:
            return None
        numbers = tuple(int(n) for n in found.group(2).split("."))
        clauses.append(Clause(found.group(1) or "=", numbers, found.group(3) or ""))
    return clauses


def is_exact(text: str) -> bool:
    """One clause, ``=`` or bare, naming a full ``X.Y.Z`` version."""
    clauses = parse_constraint(text)
    return (
        clauses is not None
        and len(clauses) == 1
        and clauses[0].op == "="
        and len(clauses[0].numbers) == 3
    )


def satisfies(version: str, constraint: str) -> bool | None:
    """Whether ``version`` meets ``constraint`` (``None``: either cannot be read)."""
    found = _VERSION.fullmatch(version.strip())
    clauses = parse_constraint(constraint)
    if found is None or clauses is None:
        return None
    numbers = tuple(int(found.group(i)) for i in (1, 2, 3))
    pre = found.group(4) or ""
    return all(_holds(numbers, pre, clause) for clause in clauses)


def _holds(numbers: tuple[int, ...], pre: str, clause: Clause) -> bool:
    wanted = (*clause.numbers, 0, 0, 0)[:3]
    if pre and (clause.pre != pre or wanted != numbers):
        return clause.op == "!=" and not (clause.pre == pre and wanted == numbers)
    mine = (numbers, 0 if pre else 1)
    theirs = (wanted, 0 if clause.pre else 1)
    if clause.op == "~>":
        return mine >= theirs and numbers < _ceiling(clause.numbers)
    return {
        "=": mine == theirs,
        "!=": mine != theirs,
        ">": mine > theirs,
        ">=": mine >= theirs,
        "<": mine < theirs,
        "<=": mine <= theirs,
    }[clause.op]


def _ceiling(numbers: tuple[int, ...]) -> tuple[int, ...]:
    """The first version that ``~> numbers`` excludes: bump the next-to-last number."""
    if len(numbers) == 1:
        return (numbers[0] + 1, 0, 0)
    bumped = (*numbers[: len(numbers) - 2], numbers[-2] + 1)
    return (*bumped, 0, 0, 0)[:3]
