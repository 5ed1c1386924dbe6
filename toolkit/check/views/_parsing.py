"""Readers shared by the DVC and dependency views, over the engine's loaders.

YAML goes through :mod:`toolkit.check.yamlsource` (the one YAML door) and TOML
through :mod:`toolkit.check.views.toml_file`; both raise the engine's
:class:`~toolkit.check.findings.ParseError`. The result is :class:`Located`
data: the positioned values plus a key-path table of marks.
"""

from __future__ import annotations

from typing import Any

from toolkit.check.findings import ParseError
from toolkit.check.views._located import KeyPath, Located, Mark

__all__ = ["ParseError", "load_toml", "load_yaml"]


def load_yaml(path: str, text: str) -> Located:
    """The first YAML document of ``text`` with its marks."""
    from toolkit.check.yamlsource import load

    try:
        root = load(path, text).root
    except IndexError:  # a syntax error reported past the last line
        raise ParseError("invalid YAML: unexpected end of file", text.count("\n") + 1) from None
    marks: dict[KeyPath, Mark] = {(): _pos(root)}
    _collect(root, (), marks, set())
    return Located(root, marks)


def load_toml(text: str) -> dict[str, Any]:
    """A TOML document (no marks: TOML parsers drop positions)."""
    from toolkit.check.views.toml_file import loads

    return loads(text)


def _pos(value: Any) -> Mark:
    return (getattr(value, "line", 1), getattr(value, "col", 1))


def _collect(value: Any, path: KeyPath, marks: dict[KeyPath, Mark], seen: set[int]) -> None:
    from toolkit.check.yamlsource import YList, YMap

    if id(value) in seen:
        return
    if isinstance(value, YMap):
        seen.add(id(value))
        # As ``value.key_pos(key)``: the last node written for each key, read
        # straight from the marks without building the mapping's position tables.
        key_nodes = dict(zip(value._keys, (pair[0] for pair in value._pairs), strict=True))
        for key, item in value.items():
            where = (*path, _key(key))
            node = key_nodes.get(key)
            marks[where] = (
                (node.start_mark.line + 1, node.start_mark.column + 1)
                if node is not None
                else (value.line, value.col)
            )
            _collect(item, where, marks, seen)
    elif isinstance(value, YList):
        seen.add(id(value))
        for index, (item, node) in enumerate(zip(value, value._nodes, strict=True)):
            where = (*path, index)
            marks[where] = (node.start_mark.line + 1, node.start_mark.column + 1)
            _collect(item, where, marks, seen)


def _key(key: Any) -> str | int:
    return key if isinstance(key, str) else str(key)
