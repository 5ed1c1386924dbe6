"""The positioned values that :mod:`toolkit.check.yamlsource` builds.

Scalars keep a reference to their node and read their 1-based positions from
its marks on demand; mappings and sequences keep their ``line``/``col`` and
build the per-entry position tables only when a rule first asks. Building
every position up front cost more than parsing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple


class Pos(NamedTuple):
    """A 1-based line and column."""

    line: int
    col: int


class _Placed:
    """Positions read from the node's marks (``_node`` is set by the converter)."""

    __slots__ = ()
    _node: Any

    @property
    def line(self) -> int:
        return int(self._node.start_mark.line) + 1

    @property
    def col(self) -> int:
        return int(self._node.start_mark.column) + 1

    @property
    def end_line(self) -> int:
        return int(self._node.end_mark.line) + 1

    @property
    def end_col(self) -> int:
        return int(self._node.end_mark.column) + 1

    @property
    def raw(self) -> str:
        """The scalar as written (``3.10`` for a float that reads as 3.1)."""
        return str(self._node.value)


class YStr(_Placed, str):
    """A YAML string that knows where it is."""


class YInt(_Placed, int):
    """A YAML integer that knows where it is and how it was written."""


class YFloat(_Placed, float):
    """A YAML float that knows where it is and how it was written (``3.10``)."""


class YMap(dict[Any, Any]):
    """A YAML mapping with the positions of its keys and values."""

    line: int
    col: int

    def __init__(self, line: int = 1, col: int = 1, pairs: Any = (), keys: Any = ()) -> None:
        super().__init__()
        self.line, self.col = line, col
        self._pairs = pairs
        self._keys = keys
        self._keys_at: dict[Any, Pos] | None = None
        self._values_at: dict[Any, Pos] | None = None

    @property
    def keys_at(self) -> dict[Any, Pos]:
        if self._keys_at is None:
            self._index()
        assert self._keys_at is not None
        return self._keys_at

    @property
    def values_at(self) -> dict[Any, Pos]:
        if self._values_at is None:
            self._index()
        assert self._values_at is not None
        return self._values_at

    def pos(self, key: Any) -> Pos:
        """Where the value of ``key`` starts (the mapping itself when absent)."""
        return self.values_at.get(key, Pos(self.line, self.col))

    def key_pos(self, key: Any) -> Pos:
        """Where ``key`` itself is written (the mapping itself when absent)."""
        return self.keys_at.get(key, Pos(self.line, self.col))

    def repeated_keys(self) -> list[tuple[Any, int, int]]:
        """Each key written more than once: the key, the line it repeats on, its first line."""
        first: dict[Any, int] = {}
        repeated = []
        for key, (key_node, _) in zip(self._keys, self._pairs, strict=True):
            line = _pos(key_node).line
            if key in first:
                repeated.append((key, line, first[key]))
            first.setdefault(key, line)
        return repeated

    def _index(self) -> None:
        self._keys_at, self._values_at = {}, {}
        for key, (key_node, value_node) in zip(self._keys, self._pairs, strict=True):
            self._keys_at[key] = _pos(key_node)
            self._values_at[key] = _pos(value_node)


class YList(list[Any]):
    """A YAML sequence with the positions of its items."""

    line: int
    col: int

    def __init__(self, line: int = 1, col: int = 1, nodes: Any = ()) -> None:
        super().__init__()
        self.line, self.col = line, col
        self._nodes = nodes
        self._items_at: list[Pos] | None = None

    @property
    def items_at(self) -> list[Pos]:
        if self._items_at is None:
            self._items_at = [_pos(node) for node in self._nodes]
        return self._items_at

    def item_pos(self, index: int) -> Pos:
        return self.items_at[index]


def _pos(node: Any) -> Pos:
    mark = node.start_mark
    return Pos(mark.line + 1, mark.column + 1)
