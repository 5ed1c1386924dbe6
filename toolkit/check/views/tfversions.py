"""Versions written in Terraform files, read with light regular expressions.

For the cross-file rules only: ``required_version`` constraints, CUDA versions
(variables, locals and arguments named like ``cuda_version``, GPU image names
such as ``common-cu124``) and ``.terraform-version``. Parsing HCL fully is the
Terraform rules' job; importing python-hcl2 here would cost every run.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

_REQUIRED = re.compile(r'^\s*required_version\s*=\s*"([^"]+)"')
_CUDA_ASSIGN = re.compile(r'\b(\w*cuda\w*)\s*=\s*"(\d+\.\d+)(?:\.\d+)?"', re.IGNORECASE)
_CUDA_VARIABLE = re.compile(r'^\s*variable\s+"(\w*cuda\w*)"\s*\{', re.IGNORECASE)
_DEFAULT = re.compile(r'^\s*default\s*=\s*"(\d+\.\d+)(?:\.\d+)?"')
_CU_IMAGE = re.compile(r'"[^"\n]*?\bcu(\d{3})\b[^"\n]*"')


@dataclass(frozen=True)
class Found:
    """A value, where it starts, and what names it."""

    value: str
    line: int
    column: int
    label: str


@dataclass(frozen=True)
class TfVersions:
    """The versions one ``.tf``/``.tfvars``/``.terraform-version`` file names."""

    path: str
    terraform_version: Found | None
    required_versions: tuple[Found, ...]
    cuda: tuple[Found, ...]


def match(path: str) -> bool:
    return path.endswith((".tf", ".tfvars", "/.terraform-version")) or path == ".terraform-version"


def parse(path: str, text: str) -> TfVersions:
    lines = text.splitlines()
    if path.endswith(".terraform-version"):
        value = next(((n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()), None)
        found = Found(value[1], value[0], 1, ".terraform-version") if value else None
        return TfVersions(path, found, (), ())
    required = []
    cuda: list[Found] = []
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(("#", "//")):
            continue
        version = _REQUIRED.match(line)
        if version:
            required.append(Found(version.group(1), number, version.start(1), "required_version"))
        cuda.extend(
            Found(m.group(2), number, m.start(2), m.group(1)) for m in _CUDA_ASSIGN.finditer(line)
        )
        cuda.extend(
            Found(_cu(m.group(1)), number, m.start(1) - 1, "GPU image")
            for m in _CU_IMAGE.finditer(line)
        )
        variable = _CUDA_VARIABLE.match(line)
        if variable:
            cuda.extend(_default(lines, number, variable.group(1)))
    return TfVersions(path, None, tuple(required), tuple(cuda))


def _cu(digits: str) -> str:
    return f"{digits[:-1]}.{digits[-1]}"


def _default(lines: list[str], start: int, name: str) -> list[Found]:
    for number in range(start + 1, min(start + 15, len(lines)) + 1):
        line = lines[number - 1]
        if line.strip() == "}":
            break
        found = _DEFAULT.match(line)
        if found:
            return [Found(found.group(1), number, found.start(1), f"variable {name}")]
    return []
