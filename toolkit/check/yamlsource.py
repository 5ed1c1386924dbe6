"""The one fast, read-only YAML door of ``mlrig check``.

PyYAML's C parser composes the node graph (marks included); :func:`load` turns
it into plain Python containers whose values carry their 1-based positions:

* strings are :class:`YStr`, integers :class:`YInt`, floats :class:`YFloat`
  (each with ``line``, ``col``, ``end_line``, ``end_col``; numbers keep ``raw``,
  so ``python-version: 3.10`` is still ``"3.10"``);
* mappings are :class:`YMap` and sequences :class:`YList`, with ``line``/``col``
  and per-entry positions (``pos(key)``, ``key_pos(key)``, ``item_pos(i)``) for
  values such as booleans and nulls that cannot carry attributes.

An alias is converted once and shared, and the expanded size is bounded, so a
"billion laughs" document is a :class:`ParseError`, not a hang. Undecodable
bytes, tabs and control characters are parse errors with a line as well.
"""

from __future__ import annotations

from typing import Any, NamedTuple, cast

import yaml

from toolkit.check.findings import ParseError

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_EXPANSION = 100_000
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"


class Pos(NamedTuple):
    """A 1-based line and column."""

    line: int
    col: int


class YStr(str):
    """A YAML string that knows where it is."""

    line: int
    col: int
    end_line: int
    end_col: int

    @property
    def raw(self) -> str:
        return str(self)


class YInt(int):
    """A YAML integer that knows where it is and how it was written."""

    line: int
    col: int
    end_line: int
    end_col: int
    raw: str


class YFloat(float):
    """A YAML float that knows where it is and how it was written (``3.10``)."""

    line: int
    col: int
    end_line: int
    end_col: int
    raw: str


class YMap(dict[Any, Any]):
    """A YAML mapping with the positions of its keys and values."""

    line: int
    col: int

    def __init__(self) -> None:
        super().__init__()
        self.keys_at: dict[Any, Pos] = {}
        self.values_at: dict[Any, Pos] = {}

    def pos(self, key: Any) -> Pos:
        """Where the value of ``key`` starts (the mapping itself when absent)."""
        return self.values_at.get(key, Pos(self.line, self.col))

    def key_pos(self, key: Any) -> Pos:
        """Where ``key`` itself is written (the mapping itself when absent)."""
        return self.keys_at.get(key, Pos(self.line, self.col))


class YList(list[Any]):
    """A YAML sequence with the positions of its items."""

    line: int
    col: int

    def __init__(self) -> None:
        super().__init__()
        self.items_at: list[Pos] = []

    def item_pos(self, index: int) -> Pos:
        return self.items_at[index]


class YamlDoc(NamedTuple):
    """A parsed YAML file: its documents, and its lines for comment lookups."""

    path: str
    documents: list[Any]
    lines: list[str]

    @property
    def root(self) -> Any:
        """The first document (``None`` for an empty file)."""
        return self.documents[0] if self.documents else None

    def comment_after(self, value: Any) -> str | None:
        """The ``# comment`` that follows ``value`` on its last line, without the ``#``."""
        end_line = getattr(value, "end_line", None)
        if end_line is None or end_line > len(self.lines):
            return None
        rest = self.lines[end_line - 1][value.end_col - 1 :]
        stripped = rest.lstrip()
        if stripped.startswith("#") and (stripped is rest or rest[0] in " \t"):
            return str(stripped[1:].strip())
        return None


def load(path: str, text: str) -> YamlDoc:
    """Parse every document of ``text``; raise :class:`ParseError` on any problem."""
    loader = _Loader(text)
    try:
        nodes: list[yaml.Node] = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
    except yaml.MarkedYAMLError as err:
        raise _parse_error(err, text) from None
    except yaml.YAMLError as err:
        raise _reader_error(err, text) from None
    finally:
        loader.dispose()
    try:
        documents = [_Converter().convert(node) for node in nodes]
    except RecursionError:
        raise ParseError("YAML nested too deeply") from None
    return YamlDoc(path, documents, text.splitlines())


def _parse_error(err: yaml.MarkedYAMLError, text: str) -> ParseError:
    mark = err.problem_mark or err.context_mark
    problem = err.problem or err.context or "invalid YAML"
    if mark is None:
        return ParseError(f"invalid YAML: {problem}")
    line = text.splitlines()[mark.line] if mark.line < text.count("\n") + 1 else ""
    if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
        problem = "a tab character indents this line (YAML indents with spaces)"
    return ParseError(f"invalid YAML: {problem}", mark.line + 1, mark.column + 1)


def _reader_error(err: yaml.YAMLError, text: str) -> ParseError:
    position = getattr(err, "position", 0) or 0
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    reason = getattr(err, "reason", None) or str(err).splitlines()[0]
    return ParseError(f"invalid YAML: {reason}", line, column)


class _Converter:
    """Turns composed nodes into positioned values, sharing aliased nodes."""

    def __init__(self) -> None:
        self.done: dict[int, tuple[Any, int]] = {}
        self.active: set[int] = set()

    def convert(self, node: yaml.Node) -> Any:
        value, _ = self._visit(node)
        return value

    def _visit(self, node: yaml.Node) -> tuple[Any, int]:
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.active:
            raise ParseError("invalid YAML: recursive alias", *_start(node))
        self.active.add(key)
        result: tuple[Any, int]
        if isinstance(node, yaml.MappingNode):
            result = self._mapping(node)
        elif isinstance(node, yaml.SequenceNode):
            result = self._sequence(node)
        else:
            result = (_scalar(cast(yaml.ScalarNode, node)), 1)
        self.active.discard(key)
        if result[1] > MAX_EXPANSION:
            message = f"invalid YAML: aliases expand to more than {MAX_EXPANSION} nodes"
            raise ParseError(message, *_start(node))
        self.done[key] = result
        return result

    def _mapping(self, node: yaml.MappingNode) -> tuple[YMap, int]:
        out = _place(YMap(), node)
        size = 1
        for key_node, value_node in node.value:
            key, key_size = self._visit(key_node)
            if isinstance(key, (YMap, YList)):
                key = str(key)
            value, value_size = self._visit(value_node)
            out[key] = value
            out.keys_at[key] = Pos(*_start(key_node))
            out.values_at[key] = Pos(*_start(value_node))
            size += key_size + value_size
        return out, size

    def _sequence(self, node: yaml.SequenceNode) -> tuple[YList, int]:
        out = _place(YList(), node)
        size = 1
        for item_node in node.value:
            item, item_size = self._visit(item_node)
            out.append(item)
            out.items_at.append(Pos(*_start(item_node)))
            size += item_size
        return out, size


def _start(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _place(value: Any, node: yaml.Node) -> Any:
    value.line, value.col = _start(node)
    return value


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    value: Any
    if tag == _STR or node.style in ("'", '"', "|", ">"):
        value = YStr(node.value)
    elif tag.endswith(":bool"):
        return _CONSTRUCTOR.construct_yaml_bool(node)
    elif tag.endswith(":null"):
        return None
    elif tag.endswith(":int"):
        value = YInt(_CONSTRUCTOR.construct_yaml_int(node))
        value.raw = node.value
    elif tag.endswith(":float"):
        value = YFloat(_CONSTRUCTOR.construct_yaml_float(node))
        value.raw = node.value
    else:
        value = YStr(node.value)
    value.line, value.col = _start(node)
    value.end_line, value.end_col = node.end_mark.line + 1, node.end_mark.column + 1
    return value
