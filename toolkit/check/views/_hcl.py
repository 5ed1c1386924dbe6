"""A small, fast reader of HCL's native syntax: blocks, attributes and literal values.

It reads what the Terraform rules need (block types and labels, attributes,
string literals, object and tuple constructors) and treats every other
expression as opaque text. Comments (``#``, ``//``, ``/* */``), quoted strings
with escapes and ``${ }``/``%{ }`` templates, and heredocs are understood, so a
brace inside any of them never confuses the block structure. Unterminated
blocks, strings, comments and heredocs raise :class:`ParseError` at the line
where they start; so does a newline inside a quoted string, which Terraform
refuses too (python-hcl2 accepts it). The bodies of ``resource``, ``data``,
``variable``, ``output``, ``locals`` and the like (:data:`OPAQUE`) are read
only for balance, since no rule looks inside them.

python-hcl2 (through lark) costs about 50 ms to import and parses about 30
times slower; ``mlrig check`` runs on every commit.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from toolkit.check.findings import ParseError

# Alternatives in order of frequency; where two share a first character, the longer first.
_TOKEN = re.compile(
    r"""[ \t\r\f]*(?:(?P<ident>[A-Za-z_][\w-]*)|(?P<nl>\n)
    |(?P<string>"(?:[^"\\\n$%]|\\.|\$\$\{|%%\{|[$%](?!\{))*")|(?P<template>")
    |(?P<open>[{\[(])|(?P<close>[}\])])|(?P<comment>(?:\#|//)[^\n]*|/\*.*?\*/)|(?P<block>/\*)
    |(?P<heredoc><<-?"?(?P<tag>[A-Za-z_][\w-]*)"?[ \t]*\r?\n
        (?:.*?\n)??[ \t]*(?P=tag)[ \t]*(?=\r?\n|\Z))
    |(?P<open_heredoc><<-?"?[A-Za-z_][\w-]*"?[ \t]*\r?\n)
    |(?P<punct>=>|==|!=|<=|>=|&&|\|\||\.\.\.|[=,:?.!<>+\-*/%])|(?P<number>[0-9][\w.]*)
    |(?P<other>\S))""",
    re.VERBOSE | re.DOTALL,
)
# Top-level blocks whose bodies no rule reads: only checked for balance, much faster.
OPAQUE = frozenset(
    {"resource", "data", "variable", "output", "locals", "moved", "import", "removed", "check"}
)
_SKIP = re.compile(
    r"""[^{}"\#/<]+|/(?![/*])|<(?!<)|(?P<open>\{)|(?P<close>\})
    |(?P<string>"(?:[^"\\\n$%]|\\.|\$\$\{|%%\{|[$%](?!\{))*")|(?P<template>")
    |(?P<comment>(?:\#|//)[^\n]*|/\*.*?\*/)|(?P<block>/\*)
    |(?P<heredoc><<-?"?(?P<tag>[A-Za-z_][\w-]*)"?[ \t]*\r?\n
        (?:.*?\n)??[ \t]*(?P=tag)[ \t]*(?=\r?\n|\Z))
    |(?P<open_heredoc><<-?"?[A-Za-z_][\w-]*"?[ \t]*\r?\n)""",
    re.VERBOSE | re.DOTALL,
)
_SIMPLE_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{")
_IN_STRING = re.compile(r'\$\$\{|%%\{|[$%]\{|["\\\n]')
_IN_TEMPLATE = re.compile(r'[{}"\n]|/\*|#|//')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_PAIRS = {"{": "}", "[": "]", "(": ")"}


class Str(NamedTuple):
    """A quoted string; ``literal`` is false when it holds a ``${ }``/``%{ }`` template."""

    value: str
    line: int
    column: int
    literal: bool = True


class Other(NamedTuple):
    """Any expression this reader does not model, as written."""

    text: str
    line: int
    column: int


class Obj(NamedTuple):
    """An object constructor ``{ key = value, ... }`` with simple keys."""

    items: dict[str, Value]
    line: int
    column: int


class Tup(NamedTuple):
    """A tuple constructor ``[value, ...]``."""

    items: tuple[Value, ...]
    line: int
    column: int


Value = Str | Other | Obj | Tup


class Attribute(NamedTuple):
    """``name = value`` in a body."""

    name: str
    value: Value
    line: int
    column: int


class Block(NamedTuple):
    """``type "label" ... { body }``; the file itself is a block of type ``""``."""

    type: str
    labels: tuple[str, ...]
    line: int
    column: int
    attributes: dict[str, Attribute]
    blocks: list[Block]

    def children(self, kind: str) -> list[Block]:
        """The nested blocks of type ``kind``."""
        return [block for block in self.blocks if block.type == kind]


class _Tok(NamedTuple):
    kind: str
    text: str
    start: int
    end: int
    value: str = ""
    literal: bool = True


class _Positions:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def parse(text: str) -> Block:
    """The file as a body; :class:`ParseError` with the line where the problem starts."""
    positions = _Positions(text)
    return _Parser(_tokens(text, positions), positions, text).file()


def _tokens(text: str, positions: _Positions) -> list[_Tok]:
    tokens: list[_Tok] = []
    append = tokens.append
    pos, restart, depth, head = 0, True, 0, ""
    while restart:
        restart = False
        for found in _TOKEN.finditer(text, pos):
            kind = found.lastgroup
            if kind == "comment":
                continue
            start = found.start(kind) if kind else found.end()
            if kind == "ident":
                head = head or found.group(kind)
                append(_Tok(kind, found.group(kind), start, found.end()))
            elif kind == "nl":
                head = head if depth else ""
                append(_Tok(kind, "\n", start, found.end()))
            elif kind == "string":
                raw = found.group(kind)
                value = (
                    _SIMPLE_ESCAPE.sub(_unescape, raw[1:-1])
                    if "\\" in raw or "{" in raw
                    else raw[1:-1]
                )
                append(_Tok("string", raw, start, found.end(), value))
            elif kind == "template":
                end, value, literal = _string(text, start, positions)
                append(_Tok("string", text[start:end], start, end, value, literal))
                pos, restart = end, True
                break
            elif kind == "open" and depth == 0 and head in OPAQUE and text[start] == "{":
                append(_Tok(kind, "{", start, start + 1))
                end = _skip_body(text, start + 1, start, positions)
                append(_Tok("close", "}", end, end + 1))
                pos, restart, head = end + 1, True, ""
                break
            elif kind in ("block", "open_heredoc"):
                what = "/* comment" if kind == "block" else f"heredoc {found.group(kind).strip()}"
                raise ParseError(f"unterminated {what}", *positions.at(start))
            elif kind in ("heredoc", "tag"):
                append(_Tok("heredoc", found.group("heredoc"), found.start("heredoc"), found.end()))
            elif kind is not None:
                depth += 1 if kind == "open" else -1 if kind == "close" else 0
                append(_Tok(kind, found.group(kind), start, found.end()))
    return tokens


def _skip_body(text: str, pos: int, opener: int, positions: _Positions) -> int:
    """The offset of the ``}`` that closes the body starting at ``pos``, read only for balance."""
    depth, restart = 1, True
    while restart:
        restart = False
        for found in _SKIP.finditer(text, pos):
            kind = found.lastgroup
            if kind == "open":
                depth += 1
            elif kind == "close":
                depth -= 1
                if depth == 0:
                    return found.start()
            elif kind == "template":
                pos, restart = _string(text, found.start(), positions)[0], True
                break
            elif kind in ("block", "open_heredoc"):
                what = "/* comment" if kind == "block" else f"heredoc {found.group(kind).strip()}"
                raise ParseError(f"unterminated {what}", *positions.at(found.start()))
    raise ParseError("unterminated block: no closing }", *positions.at(opener))


def _unescape(found: re.Match[str]) -> str:
    escaped = found.group(1)
    if escaped is None:
        return found.group()[1:]
    if len(escaped) > 1:
        return chr(int(escaped[1:], 16))
    return _ESCAPES.get(escaped, "\\" + escaped)


def _string(text: str, start: int, positions: _Positions) -> tuple[int, str, bool]:
    parts: list[str] = []
    literal, pos = True, start + 1
    while True:
        found = _IN_STRING.search(text, pos)
        if found is None or found.group() == "\n":
            why = "" if found is None else ": a quoted string cannot span lines"
            raise ParseError(f"unterminated string{why}", *positions.at(start))
        parts.append(text[pos : found.start()])
        stop = found.group()
        if stop == '"':
            return found.end(), "".join(parts), literal
        if stop == "\\":
            escape = _SIMPLE_ESCAPE.match(text, found.start())
            parts.append(_unescape(escape) if escape else "\\")
            pos = escape.end() if escape else found.end()
        elif stop in ("$${", "%%{"):
            parts.append(stop[1:])
            pos = found.end()
        else:
            literal = False
            pos = _template_end(text, found.end(), start, positions)
            parts.append(text[found.start() : pos])


def _template_end(text: str, pos: int, start: int, positions: _Positions) -> int:
    depth = 1
    while depth:
        found = _IN_TEMPLATE.search(text, pos)
        if found is None:
            raise ParseError("unterminated string", *positions.at(start))
        stop, pos = found.group(), found.end()
        if stop == '"':
            pos = _string(text, found.start(), positions)[0]
        elif stop in ("#", "//"):
            newline = text.find("\n", pos)
            pos = newline if newline >= 0 else len(text)
        elif stop == "/*":
            close = text.find("*/", pos)
            if close < 0:
                raise ParseError("unterminated /* comment", *positions.at(found.start()))
            pos = close + 2
        elif stop in "{}":
            depth += 1 if stop == "{" else -1
    return pos


class _Parser:
    def __init__(self, tokens: list[_Tok], positions: _Positions, text: str) -> None:
        self.tokens = tokens
        self.positions = positions
        self.text = text
        self.i = 0

    def file(self) -> Block:
        root = Block("", (), 1, 1, {}, [])
        self._body(root, None)
        return root

    def _peek(self) -> _Tok | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _error(self, message: str, token: _Tok | None) -> ParseError:
        offset = token.start if token is not None else len(self.text)
        return ParseError(message, *self.positions.at(offset))

    def _skip_newlines(self) -> _Tok | None:
        while (token := self._peek()) is not None and token.kind == "nl":
            self.i += 1
        return token

    def _body(self, block: Block, opener: _Tok | None) -> None:
        while True:
            token = self._skip_newlines()
            if token is None:
                if opener is not None:
                    raise self._error("unterminated block: no closing }", opener)
                return
            if token.text == "}" and opener is not None:
                self.i += 1
                return
            if token.kind != "ident":
                raise self._error(
                    f"unexpected {token.text!r}; expected an attribute or block", token
                )
            self.i += 1
            after = self._peek()
            if after is not None and after.text == "=":
                self.i += 1
                value = self._value(self._peek())
                line, column = self.positions.at(token.start)
                block.attributes[token.text] = Attribute(token.text, value, line, column)
                self._end_of_item(opener)
            else:
                block.blocks.append(self._block(token))

    def _end_of_item(self, opener: _Tok | None) -> None:
        token = self._peek()
        if token is None or token.kind == "nl" or (token.text == "}" and opener is not None):
            return
        raise self._error(f"unexpected {token.text!r} after a value; expected a new line", token)

    def _block(self, name: _Tok) -> Block:
        labels: list[str] = []
        while (token := self._peek()) is not None and token.kind in ("string", "ident"):
            labels.append(token.value if token.kind == "string" else token.text)
            self.i += 1
        if token is None or token.text != "{":
            raise self._error(f"block {name.text!r} has no opening {{", token or name)
        self.i += 1
        line, column = self.positions.at(name.start)
        block = Block(name.text, tuple(labels), line, column, {}, [])
        self._body(block, token)
        return block

    def _value(self, first: _Tok | None) -> Value:
        if first is None or first.kind == "nl":
            raise self._error("an attribute has no value", first)
        start = self.i
        value: Value | None = None
        if first.kind == "string":
            self.i += 1
            value = Str(first.value, *self.positions.at(first.start), first.literal)
        elif first.text in ("{", "["):
            value = self._constructor(first)
        if value is not None and self._at_end():
            return value
        self.i = start
        self._skip_expression()
        end = self.tokens[self.i - 1].end if self.i > start else first.end
        return Other(self.text[first.start : end], *self.positions.at(first.start))

    def _at_end(self) -> bool:
        token = self._peek()
        return token is None or token.kind == "nl" or token.text in (",", "}", "]", ")")

    def _constructor(self, opener: _Tok) -> Value | None:
        start = self.i
        self.i += 1
        token = self._skip_newlines()
        if token is not None and token.text == "for":
            self.i = start
            return None
        items: list[Value] = []
        keyed: dict[str, Value] = {}
        closer = _PAIRS[opener.text]
        while (token := self._skip_newlines()) is not None and token.text != closer:
            if opener.text == "{":
                key = self._key()
                if key is None:
                    self.i = start
                    return None
                keyed[key] = self._value(self._skip_newlines())
            else:
                items.append(self._value(token))
            token = self._peek()
            if token is not None and token.text == ",":
                self.i += 1
            elif token is not None and token.kind != "nl" and token.text != closer:
                self.i = start
                return None
        if token is None:
            raise self._error(f"unterminated {opener.text}: no closing {closer}", opener)
        self.i += 1
        line, column = self.positions.at(opener.start)
        return Obj(keyed, line, column) if opener.text == "{" else Tup(tuple(items), line, column)

    def _key(self) -> str | None:
        token = self._peek()
        after = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        if token is None or after is None or after.text not in ("=", ":"):
            return None
        if token.kind not in ("ident", "string"):
            return None
        self.i += 2
        return token.value if token.kind == "string" else token.text

    def _skip_expression(self) -> None:
        stack: list[_Tok] = []
        while (token := self._peek()) is not None:
            if not stack and (token.kind == "nl" or token.text in (",", "}", "]", ")")):
                return
            if token.kind == "open":
                stack.append(token)
            elif token.kind == "close":
                if _PAIRS[stack[-1].text] != token.text:
                    raise self._error(f"{token.text!r} does not close {stack[-1].text!r}", token)
                stack.pop()
            self.i += 1
        if stack:
            raise self._error(f"unterminated {stack[-1].text}: no closing bracket", stack[-1])
