"""Just enough of PEP 508 environment markers to say whether a lock line applies to a Python.

``python_version`` and ``python_full_version`` are compared with PEP 440 (no
``packaging`` needed); any other variable is unknown. The answer is three-valued:
``True``/``False`` when the Python decides it, ``None`` when it does not (or the marker
cannot be read), so that a caller keeps what it cannot rule out.

A Python given as ``X.Y`` (a ``python:3.11`` image, a ``.python-version`` of ``3.11``)
stands for every ``X.Y.Z``: a ``python_full_version`` comparison decides it when it
holds, or fails, for all of them (``python_full_version >= '3.11'`` holds on any 3.11),
which is checked at each patch release the marker names, its neighbours, and the ends.
"""

from __future__ import annotations

import re

from toolkit.check.views._pep440 import satisfies

_TOKEN = re.compile(
    r"""\s*(?:(?P<paren>[()])|(?P<op>===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)"""
    r"""|(?P<word>and\b|or\b)|'(?P<sq>[^']*)'|"(?P<dq>[^"]*)"|(?P<var>[A-Za-z_][\w.]*))"""
)
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!=", "===": "==="}
Tokens = list[tuple[str, str]]


def applies(marker: str, python: str) -> bool | None:
    """Whether ``marker`` holds on Python ``python`` (``X.Y`` or ``X.Y.Z``); None: unknown."""
    tokens = _tokens(marker)
    if tokens is None or not tokens:
        return None if tokens is None else True
    answers = {_evaluate(tokens, full) for full in _releases(python, tokens)}
    return answers.pop() if len(answers) == 1 else None


def _evaluate(tokens: Tokens, python: str) -> bool | None:
    parts = python.split(".")
    names = {"python_version": ".".join(parts[:2]), "python_full_version": python}
    try:
        value, rest = _or(tokens, names)
    except (IndexError, ValueError):
        return None
    return value if not rest else None


def _releases(python: str, tokens: Tokens) -> list[str]:
    """``python`` itself when it names a patch release; for ``X.Y``, the releases where a
    comparison in the marker can change its answer: each ``X.Y.Z`` it names, either side
    of it, and the first and a far last patch release."""
    parts = python.strip().split(".")
    if len(parts) >= 3:
        return [python.strip()]
    minor = ".".join(parts[:2])
    patches = {0, 9999}
    for kind, value in tokens:
        found = re.match(re.escape(minor) + r"\.(\d+)", value) if kind == "str" else None
        if found:
            patch = int(found[1])
            patches.update({max(patch - 1, 0), patch, patch + 1})
    return [f"{minor}.{patch}" for patch in sorted(patches)]


def _tokens(marker: str) -> Tokens | None:
    tokens: Tokens = []
    at = 0
    text = marker.strip()
    while at < len(text):
        found = _TOKEN.match(text, at)
        if found is None or found.end() == at:
            return None
        kind = found.lastgroup or ""
        value = found[kind]
        tokens.append(("str" if kind in ("sq", "dq") else kind, " ".join(value.split())))
        at = found.end()
    return tokens


def _or(tokens: Tokens, names: dict[str, str]) -> tuple[bool | None, Tokens]:
    value, tokens = _and(tokens, names)
    while tokens and tokens[0] == ("word", "or"):
        right, tokens = _and(tokens[1:], names)
        value = True if True in (value, right) else None if None in (value, right) else False
    return value, tokens


def _and(tokens: Tokens, names: dict[str, str]) -> tuple[bool | None, Tokens]:
    value, tokens = _atom(tokens, names)
    while tokens and tokens[0] == ("word", "and"):
        right, tokens = _atom(tokens[1:], names)
        value = False if False in (value, right) else None if None in (value, right) else True
    return value, tokens


def _atom(tokens: Tokens, names: dict[str, str]) -> tuple[bool | None, Tokens]:
    if tokens[0] == ("paren", "("):
        value, rest = _or(tokens[1:], names)
        if not rest or rest[0] != ("paren", ")"):
            raise ValueError("unbalanced parenthesis")
        return value, rest[1:]
    (left_kind, left), (op_kind, op), (right_kind, right) = tokens[:3]
    if op_kind != "op":
        raise ValueError("not a comparison")
    if left_kind == "var" and right_kind == "str":
        return _compare(left, op, right, names), tokens[3:]
    if left_kind == "str" and right_kind == "var" and op in _FLIP:
        return _compare(right, _FLIP[op], left, names), tokens[3:]
    raise ValueError("not a variable against a string")


def _compare(variable: str, op: str, value: str, names: dict[str, str]) -> bool | None:
    have = names.get(variable)
    if have is None or op in ("in", "not in"):
        return None
    return satisfies(have, f"{op}{value}")
