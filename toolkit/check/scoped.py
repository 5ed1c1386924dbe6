"""Compare version mentions the way :mod:`toolkit.check.scope` allows.

A mention is compared first with the mentions of its own unit and of the units
linked to it; the strongest of those (lowest rank, then first written) is its
reference. A mention that has none is compared with the other units of its
project that are not variants; there the places holding another value are
named, each value once. A variant with nothing near it is compared with nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from toolkit.check.scope import Scope, Unit
from toolkit.check.views.mentions import Mention

Key = Callable[[Mention], Any]


def disagreements(
    scope: Scope, mentions: Sequence[Mention], key: Key | None = None, weak_rank: int = 99
) -> Iterator[tuple[Mention, list[Mention]]]:
    """Each mention that disagrees with its scope, with the places it disagrees with.

    Mentions of rank ``weak_rank`` or more (inferred values) are never the
    reference while a stronger mention is in reach.
    """
    keyed = key or (lambda mention: mention.value)
    units = {mention: scope.unit_of(mention.path, mention.line) for mention in mentions}
    by_unit: dict[str, list[Mention]] = {}
    for mention, unit in units.items():
        by_unit.setdefault(unit.id, []).append(mention)
    for mention in mentions:
        unit = units[mention]
        reach = scope.linked(unit)
        near = [o for uid in sorted(reach) for o in by_unit.get(uid, []) if o != mention]
        if near:
            ref = min([*near, mention], key=lambda m: (m.rank >= weak_rank, m.rank, m.path, m.line))
            if keyed(mention) != keyed(ref):
                yield mention, [ref]
            continue
        if unit.tag is not None:
            continue
        peers = [o for o in mentions if o != mention and _peer(units[o], unit, reach)]
        others = _other_values(mention, peers, keyed, weak_rank)
        if others:
            yield mention, others


def _peer(other: Unit, unit: Unit, reach: set[str]) -> bool:
    return other.group == unit.group and other.tag is None and other.id not in reach


def _other_values(
    mention: Mention, peers: list[Mention], keyed: Key, weak_rank: int
) -> list[Mention]:
    """The first place of each value other than the most common one around ``mention``,
    when ``mention`` does not hold that most common value."""
    strong = [m for m in peers if m.rank < weak_rank]
    candidates = [*(strong or peers), mention]
    counts = Counter(keyed(m) for m in candidates)
    best = min(candidates, key=lambda m: (-counts[keyed(m)], m.rank, m.path, m.line))
    if keyed(best) == keyed(mention):
        return []
    firsts: dict[Any, Mention] = {}
    for other in sorted(candidates, key=lambda m: (-counts[keyed(m)], m.rank, m.path, m.line)):
        if keyed(other) != keyed(mention):
            firsts.setdefault(keyed(other), other)
    return list(firsts.values())


def places(mentions: list[Mention], value: Callable[[Mention], str]) -> str:
    """``12.4 in a:3 (what), 11.8 in b:1 (what)``."""
    return ", ".join(f"{value(m)} in {m.where} ({m.what})" for m in mentions)
