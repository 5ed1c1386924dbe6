"""Where a pin sits on its line, and the splice that rewrites it.

Positions are 1-based lines and columns in characters, as findings give them.
A splice replaces the reference (and, when a comment is wanted, the rest of the
line up to its end), so quoting, indentation, flow punctuation, other comments
and the line ending stay as they were.
"""

from __future__ import annotations

from toolkit.check.findings import Fix
from toolkit.check.refs import is_version


class Unfixable(Exception):
    """This finding cannot be fixed; the message says why, in a few words."""


def line_text(text: str, number: int) -> str:
    """Line ``number`` of ``text`` without its ending (lines split as ``--fix`` splits them)."""
    lines = text.splitlines()
    if not 1 <= number <= len(lines):
        raise Unfixable(f"line {number} is no longer in the file")
    return lines[number - 1]


def scalar_span(line: str, column: int) -> tuple[int, int]:
    """0-based start and end of the unquoted text of the scalar starting at ``column``."""
    start = column - 1
    if start >= len(line):
        raise Unfixable("the value is no longer where it was found")
    quote = line[start]
    if quote in "'\"":
        end = line.find(quote, start + 1)
        if end < 0:
            raise Unfixable("the quoted value spans lines")
        return start + 1, end
    end = start
    while end < len(line) and line[end] not in " \t,]}#":
        end += 1
    return start, end


def comment_start(line: str, start: int) -> int | None:
    """Index of the ``#`` that starts a comment at or after ``start``, outside quotes."""
    quote = ""
    for index in range(start, len(line)):
        char = line[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return None


def splice(path: str, number: int, line: str, span: tuple[int, int], new: str) -> Fix:
    """Replace ``line[span]`` with ``new``."""
    return Fix(path, number, span[0] + 1, number, span[1] + 1, new)


def pin_with_comment(
    path: str, number: int, line: str, span: tuple[int, int], new: str, *, comment: str
) -> Fix:
    """Replace ``line[span]`` with ``new`` and set the version comment of the line.

    A comment that starts with a version (``# v4``, ``# frozen: v4``) has that
    version replaced; any other comment is kept after the new one. In a flow
    mapping (``- {uses: a@v4, with: {x: 1}}``) the comment goes at the end of the
    line, after the closing braces, so that one ``--fix`` pins and comments it.
    """
    after = span[1] + (1 if line[span[1] : span[1] + 1] in ("'", '"') else 0)  # a closing quote
    hash_at = comment_start(line, after)
    content_end = len(line.rstrip())
    middle = line[span[1] : hash_at if hash_at is not None else content_end].rstrip()
    tail = _kept_comment(line[hash_at + 1 :].strip()) if hash_at is not None else ""
    replacement = f"{new}{middle}  # {comment}{' ' + tail if tail else ''}"
    return Fix(path, number, span[0] + 1, number, content_end + 1, replacement)


def _kept_comment(comment: str) -> str:
    words = comment.split()
    if words[:1] == ["frozen:"]:
        words = words[1:]
    if words and is_version(words[0]):
        words = words[1:]
    return " ".join(words)
