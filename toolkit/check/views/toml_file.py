"""Every ``*.toml`` file: its data (``tomllib``) and its lines, with a key-to-line lookup."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import ParseError

if TYPE_CHECKING:
    from dataclasses import dataclass, field
else:
    from toolkit.check._record import dataclass, field

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass
class TomlDoc:
    """A parsed TOML file. TOML parsers drop positions, so :meth:`line_of` searches the text."""

    path: str
    data: dict[str, Any]
    lines: list[str] = field(repr=False)

    def line_of(self, needle: str, start: int = 1) -> int:
        """The first line at or after ``start`` containing ``needle`` (1 if none)."""
        for number in range(max(start, 1), len(self.lines) + 1):
            if needle in self.lines[number - 1]:
                return number
        return 1


def match(path: str) -> bool:
    return path.endswith(".toml")


def parse(path: str, text: str) -> TomlDoc:
    return TomlDoc(path, loads(text), text.splitlines())


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads`` with errors as :class:`ParseError` at their line."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except RecursionError:
        raise ParseError("invalid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        found = _AT.search(message)
        line, column = (int(found[1]), int(found[2])) if found else _end(text, message)
        message = _AT.sub("", message).replace("(at end of document)", "").strip()
        raise ParseError(f"invalid TOML: {message}", line, column) from None


def _end(text: str, message: str) -> tuple[int, int]:
    if "end of document" not in message:
        return 1, 1
    lines = text.splitlines() or [""]
    return len(lines), len(lines[-1]) + 1
