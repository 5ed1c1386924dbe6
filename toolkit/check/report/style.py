"""ANSI colour for the text formats: severity colours, bold paths, dim help."""

from __future__ import annotations

_SEVERITY = {"error": "31", "warning": "33", "note": "36"}


def paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on and text else text


def severity(text: str, level: str, on: bool) -> str:
    return paint(text, f"1;{_SEVERITY.get(level, '31')}", on)


def bold(text: str, on: bool) -> str:
    return paint(text, "1", on)


def dim(text: str, on: bool) -> str:
    return paint(text, "2", on)
