"""The one fast, read-only YAML door of ``mlrig check``.

PyYAML's C parser composes the node graph (marks included); :func:`load` turns
it into plain Python containers whose values carry their 1-based positions:

* strings are :class:`YStr`, integers :class:`YInt`, floats :class:`YFloat`
  (each with ``line``, ``col``, ``end_line``, ``end_col`` and ``raw``, so
  ``python-version: 3.10`` is still ``"3.10"``);
* mappings are :class:`YMap` and sequences :class:`YList`, with ``line``/``col``
  and per-entry positions (``pos(key)``, ``key_pos(key)``, ``item_pos(i)``) for
  values such as booleans and nulls that cannot carry attributes.

(The value classes live in :mod:`toolkit.check.yamlvalues`; import them from here.)

An alias is converted once and shared, and the expanded size is bounded, so a
"billion laughs" document is a :class:`ParseError`, not a hang. Undecodable
bytes, tabs and control characters are parse errors with a line as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import yaml

from toolkit.check.findings import ParseError
from toolkit.check.yamlvalues import Pos, YFloat, YInt, YList, YMap, YStr

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

__all__ = ["Pos", "YFloat", "YInt", "YList", "YMap", "YStr", "YamlDoc", "load"]

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_EXPANSION = 100_000
# libyaml composes nodes recursively on the C stack: about 30,000 levels crash the
# process. Deeper than this is refused from the event stream, before composing.
MAX_DEPTH = 1_000
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_WORDS = {
    **dict.fromkeys(
        ["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE"], "tag:yaml.org,2002:bool"
    ),
    **dict.fromkeys(
        ["false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"], "tag:yaml.org,2002:bool"
    ),
    **dict.fromkeys(["", "~", "null", "Null", "NULL"], "tag:yaml.org,2002:null"),
    "<<": "tag:yaml.org,2002:merge",
    "=": "tag:yaml.org,2002:value",
}  # fmt: skip
_NUMERIC_START = frozenset("0123456789+-.")


class _FastLoader(_Loader):
    """The C loader with YAML 1.1 implicit typing done without a regex per plain scalar.

    PyYAML's resolver tries every regular expression registered for a scalar's
    first letter, so ``name:`` or ``node-version:`` costs a bool and a null
    match; here words are looked up and only scalars that start like a number
    or a date reach the regular expressions. Path resolvers are not used.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return _MAP if kind is yaml.MappingNode else _SEQ
        if not implicit[0]:
            return _STR
        word = _WORDS.get(value)
        if word is not None:
            return word
        if value[:1] in _NUMERIC_START:
            for tag, regexp in self.yaml_implicit_resolvers.get(value[0], ()):
                if regexp.match(value):
                    return str(tag)
        return _STR

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


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
        if stripped[:1] in (",", "}", "]"):  # inside a flow collection: the line's comment
            return _trailing_comment(stripped)
        return None


def _trailing_comment(rest: str) -> str | None:
    """The comment that ends a line of flow YAML (a ``#`` after a blank, outside quotes)."""
    quote = ""
    previous = ""
    for index, char in enumerate(rest):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and previous in (" ", "\t"):
            return str(rest[index + 1 :].strip())
        previous = char
    return None


def load(path: str, text: str) -> YamlDoc:
    """Parse every document of ``text``; raise :class:`ParseError` on any problem."""
    if _could_nest_deeper_than(text, MAX_DEPTH):
        _refuse_deep(text)
    loader = _FastLoader(text)
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


def _could_nest_deeper_than(text: str, depth: int) -> bool:
    """Cheap bound: each level needs a flow bracket or (at most two levels) a column."""
    if len(text) <= depth:
        return False
    brackets = text.count("[") + text.count("{")
    return brackets + 2 * max(map(len, text.split("\n"))) > depth


def _refuse_deep(text: str) -> None:
    """Raise :class:`ParseError` where ``text`` nests more than :data:`MAX_DEPTH` levels."""
    depth = 0
    opening = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    closing = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, opening):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    message = f"invalid YAML: nested more than {MAX_DEPTH} levels deep"
                    raise ParseError(message, line, column)
            elif isinstance(event, closing):
                depth -= 1
    except yaml.MarkedYAMLError as err:
        raise _parse_error(err, text) from None
    except yaml.YAMLError as err:
        raise _reader_error(err, text) from None


def _parse_error(err: yaml.MarkedYAMLError, text: str) -> ParseError:
    mark = err.problem_mark or err.context_mark
    problem = err.problem or err.context or "invalid YAML"
    if mark is None:
        return ParseError(f"invalid YAML: {problem}")
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
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
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node), 1
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.active:
            raise ParseError("invalid YAML: recursive alias", *_start(node))
        self.active.add(key)
        result: tuple[Any, int] = (
            self._mapping(node)
            if isinstance(node, yaml.MappingNode)
            else self._sequence(cast(yaml.SequenceNode, node))
        )
        self.active.discard(key)
        if result[1] > MAX_EXPANSION:
            message = f"invalid YAML: aliases expand to more than {MAX_EXPANSION} nodes"
            raise ParseError(message, *_start(node))
        self.done[key] = result
        return result

    def _mapping(self, node: yaml.MappingNode) -> tuple[YMap, int]:
        keys: list[Any] = []
        out = YMap(*_start(node), node.value, keys)
        size = 1
        visit = self._visit
        scalar_node = yaml.ScalarNode
        for key_node, value_node in node.value:
            # Scalars inline (most keys and values): no call, no tuple.
            if key_node.__class__ is scalar_node:
                key = _scalar(key_node)
                size += 1
            else:
                key, key_size = visit(key_node)
                size += key_size
                if isinstance(key, (YMap, YList)):
                    # A collection as a key (YAML's `? {a: b}`) names nothing a rule
                    # reads; its position keeps it distinct. str() would quote the
                    # nested key's own text again at every level: exponential size.
                    line, col = _start(key_node)
                    key = f"<{type(key).__name__} key at {line}:{col}>"
            if value_node.__class__ is scalar_node:
                out[key] = _scalar(value_node)
                size += 1
            else:
                value, value_size = visit(value_node)
                out[key] = value
                size += value_size
            keys.append(key)
        return out, size

    def _sequence(self, node: yaml.SequenceNode) -> tuple[YList, int]:
        out = YList(*_start(node), node.value)
        size = 1
        visit = self._visit
        scalar_node = yaml.ScalarNode
        for item_node in node.value:
            if item_node.__class__ is scalar_node:
                out.append(_scalar(item_node))
                size += 1
            else:
                item, item_size = visit(item_node)
                out.append(item)
                size += item_size
        return out, size


def _start(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    value: Any
    if tag == _STR or node.style:
        value = YStr(node.value)
    elif tag.endswith(":bool"):
        return _CONSTRUCTOR.construct_yaml_bool(node)
    elif tag.endswith(":null"):
        return None
    elif tag.endswith(":int"):
        value = YInt(_CONSTRUCTOR.construct_yaml_int(node))
    elif tag.endswith(":float"):
        value = YFloat(_CONSTRUCTOR.construct_yaml_float(node))
    else:
        value = YStr(node.value)
    value._node = node
    return value
