"""Read Terraform the way the tests need it: python-hcl2 values back to HCL text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


def load(path: Path) -> dict[str, Any]:
    """One ``.tf`` file parsed by python-hcl2."""
    with path.open(encoding="utf-8") as handle:
        parsed: dict[str, Any] = hcl2.load(handle)
    return parsed


def unquote(text: str) -> str:
    """A python-hcl2 string literal (``"\\"x\\""``) or expression (``${x}``) as plain text."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('\\"', '"')
    if text.startswith("${") and text.endswith("}"):
        return text[2:-1]
    return text


def hcl_value(value: Any) -> str:
    """``value`` written back as an HCL literal, for documentation."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value.startswith('"') else unquote(value)
    if isinstance(value, list):
        return "[" + ", ".join(hcl_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{unquote(k)} = {hcl_value(v)}" for k, v in value.items() if k != "__is_block__")
        return "{" + ", ".join(items) + "}"
    return str(value)


def blocks(module: Path, kind: str) -> dict[str, dict[str, Any]]:
    """Every ``variable`` or ``output`` block of a module, by name, in file order."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(module.glob("*.tf")):
        for block in load(path).get(kind, []):
            for name, body in fields(block).items():
                found[unquote(name)] = body
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def docs_table(module: Path) -> str:
    """The generated Inputs and Outputs sections of a module's README."""
    lines = [
        "## Inputs",
        "",
        "| Name | Description | Type | Default |",
        "| --- | --- | --- | --- |",
    ]
    for name, body in blocks(module, "variable").items():
        kind = unquote(str(body.get("type", "any")))
        default = f"`{_cell(hcl_value(body['default']))}`" if "default" in body else "required"
        lines.append(
            f"| `{name}` | {_cell(unquote(body.get('description', '')))} | `{_cell(kind)}` | {default} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "| --- | --- |"]
    for name, body in blocks(module, "output").items():
        lines.append(f"| `{name}` | {_cell(unquote(body.get('description', '')))} |")
    return "\n".join([BEGIN, *lines, END])


def readme_docs(readme: str) -> str:
    """The generated part of a README, markers included."""
    start, stop = readme.index(BEGIN), readme.index(END) + len(END)
    return readme[start:stop]


def refresh_readme(module: Path) -> None:
    """Rewrite the generated part of ``module``'s README (the only writer of it)."""
    readme = module / "README.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace(readme_docs(text), docs_table(module)), encoding="utf-8")


def fields(body: dict[str, Any]) -> dict[str, Any]:
    """A parsed block without python-hcl2's ``__is_block__`` marker."""
    return {key: value for key, value in body.items() if key != "__is_block__"}
