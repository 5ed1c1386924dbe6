"""Jinja filters that quote free-text answers for the file they land in.

Cookiecutter loads this module from the template folder (``_extensions`` in
``cookiecutter.json``), so the template renders the same with plain
cookiecutter as with ``mlrig new``. Every free-text answer that reaches a
structured file goes through one of these filters, so quotes, colons, ``#``,
braces and non-ASCII text stay data.
"""

from __future__ import annotations

import json

from jinja2 import Environment
from jinja2.ext import Extension

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_str(value: object) -> str:
    """A TOML basic string holding ``value``."""
    out = []
    for char in str(value):
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def yaml_str(value: object) -> str:
    """A YAML double-quoted scalar holding ``value`` (JSON strings are YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def py_str(value: object) -> str:
    """A Python string literal holding ``value``."""
    return repr(str(value))


def md_text(value: object) -> str:
    """``value`` for Markdown prose: one line, with no HTML or template markup."""
    text = " ".join(str(value).split())
    return text.replace("<", "&lt;").replace(">", "&gt;")


class QuotingExtension(Extension):
    """Registers the quoting filters."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            toml_str=toml_str, yaml_str=yaml_str, py_str=py_str, md_text=md_text
        )
