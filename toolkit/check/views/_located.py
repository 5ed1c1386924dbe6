"""Plain data with line marks, shared by the DVC and dependency views.

A YAML or TOML document becomes ordinary Python data (``dict``, ``list``,
scalars) plus a table from a key path, such as ``("stages", "train", "cmd")``,
to the 1-based line and column where that entry starts. Rules report on the
deepest path that has a mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataclasses import dataclass, field
else:
    from toolkit.check._record import dataclass, field

Key = str | int
KeyPath = tuple[Key, ...]
Mark = tuple[int, int]


@dataclass(frozen=True)
class Located:
    """A parsed document and the position of each of its entries."""

    data: Any
    marks: Mapping[KeyPath, Mark] = field(default_factory=dict)

    def mark(self, *path: Key) -> Mark:
        """The position of ``path``, or of its nearest marked ancestor, or 1:1."""
        keys: KeyPath = tuple(path)
        while keys:
            found = self.marks.get(keys)
            if found is not None:
                return found
            keys = keys[:-1]
        return self.marks.get((), (1, 1))

    def get(self, *path: Key) -> Any:
        """The value at ``path``, or ``None`` when any step is missing."""
        value = self.data
        for key in path:
            if isinstance(value, Mapping):
                if key not in value:
                    return None
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return None
        return value
