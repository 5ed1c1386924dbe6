"""Files ``mlrig add`` completes instead of refusing: what is there is kept byte for byte,
and only what the part needs is added.

- a ``.gitignore`` gains the lines it lacks (DVC's outs must be git-ignored);
- a ``.dvc/config`` without a remote (as ``dvc init`` leaves it) gains the default
  remote, its ``[core] remote =`` line spliced under an existing ``[core]``.

A ``.dvc/config`` that already names a remote is the user's: the add is refused.
"""

from __future__ import annotations

import re

SECTION = re.compile(r"^\s*\[(.*)\]\s*$")
HAS_REMOTE = re.compile(r"^\s*(?:\[\s*'?\s*remote\s|remote\s*=)", re.MULTILINE)


def _gitignore(current: str, rendered: str) -> str:
    have = {line.strip() for line in current.splitlines()}
    missing = [line for line in rendered.splitlines() if line.strip() and line.strip() not in have]
    if not missing:
        return current
    joined = current if not current or current.endswith("\n") else current + "\n"
    return joined + "".join(line + "\n" for line in missing)


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """``text`` as (header name, lines including the header) in order."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines(keepends=True):
        found = SECTION.match(line)
        if found:
            sections.append((found.group(1).strip().strip("'\""), []))
        sections[-1][1].append(line)
    return sections


def _dvc_config(current: str, rendered: str) -> str | None:
    if not current.strip():
        return rendered
    if HAS_REMOTE.search(current):
        return None
    parts = _sections(rendered)
    core = next((lines[1:] for name, lines in parts if name == "core"), [])
    keys = {line.split("=")[0].strip() for line in current.splitlines() if "=" in line}
    wanted = [line for line in core if line.split("=")[0].strip() not in keys]
    others = "".join(line for name, lines in parts if name not in {"", "core"} for line in lines)
    text = current if current.endswith("\n") else current + "\n"
    header = re.search(r"^\s*\[\s*core\s*\]\s*\n", text, re.MULTILINE)
    if header is None:
        text = "[core]\n" + "".join(wanted) + text
    else:
        text = text[: header.end()] + "".join(wanted) + text[header.end() :]
    return text + others


def merged(path: str, current: bytes, rendered: bytes) -> bytes | None:
    """``current`` completed with what ``rendered`` adds, or ``None`` when mlrig does not
    complete this file (then a different file in the way refuses the add)."""
    try:
        old, new = current.decode("utf-8"), rendered.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path.rsplit("/", 1)[-1] == ".gitignore":
        return _gitignore(old, new).encode("utf-8")
    if path == ".dvc/config":
        result = _dvc_config(old, new)
        return None if result is None else result.encode("utf-8")
    return None
