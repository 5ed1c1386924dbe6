"""Build ``provider_schemas.json``: what the modules may use of each provider and upstream module.

Run it from the repository root after changing which resources the Terraform uses::

    python -m tests.terraform.schema_build \\
        --jsii aws=<unpacked @cdktf/provider-aws>/package \\
        --jsii google=<...provider-google>/package \\
        --jsii google-beta=<...provider-google-beta>/package \\
        --jsii azurerm=<...provider-azurerm>/package \\
        --jsii github=<...provider-github>/package \\
        --runner-module <git dir of github-aws-runners/terraform-aws-github-runner>

Inputs, all public: the npm packages ``@cdktf/provider-<name>`` (``npm pack``), whose
``.jsii`` manifest carries generated bindings of one provider version's schema
(``package.json`` names that version under ``cdktf.provider``), and the upstream
runner module read at the commit the ``aws-gpu-runners`` module pins. The output
keeps only the resource and data-source types that the modules and generated roots
use, with the gap between the schema's provider version and the pinned one.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.terraform.schema_facts import FACTS, PATCHES
from tests.terraform.schema_runner import runner_module_outputs

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(__file__).with_name("provider_schemas.json")
TEMPLATE_ROOT = REPO_ROOT / "templates" / "ml-repo" / "{{cookiecutter.project_slug}}" / "terraform"
BLOCK = re.compile(
    r'^(resource|data) "([a-z0-9_]+)" "\w+" \{(?:\}|\n(.*?)^\})', re.MULTILINE | re.DOTALL
)
PROVIDER = re.compile(r"^\s+provider\s*=\s*([a-z][\w-]*)", re.MULTILINE)
PIN = re.compile(r'source\s*=\s*"([\w-]+)/([\w-]+)"\s*\n\s*version\s*=\s*"([\d.]+)"')
LINK = re.compile(r"docs/(resources|data-sources)/\w+ (\w+)\}")
ANCHOR = re.compile(r"#(\w+) ")
KINDS = {"resources": "resource", "data-sources": "data"}


def terraform_sources() -> Iterator[Path]:
    """Every ``.tf`` file of the modules and of the template's generated root."""
    yield from sorted((REPO_ROOT / "terraform" / "modules").rglob("*.tf"))
    yield from sorted(TEMPLATE_ROOT.glob("*.tf"))


def used_types() -> set[tuple[str, str, str]]:
    """(``resource`` or ``data``, type, provider) of every block the Terraform declares.

    The provider is the block's ``provider`` meta-argument (``google-beta`` for
    what the GA provider lacks), else the type's prefix.
    """
    found: set[tuple[str, str, str]] = set()
    for path in terraform_sources():
        for kind, type_, body in BLOCK.findall(path.read_text(encoding="utf-8")):
            chosen = PROVIDER.search(body)
            found.add((kind, type_, chosen.group(1) if chosen else type_.split("_", 1)[0]))
    return found


def pinned_versions() -> dict[str, str]:
    """The exact provider versions the generated roots pin, by provider name."""
    text = (TEMPLATE_ROOT / "versions.tf").read_text(encoding="utf-8")
    return {name: version for _, name, version in PIN.findall(text)}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class Assembly:
    """One ``.jsii`` manifest: resource classes by Terraform type, and their config structs."""

    def __init__(self, package: Path) -> None:
        manifest = json.loads((package / ".jsii").read_text(encoding="utf-8"))
        self.name: str = manifest["name"]
        self.version: str = manifest["version"]
        meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
        self.provider: str = meta["cdktf"]["provider"]["name"]
        self.provider_version: str = meta["cdktf"]["provider"]["version"]
        self.types: dict[str, Any] = manifest["types"]
        self.classes: dict[tuple[str, str], str] = {}
        for fqn, spec in self.types.items():
            match = LINK.search(spec.get("docs", {}).get("summary", ""))
            if spec.get("kind") == "class" and match and "Represents" in spec["docs"]["summary"]:
                self.classes[(KINDS[match.group(1)], match.group(2))] = fqn

    def schema(self, kind: str, name: str) -> dict[str, Any] | None:
        fqn = self.classes.get((kind, name))
        if fqn is None:
            return None
        body = self.struct(fqn + "Config", meta=True)
        body["attributes"] = self.computed(fqn, body)
        return body

    def struct(self, fqn: str, meta: bool = False) -> dict[str, Any]:
        """Arguments and nested blocks of one config struct."""
        arguments: dict[str, Any] = {}
        blocks: dict[str, Any] = {}
        for prop in self.types[fqn].get("properties", []):
            anchor = ANCHOR.search(prop.get("docs", {}).get("remarks", ""))
            name = anchor.group(1) if anchor else snake(prop["name"])
            nested, nesting = self.nested(prop["type"])
            if nested is not None:
                blocks[name] = {"nesting": nesting, **self.struct(nested)}
            else:
                arguments[name] = {"required": not prop.get("optional", False)}
        if meta:  # cdktf.TerraformMetaArguments are not provider arguments
            for key in ("connection", "provisioners", "provider", "lifecycle"):
                arguments.pop(key, None)
        return {
            "arguments": dict(sorted(arguments.items())),
            "blocks": dict(sorted(blocks.items())),
        }

    def nested(self, kind: dict[str, Any]) -> tuple[str | None, str]:
        """The struct a property nests and how (``single`` or ``list``), or (None, '')."""
        for option in kind.get("union", {}).get("types", [kind]):
            if self.is_struct(option.get("fqn")):
                return option["fqn"], "single"
            element = option.get("collection", {}).get("elementtype", {})
            if self.is_struct(element.get("fqn")):
                return element["fqn"], "list"
        return None, ""

    def is_struct(self, fqn: str | None) -> bool:
        return bool(fqn) and self.types.get(fqn or "", {}).get("datatype", False)

    def computed(self, fqn: str, body: dict[str, Any]) -> dict[str, Any]:
        """Read-only attributes: known only after apply, never set in configuration."""
        configured = set(body["arguments"]) | set(body["blocks"])
        found: dict[str, Any] = {}
        for prop in self.types[fqn].get("properties", []):
            if not prop.get("immutable") or prop.get("static") or prop["name"].endswith("Input"):
                continue
            name = snake(prop["name"])
            if name not in configured:
                found[name] = {"list": "List" in prop["type"].get("fqn", "")}
        return dict(sorted(found.items()))


def build(packages: dict[str, Path], runner_git: Path) -> dict[str, Any]:
    pins = pinned_versions()
    wanted = used_types()
    assemblies = {name: Assembly(path) for name, path in packages.items()}
    schemas: dict[str, Any] = {"resource": {}, "data": {}}
    for kind, name, provider in sorted(wanted):
        assembly = assemblies.get(provider)
        found = assembly.schema(kind, name) if assembly else None
        if found is None:
            raise SystemExit(f"no schema for {kind} {name} in {sorted(assemblies)}")
        schemas[kind][name] = {"provider": provider, **patched(name, found)}
    return {
        "generated_by": "python -m tests.terraform.schema_build",
        "sources": {
            name: {
                "npm": f"{assembly.name}@{assembly.version}",
                "provider": assembly.provider,
                "schema_version": assembly.provider_version,
                "pinned_version": pins.get(name),
                "gap": gap(assembly.provider_version, pins.get(name)),
            }
            for name, assembly in sorted(assemblies.items())
        },
        **schemas,
        "modules": runner_module_outputs(runner_git),
        "facts": FACTS,
    }


def patched(name: str, found: dict[str, Any]) -> dict[str, Any]:
    """``found`` with the recorded changes between the schema's version and the pin."""
    patch = PATCHES.get(name) if found else None
    if patch:
        found["arguments"].update(patch["add"])
        for argument in patch["optional"]:
            found["arguments"][argument]["required"] = False
        found["patched"] = patch["source"]
    return found


def gap(schema: str, pinned: str | None) -> str:
    if pinned is None:
        return "not pinned by a generated root"
    if schema == pinned:
        return "none"
    return f"schema of {schema}; the roots pin {pinned}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jsii", action="append", default=[], metavar="PROVIDER=DIR")
    parser.add_argument("--runner-module", type=Path, required=True, metavar="GIT_DIR")
    args = parser.parse_args(argv)
    packages = {spec.split("=", 1)[0]: Path(spec.split("=", 1)[1]) for spec in args.jsii}
    result = build(packages, args.runner_module)
    OUTPUT.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(
        f"wrote {OUTPUT.relative_to(REPO_ROOT)}: {sum(len(result[k]) for k in ('resource', 'data'))} types"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
