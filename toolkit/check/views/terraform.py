"""Terraform configuration (``*.tf``) and dependency lock files (``.terraform.lock.hcl``).

A ``.tf`` file becomes a :class:`TerraformFile`: its ``terraform`` blocks
(``required_version``, ``required_providers``, ``backend``/``cloud``), its
``provider`` configurations and its ``module`` calls. A lock file becomes a
:class:`LockFile` of ``provider`` entries. Every value keeps its 1-based line
and column. Read by :mod:`toolkit.check.views._hcl`, not python-hcl2, for speed.
``*.tf.json`` files are not read.
"""

from __future__ import annotations

from typing import NamedTuple

from toolkit.check.views import basename
from toolkit.check.views._hcl import Block, Obj, Other, Str, Tup, Value
from toolkit.check.views._hcl import parse as parse_hcl

LOCK_NAME = ".terraform.lock.hcl"


class RequiredProvider(NamedTuple):
    """One entry of ``required_providers``; ``source``/``version`` ``None`` when absent."""

    name: str
    source: Value | None
    version: Value | None
    line: int
    column: int


class ModuleCall(NamedTuple):
    """A ``module "name" { source = ... version = ... }`` block."""

    name: str
    source: Value | None
    version: Value | None
    line: int
    column: int


class Place(NamedTuple):
    """Where something starts, and what it is."""

    what: str
    line: int
    column: int


class TerraformFile(NamedTuple):
    """What one ``.tf`` file declares that the Terraform rules read."""

    path: str
    folder: str
    terraform_blocks: tuple[Place, ...]
    required_versions: tuple[Value, ...]
    required_providers: tuple[RequiredProvider, ...]
    backends: tuple[Place, ...]
    providers: tuple[Place, ...]
    modules: tuple[ModuleCall, ...]
    # Each resource, data source and ephemeral resource, ``what`` being the local
    # name of the provider it uses (its ``provider`` argument, else its type's prefix).
    uses: tuple[Place, ...] = ()


class LockedProvider(NamedTuple):
    """One ``provider "address"`` entry of a lock file."""

    address: str
    version: Value | None
    constraints: Value | None
    hashes: tuple[Str, ...]
    line: int
    column: int


class LockFile(NamedTuple):
    """A ``.terraform.lock.hcl``."""

    path: str
    folder: str
    providers: tuple[LockedProvider, ...]


def match(path: str) -> bool:
    return path.endswith(".tf") or basename(path) == LOCK_NAME


def folder_of(path: str) -> str:
    """The folder of a repository-relative path (``""`` at the top)."""
    return path.rpartition("/")[0]


def parse(path: str, text: str) -> TerraformFile | LockFile:
    body = parse_hcl(text)
    if basename(path) == LOCK_NAME:
        return LockFile(path, folder_of(path), tuple(_locked(b) for b in body.children("provider")))
    terraform = body.children("terraform")
    return TerraformFile(
        path=path,
        folder=folder_of(path),
        terraform_blocks=tuple(Place("terraform", b.line, b.column) for b in terraform),
        required_versions=tuple(
            b.attributes["required_version"].value
            for b in terraform
            if "required_version" in b.attributes
        ),
        required_providers=tuple(
            entry for b in terraform for r in b.children("required_providers") for entry in _req(r)
        ),
        backends=tuple(
            Place(f"{c.type} {' '.join(c.labels)}".strip(), c.line, c.column)
            for b in terraform
            for c in b.blocks
            if c.type in ("backend", "cloud")
        ),
        providers=tuple(
            Place(b.labels[0] if b.labels else "", b.line, b.column)
            for b in body.children("provider")
        ),
        modules=tuple(_module(b) for b in body.children("module")),
        uses=tuple(_uses(body)),
    )


_RESOURCES = ("resource", "data", "ephemeral")


def _uses(body: Block) -> list[Place]:
    found = []
    for block in body.blocks:
        if block.type not in _RESOURCES or not block.labels:
            continue
        chosen = block.attributes.get("provider")
        if chosen is not None and isinstance(chosen.value, Other):
            name = chosen.value.text.split(".", 1)[0].strip()
        else:
            name = block.labels[0].split("_", 1)[0]
        found.append(Place(name, block.line, block.column))
    return found


def _req(block: Block) -> list[RequiredProvider]:
    found = []
    for name, attribute in block.attributes.items():
        value = attribute.value
        if isinstance(value, Obj):
            source, version = value.items.get("source"), value.items.get("version")
        elif isinstance(value, Str):
            source, version = None, value  # the old shorthand: aws = "~> 5.0"
        else:
            source = version = None
        found.append(RequiredProvider(name, source, version, attribute.line, attribute.column))
    return found


def _module(block: Block) -> ModuleCall:
    source = block.attributes.get("source")
    version = block.attributes.get("version")
    return ModuleCall(
        block.labels[0] if block.labels else "",
        source.value if source else None,
        version.value if version else None,
        block.line,
        block.column,
    )


def _locked(block: Block) -> LockedProvider:
    version = block.attributes.get("version")
    constraints = block.attributes.get("constraints")
    hashes = block.attributes.get("hashes")
    items = hashes.value.items if hashes is not None and isinstance(hashes.value, Tup) else ()
    return LockedProvider(
        block.labels[0] if block.labels else "",
        version.value if version else None,
        constraints.value if constraints else None,
        tuple(item for item in items if isinstance(item, Str)),
        block.line,
        block.column,
    )
