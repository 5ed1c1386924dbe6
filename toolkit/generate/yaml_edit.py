"""The round-trip YAML editor: add to a user's YAML file without disturbing a byte of it.

The only module that uses ruamel.yaml. Edits append whole top-level entries
as text taken from the template, so the user's comments, order, quoting and
line endings stay exactly as they were.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from toolkit.errors import UserInputError


def _load(text: str, name: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="rt").load(text)
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise UserInputError(
            f"{name}{where}: not valid YAML; fix it before mlrig edits it"
        ) from None


def top_level_block(text: str, key: str) -> str:
    """The lines of ``text`` that hold top-level ``key`` and its value, comments included."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None:
        return ""
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    return "".join(lines[start:end])


def add_missing_keys(existing: str, template: str, keys: tuple[str, ...], name: str) -> str:
    """``existing`` with each of ``keys`` it lacks appended, as the template writes it."""
    data = _load(existing, name) if existing.strip() else {}
    if data is not None and not isinstance(data, dict):
        raise UserInputError(f"{name}:1: expected a mapping at the top level")
    missing = [key for key in keys if key not in (data or {})]
    if not missing:
        return existing
    newline = "\r\n" if "\r\n" in existing else "\n"
    out = StringIO()
    out.write(existing)
    if existing and not existing.endswith(("\n", "\r")):
        out.write(newline)
    for key in missing:
        block = top_level_block(template, key)
        out.write(block.replace("\n", newline) if newline != "\n" else block)
    result = out.getvalue()
    _load(result, name)
    return result
