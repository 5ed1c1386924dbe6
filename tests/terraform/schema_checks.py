"""What the schema test finds in one module or root: each check returns its problems."""

from __future__ import annotations

import re
from typing import Any

from tests.terraform.hcl import unquote
from tests.terraform.tfgraph import META, MODULE_REF, Module, Planner, Scope, references, strings

TOSET_VAR = re.compile(r"^\$\{(?:toset\()?var\.(\w+)\)?\}$")
TOSET_LIST = re.compile(r"^\$\{toset\(\[(.*)\]\)\}$", re.DOTALL)
UPSTREAM = re.compile(r"github\.com/([\w.-]+/[\w.-]+?)\.git\?ref=([0-9a-f]{40})")


def dynamic_problems(where: str, value: list[Any], spec: dict[str, Any]) -> list[str]:
    """``dynamic "x"`` blocks: ``x`` is a block of ``spec`` and its content fits it."""
    problems: list[str] = []
    for dynamic in value:
        for name, content in dynamic.items():
            inner = spec["blocks"].get(unquote(name))
            if inner is None:
                problems.append(f"{where}: no block {unquote(name)}")
            for block in content.get("content", []):
                problems += block_problems(f"{where}.{unquote(name)}", block, inner or {})
    return problems


def is_block(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and item.get("__is_block__") for item in value)
    )


def nested_problems(where: str, key: str, value: list[Any], spec: dict[str, Any]) -> list[str]:
    inner = spec.get("blocks", {}).get(key)
    if inner is None:
        return [f"{where}: no block {key}"]
    problems = (
        [f"{where}: block {key} may appear once"]
        if inner["nesting"] == "single" and len(value) > 1
        else []
    )
    for item in value:
        problems += block_problems(f"{where}.{key}", item, inner)
    return problems


def block_problems(where: str, body: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """Arguments and nested blocks of ``body`` that ``spec`` does not have."""
    problems: list[str] = []
    for key, value in body.items():
        if key == "dynamic":
            problems += dynamic_problems(where, value, spec)
        elif key.startswith("__") or key in META:
            continue
        elif is_block(value):
            problems += nested_problems(where, key, value, spec)
        elif key not in spec.get("arguments", {}):
            problems.append(f"{where}: no argument {key}")
    for name, argument in spec.get("arguments", {}).items():
        if argument["required"] and name not in body and name != "id":
            problems.append(f"{where}: required argument {name} is missing")
    return problems


def resource_problems(module: Module, schema: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for address, body in module.resources.items():
        kind = "data" if address.startswith("data.") else "resource"
        type_ = address.removeprefix("data.").split(".")[0]
        spec = schema[kind].get(type_)
        if spec is None:
            problems.append(f"{address}: {type_} is not in the provider schema")
            continue
        problems += block_problems(address, body, spec)
        problems += provider_problems(address, body, spec)
    return problems


def provider_problems(address: str, body: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """A type that only one provider has (``google-beta``) needs its ``provider`` argument."""
    type_ = address.removeprefix("data.").split(".")[0]
    chosen = unquote(str(body.get("provider", ""))) or type_.split("_", 1)[0]
    if chosen != spec["provider"]:
        return [
            f"{address}: {type_} is in the {spec['provider']} provider: set provider = {spec['provider']}"
        ]
    return []


def attribute_problems(module: Module, schema: dict[str, Any]) -> list[str]:
    """Reads of attributes a type lacks, and attribute reads on a list of instances."""
    problems: set[str] = set()
    for where, expression in module.expressions():
        for ref in references(expression):
            if ref.address not in module.resources:
                problems.add(f"{where}: reads {ref.address}, which the module does not declare")
                continue
            spec = schema[ref.kind].get(ref.type, {})
            known = {"id"} | set(spec.get("arguments", {})) | set(spec.get("attributes", {}))
            known |= set(spec.get("blocks", {}))
            if ref.attribute and ref.attribute not in known:
                problems.add(f"{where}: {ref.type} has no attribute {ref.attribute}")
            if ref.attribute and not ref.index and module.multiple(ref.address):
                problems.add(
                    f"{where}: {ref.address} has count or for_each; .{ref.attribute} needs an index"
                )
    return sorted(problems)


def module_output_problems(
    module: Module, schema: dict[str, Any], children: dict[str, Module]
) -> list[str]:
    """Reads of child module outputs: the output exists, and lists are indexed."""
    problems: set[str] = set()
    for where, expression in module.expressions():
        for name, output, path in MODULE_REF.findall(expression):
            call = module.calls.get(name)
            if call is None:
                problems.add(f"{where}: no module {name}")
                continue
            upstream = UPSTREAM.search(unquote(str(call.get("source", ""))))
            if upstream:
                problems |= upstream_path_problems(where, (name, output, path), schema, upstream)
            elif name in children and output not in children[name].outputs:
                problems.add(f"{where}: module {name} has no output {output}")
    return sorted(problems)


def upstream_path_problems(
    where: str, read: tuple[str, str, str], schema: dict[str, Any], upstream: re.Match[str]
) -> set[str]:
    """``module.<name>.<output><path>`` against the upstream module's recorded outputs."""
    name, output, path = read
    recorded = schema["modules"].get(f"{upstream.group(1)}@{upstream.group(2)}")
    if recorded is None:
        return {f"{where}: no recorded outputs for {upstream.group(0)}"}
    spec = recorded["outputs"].get(output)
    if spec is None:
        return {f"{where}: module {name} has no output {output}"}
    steps = re.findall(r"\.([a-z_]\w*)|\[([^\]]*)\]", path)
    if not steps or not steps[0][0]:
        return set()
    entry = spec["object"].get(steps[0][0])
    if entry is None:
        return {f"{where}: module.{name}.{output} has no attribute {steps[0][0]}"}
    if entry["list"] and len(steps) > 1 and steps[1][0]:
        return {
            f"{where}: module.{name}.{output}.{steps[0][0]} is a list ({entry.get('because', '')}); "
            f".{steps[1][0]} needs an index"
        }
    return set()


def for_each_problems(scope: Scope, planner: Planner) -> list[str]:
    """``for_each`` keys that are unknown at plan time, in a module and its children."""
    problems: list[str] = []
    module = scope.module
    for address, body in module.resources.items():
        expression = str(body.get("for_each", ""))
        reason = None
        by_var = TOSET_VAR.match(expression)
        listed = TOSET_LIST.match(expression)
        if by_var and is_collection(module, by_var.group(1)):
            reason = planner.unknown(scope, f"${{var.{by_var.group(1)}}}")
        elif listed:
            reason = planner.unknown(scope, listed.group(1))
        if reason:
            problems.append(
                f"{module.path.name}: {address}: for_each keys unknown at plan: {reason}"
            )
    for child in scope.children.values():
        problems += for_each_problems(child, planner)
    return problems


def is_collection(module: Module, variable: str) -> bool:
    kind = unquote(str(module.variables.get(variable, {}).get("type", "")))
    return kind.startswith(("list(", "set("))


def all_strings(value: Any) -> str:
    return "\n".join(strings(value))
