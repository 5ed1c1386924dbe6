"""Read literal keyword arguments of ``setup(...)`` from ``setup.py`` with :mod:`ast`."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import ParseError

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass


@dataclass(frozen=True)
class Literal:
    """A keyword argument's literal value and where the value starts."""

    value: Any
    line: int
    column: int


def setup_py_values(text: str) -> dict[str, Literal]:
    """The literal keyword arguments of the first ``setup()`` call; never runs the file."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise ParseError(
            f"invalid Python: {error.msg}", error.lineno or 1, error.offset or 1
        ) from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "setup":
            found = {}
            for keyword in node.keywords:
                if keyword.arg is None:
                    continue
                try:
                    value = ast.literal_eval(keyword.value)
                except (ValueError, TypeError, SyntaxError, RecursionError):
                    continue
                position = keyword.value
                found[keyword.arg] = Literal(value, position.lineno, position.col_offset + 2)
            return found
    return {}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None
