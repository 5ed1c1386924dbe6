"""Dockerfiles and Containerfiles: instructions with lines, and each ``FROM`` resolved.

``ARG`` values declared before the first ``FROM`` are substituted into ``FROM``
(``$VAR``, ``${VAR}``, ``${VAR:-default}``); ``--platform`` and other flags are
set aside; a ``FROM`` naming an earlier stage's alias is marked as such.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from toolkit.check.views import basename

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

_VAR = re.compile(r"\$(?:\{(\w+)(?::?[-+]([^}]*))?\}|(\w+))")


class Instruction(NamedTuple):
    """One instruction; ``arguments`` joins continuation lines."""

    line: int
    col: int
    keyword: str
    arguments: str
    first_line: str = ""


class From(NamedTuple):
    """A ``FROM``: the image as written, with ARGs substituted, and its stage alias.

    When the image is one ``ARG`` (``FROM ${BASE}``) given by that ARG's default,
    ``arg_line``/``arg_col`` place the default: the image is written there.
    """

    line: int
    col: int
    image: str
    resolved: str
    alias: str | None
    platform: str | None
    stage_ref: bool
    unresolved: bool
    arg_line: int = 0
    arg_col: int = 0

    @property
    def written_at(self) -> tuple[int, int]:
        """Where the image reference is written: the ARG default, or the ``FROM`` itself."""
        return (self.arg_line, self.arg_col) if self.arg_line else (self.line, self.col)


class Dockerfile(NamedTuple):
    """A parsed Dockerfile."""

    path: str
    instructions: list[Instruction]
    froms: list[From]


# Every naming convention in use: ``Dockerfile``, ``Dockerfile.gpu``, ``Dockerfile_gpu``,
# ``Dockerfile-gpu``, ``gpu.Dockerfile`` (and the same with ``Containerfile``), any case.
_NAME = re.compile(r"(?:(?:docker|container)file(?:[._-][^/]+)?|[^/]+\.(?:docker|container)file)")
# Files named after a Dockerfile that are something else: ``Dockerfile.dockerignore``,
# documentation, scripts and data about the image.
_NOT_DOCKERFILES = (
    ".dockerignore",
    ".md",
    ".rst",
    ".txt",
    ".py",
    ".sh",
    ".ps1",
    ".json",
    ".yml",
    ".yaml",
    ".toml",
    ".lock",
    ".orig",
    ".bak",
)


def match(path: str) -> bool:
    """Whether ``path`` is named as a Dockerfile or Containerfile by any common convention."""
    lower = basename(path).lower()
    return _NAME.fullmatch(lower) is not None and not lower.endswith(_NOT_DOCKERFILES)


def parse(path: str, text: str) -> Dockerfile:
    instructions = _instructions(text)
    return Dockerfile(path, instructions, _froms(instructions))


def _instructions(text: str) -> list[Instruction]:
    found: list[Instruction] = []
    pending: list[str] = []
    start = (0, 0, "")
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if not pending:
            start = (number, len(raw) - len(raw.lstrip()) + 1, raw)
        continued = stripped.endswith("\\")
        pending.append(stripped[:-1] if continued else stripped)
        if not continued:
            found.append(_instruction(start, " ".join(pending)))
            pending = []
    if pending:
        found.append(_instruction(start, " ".join(pending)))
    return found


def _instruction(start: tuple[int, int, str], joined: str) -> Instruction:
    keyword, _, arguments = joined.strip().partition(" ")
    return Instruction(start[0], start[1], keyword.upper(), arguments.strip(), start[2])


# An ARG's default: its value, and where that value is written (line, column).
_Arg = tuple[str | None, int, int]


def _froms(instructions: list[Instruction]) -> list[From]:
    args: dict[str, _Arg] = {}
    aliases: set[str] = set()
    froms: list[From] = []
    for instruction in instructions:
        if instruction.keyword == "ARG" and not froms:
            name, _, default = instruction.arguments.partition("=")
            value = default.strip().strip("\"'") if default else None
            column = instruction.first_line.find(value) + 1 if value else 0
            args[name.strip()] = (value, instruction.line, column or instruction.col)
        elif instruction.keyword == "FROM":
            item = _from(instruction, args, aliases)
            froms.append(item)
            if item.alias:
                aliases.add(item.alias.lower())
    return froms


def _from(instruction: Instruction, args: dict[str, _Arg], aliases: set[str]) -> From:
    words = instruction.arguments.split()
    platform = next((w.split("=", 1)[1] for w in words if w.startswith("--platform=")), None)
    words = [w for w in words if not w.startswith("--")]
    image = words[0] if words else ""
    alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    unresolved = False

    def substitute(found: re.Match[str]) -> str:
        nonlocal unresolved
        name = found[1] or found[3]
        value = args.get(name, (None, 0, 0))[0]
        if value is None:
            value = found[2]
        if value is None:
            unresolved = True
            return found[0]
        return value

    resolved = _VAR.sub(substitute, image)
    stage_ref = resolved.lower() in aliases
    found_at = instruction.first_line.find(image, instruction.col + 3) if image else -1
    column = found_at + 1 if found_at >= 0 else instruction.col
    whole = _VAR.fullmatch(image)
    origin = args.get(whole[1] or whole[3], (None, 0, 0)) if whole else (None, 0, 0)
    arg_line, arg_col = origin[1:] if origin[0] is not None and not unresolved else (0, 0)
    return From(
        instruction.line,
        column,
        image,
        resolved,
        alias,
        platform,
        stage_ref,
        unresolved,
        arg_line,
        arg_col,
    )
