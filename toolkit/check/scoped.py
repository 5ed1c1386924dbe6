"""Compare version mentions the way :mod:`toolkit.check.scope` allows.

A mention is compared first with the mentions of its own unit and of the units
linked to it; the strongest of those (lowest rank, then first written) is its
reference. A mention that has none is compared with the other units of its
project that are not variants; there the places holding another value are
named, each value once. A variant with nothing near it is compared with nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any

from toolkit.check.scope import Scope, Unit
from toolkit.check.views.mentions import Mention

Key = Callable[[Mention], Any]


def _order(mention: Mention) -> tuple[int, str, int]:
    return mention.rank, mention.path, mention.line


class _Pool:
    """Mentions of one project (by index), counted by value once rather than per mention."""

    def __init__(self, members: list[int], mentions: Sequence[Mention], keys: list[Hashable]):
        self.keys = keys
        self.members = set(members)
        self.counts = Counter(keys[i] for i in members)
        self.firsts: dict[Hashable, list[int]] = {}
        for index in sorted(members, key=lambda i: _order(mentions[i])):
            places = self.firsts.setdefault(keys[index], [])
            if len(places) < 2:
                places.append(index)  # the second stands in when the first is the one asked

    def others(self, index: int, mentions: Sequence[Mention]) -> list[Mention]:
        """The first place of each other value, when mention ``index`` does not hold the
        most common value of this pool (without it) and itself."""
        mine = self.keys[index]
        counts = Counter(self.counts)
        if index in self.members:
            counts[mine] -= 1
        if sum(counts.values()) == 0:
            return []
        counts[mine] += 1
        firsts: dict[Hashable, int] = {}
        for key, places in self.firsts.items():
            other = next((i for i in places if i != index), None)
            if other is not None and counts[key]:
                firsts[key] = other
        own = firsts.get(mine)
        firsts[mine] = index if own is None else min(own, index, key=lambda i: _order(mentions[i]))
        ranked = sorted(firsts, key=lambda k: (-counts[k], _order(mentions[firsts[k]])))
        if ranked[0] == mine:
            return []
        return [mentions[firsts[key]] for key in ranked if key != mine]


def disagreements(
    scope: Scope, mentions: Sequence[Mention], key: Key | None = None, weak_rank: int = 99
) -> Iterator[tuple[Mention, list[Mention]]]:
    """Each mention that disagrees with its scope, with the places it disagrees with.

    Mentions of rank ``weak_rank`` or more (inferred values) are never the
    reference while a stronger mention is in reach.
    """
    keyed = key or (lambda mention: mention.value)
    keys = [keyed(mention) for mention in mentions]
    units = [scope.unit_of(mention.path, mention.line) for mention in mentions]
    by_unit: dict[str, list[int]] = {}
    for index, unit in enumerate(units):
        by_unit.setdefault(unit.id, []).append(index)
    pools = _pools(units, mentions, keys, weak_rank)
    for index, mention in enumerate(mentions):
        unit = units[index]
        reach = scope.linked(unit)
        near = [o for uid in sorted(reach) for o in by_unit.get(uid, []) if o != index]
        if near:
            ref = min(
                [*near, index], key=lambda i: (mentions[i].rank >= weak_rank, _order(mentions[i]))
            )
            if keys[index] != keys[ref]:
                yield mention, [mentions[ref]]
            continue
        if unit.tag is None and unit.group in pools:
            every, strong = pools[unit.group]
            chosen = strong if strong.counts else every
            others = chosen.others(index, mentions)
            if others:
                yield mention, others


def _pools(
    units: list[Unit], mentions: Sequence[Mention], keys: list[Hashable], weak_rank: int
) -> dict[str, tuple[_Pool, _Pool]]:
    """Per project: the pool of all its non-variant mentions and of the strong ones."""
    grouped: dict[str, list[int]] = {}
    for index, unit in enumerate(units):
        if unit.tag is None:
            grouped.setdefault(unit.group, []).append(index)
    return {
        group: (
            _Pool(found, mentions, keys),
            _Pool([i for i in found if mentions[i].rank < weak_rank], mentions, keys),
        )
        for group, found in grouped.items()
    }


def places(mentions: list[Mention], value: Callable[[Mention], str]) -> str:
    """``12.4 in a:3 (what), 11.8 in b:1 (what)``."""
    return ", ".join(f"{value(m)} in {m.where} ({m.what})" for m in mentions)
