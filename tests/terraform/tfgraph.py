"""Terraform modules as data for the schema test: blocks, references and what a plan knows.

``Module`` reads one folder with python-hcl2. ``references`` finds every
``<type>.<name>[index].<attribute>`` an expression reads, with the attribute that
a ``for`` expression's variable reads counted against the resource it iterates.
``Planner`` answers whether a value is known when ``terraform plan`` runs: a
resource's read-only attribute (an id, an ARN, a principal id) is not, until the
first apply made the resource; a ``for_each`` keyed on one fails that plan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.terraform.hcl import fields, load, unquote

SCHEMAS = Path(__file__).with_name("provider_schemas.json")
PROVIDERS = r"(?:aws|google|azurerm|github)"
REF = re.compile(
    rf"(?<![\w.])(data\.)?({PROVIDERS}_[a-z0-9_]+)\.([a-z0-9_]+)"
    r"(\[[^\]]*\]|\.\*)?(?:\.([a-z_][a-z0-9_]*))?"
)
FOR = re.compile(
    rf"for\s+(\w+)(?:\s*,\s*(\w+))?\s+in\s+(?:values\()?(data\.)?({PROVIDERS}_\w+)\.(\w+)\)?\s*:"
)
MODULE_REF = re.compile(r"module\.(\w+)\.(\w+)((?:\.[a-z_]\w*|\[[^\]]*\])*)")
VAR_REF = re.compile(r"(?<![\w.])var\.(\w+)")
LOCAL_REF = re.compile(r"(?<![\w.])local\.(\w+)")
META = {"count", "for_each", "depends_on", "lifecycle", "provider", "dynamic", "provisioner"}


def schemas() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMAS.read_text(encoding="utf-8"))
    return loaded


@dataclass(frozen=True)
class Ref:
    """One read of a resource: ``kind`` is ``resource`` or ``data``."""

    kind: str
    type: str
    name: str
    index: str
    attribute: str

    @property
    def address(self) -> str:
        return f"{'data.' if self.kind == 'data' else ''}{self.type}.{self.name}"


def strings(value: Any) -> Iterator[str]:
    """Every expression string inside a parsed value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def references(expression: str) -> Iterator[Ref]:
    """Resource reads in one expression, including ``for x in <resource>`` element reads."""
    for match in REF.finditer(expression):
        data, kind, name, index, attribute = match.groups()
        yield Ref("data" if data else "resource", kind, name, index or "", attribute or "")
    for match in FOR.finditer(expression):
        element = match.group(2) or match.group(1)
        kind = "data" if match.group(3) else "resource"
        for read in re.finditer(rf"(?<![\w.]){element}\.([a-z_]\w*)", expression):
            yield Ref(kind, match.group(4), match.group(5), "[each]", read.group(1))


@dataclass
class Module:
    """One folder of ``.tf`` files, parsed."""

    path: Path
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Module:
        module = cls(path)
        for tf in sorted(path.glob("*.tf")):
            parsed = load(tf)
            for kind in ("resource", "data"):
                for block in parsed.get(kind, []):
                    for type_, named in fields(block).items():
                        for name, body in fields(named).items():
                            prefix = "data." if kind == "data" else ""
                            module.resources[f"{prefix}{unquote(type_)}.{unquote(name)}"] = body
            for kind, into in (("variable", module.variables), ("output", module.outputs)):
                for block in parsed.get(kind, []):
                    into.update({unquote(k): v for k, v in fields(block).items()})
            for block in parsed.get("module", []):
                module.calls.update({unquote(k): v for k, v in fields(block).items()})
            for block in parsed.get("locals", []):
                module.locals.update(fields(block))
        return module

    def multiple(self, address: str) -> bool:
        body = self.resources.get(address, {})
        return "count" in body or "for_each" in body

    def expressions(self) -> Iterator[tuple[str, str]]:
        """(where, expression) for every expression of the module."""
        for address, body in self.resources.items():
            for text in strings(body):
                yield address, text
        for kind, blocks in (("output", self.outputs), ("module", self.calls)):
            for name, body in blocks.items():
                for text in strings(body):
                    yield f"{kind}.{name}", text
        for name, value in self.locals.items():
            for text in strings(value):
                yield f"local.{name}", text


@dataclass(frozen=True)
class Scope:
    """A module as one caller instantiates it: its arguments, evaluated in the caller."""

    module: Module
    arguments: dict[str, Any]
    caller: Scope | None
    children: dict[str, Scope]


class Planner:
    """Whether an expression's value is known at plan time, and why not."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema

    def unknown(self, scope: Scope, expression: str, depth: int = 0) -> str | None:
        """Why ``expression`` is unknown when ``terraform plan`` first runs, or None."""
        if depth > 12:
            return None
        for ref in references(expression):
            reason = self.unknown_attribute(scope.module, ref)
            if reason:
                return reason
        for name, output, _ in MODULE_REF.findall(expression):
            child = scope.children.get(name)
            body = child.module.outputs.get(output) if child else None
            if child and body:
                reason = self.unknown(child, str(body.get("value", "")), depth + 1)
                if reason:
                    return f"module.{name}.{output} <- {reason}"
        for name in VAR_REF.findall(expression):
            if scope.caller is not None and name in scope.arguments:
                reason = self.unknown(scope.caller, str(scope.arguments[name]), depth + 1)
                if reason:
                    return f"var.{name} <- {reason}"
        for name in LOCAL_REF.findall(expression):
            if name in scope.module.locals:
                reason = self.unknown(scope, str(scope.module.locals[name]), depth + 1)
                if reason:
                    return f"local.{name} <- {reason}"
        return None

    def unknown_attribute(self, module: Module, ref: Ref) -> str | None:
        if ref.kind == "data" or not ref.attribute:
            return None
        spec = self.schema["resource"].get(ref.type, {})
        body = module.resources.get(ref.address, {})
        if ref.attribute in spec.get("attributes", {}) or ref.attribute == "id":
            return f"{ref.address}.{ref.attribute} is known only after apply"
        if ref.attribute in spec.get("arguments", {}) and ref.attribute not in body:
            return f"{ref.address}.{ref.attribute} is not set, so the provider computes it at apply"
        return None


def scope_of(module: Module, arguments: dict[str, Any], caller: Scope | None) -> Scope:
    """``module`` with its local child modules (local sources only), recursively."""
    children: dict[str, Scope] = {}
    scope = Scope(module, arguments, caller, children)
    for name, call in module.calls.items():
        source = Path(unquote(str(call.get("source", ""))))
        if source.is_absolute() and source.is_dir():
            children[name] = scope_of(Module.read(source), dict(call), scope)
    return scope
