"""Read an answers file (``--answers`` or ``.mlrig-answers.yml``) as ``check`` reads YAML.

Both may come from a stranger, so they go through the same bounded loader as
every file ``mlrig check`` reads (alias expansion and depth are limited), and
each answer is kept as the text it was written as: ``python_version: 3.10`` is
``"3.10"``, not the float 3.1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolkit.errors import MlrigError


def parse_mapping(name: str, data: bytes, error: type[MlrigError]) -> Mapping[Any, Any]:
    """The top-level mapping of the YAML ``data``, or ``error`` naming ``name`` and a line."""
    from toolkit.check.findings import ParseError
    from toolkit.check.yamlsource import YMap, load

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise error(f"{name}:{line}: not UTF-8 text") from None
    try:
        root = load(name, text).root
    except ParseError as err:
        problem = err.message.removeprefix("invalid YAML: ")
        raise error(f"{name}:{err.line}: answers file is not valid YAML: {problem}") from None
    if root is None:
        return {}
    if not isinstance(root, YMap):
        raise error(f"{name}:1: expected a mapping of answer names to values")
    return root


def answer_text(name: str, mapping: Mapping[Any, Any], key: Any, error: type[MlrigError]) -> str:
    """The value of ``key`` as written: a number keeps its digits, null is empty."""
    value = mapping[key]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    raw = getattr(value, "raw", None)
    if isinstance(raw, str) and not isinstance(value, str):
        return raw
    if isinstance(value, (Mapping, list)):
        line = mapping.pos(key).line if hasattr(mapping, "pos") else 1
        raise error(f"{name}:{line}: answer {str(key)!r} must be text, not a mapping or a list")
    return str(value)


def answers_of(name: str, mapping: Mapping[Any, Any], error: type[MlrigError]) -> dict[str, str]:
    """Every entry of ``mapping`` as answer name to answer text; a key written twice is refused
    (YAML keeps the last one silently, so one of the two answers would be lost)."""
    refuse_repeated_keys(name, mapping, error)
    return {str(key): answer_text(name, mapping, key, error) for key in mapping}


def refuse_repeated_keys(name: str, mapping: Mapping[Any, Any], error: type[MlrigError]) -> None:
    """Raise ``error`` at the second place a key of ``mapping`` is written."""
    repeated = getattr(mapping, "repeated_keys", None)
    for key, line, first in repeated() if repeated else ():
        raise error(f"{name}:{line}: {str(key)!r} is written twice (first at line {first})")


def answer_lines(mapping: Mapping[Any, Any]) -> dict[str, int]:
    """The line each answer of ``mapping`` is written on (none for a plain mapping)."""
    key_pos = getattr(mapping, "key_pos", None)
    return {str(key): key_pos(key).line for key in mapping} if key_pos else {}
