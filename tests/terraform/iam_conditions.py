"""Evaluate the IAM Condition expressions the GCP modules write, for the forms they use.

The modules build CEL from Terraform strings: ``resource.name.startsWith("...")``,
``resource.name.extract("/instances/{name}").startsWith("...")``, joined with
``&&`` and ``||``. ``allows`` fills in the Terraform references it is given and
answers for one resource name, with CEL's meaning of ``extract`` (the text after
the template's prefix, empty when the prefix is absent).
"""

from __future__ import annotations

import re

CALL = re.compile(r'\.(startsWith|extract)\("([^"]*)"\)')


def extract(name: str, template: str) -> str:
    prefix = template.split("{", 1)[0]
    return name.split(prefix, 1)[1].split("/", 1)[0] if prefix in name else ""


def fill(expression: str, values: dict[str, str]) -> str:
    """``expression`` (HCL-escaped, with ``${...}`` references) as plain CEL."""
    text = expression.replace('\\"', '"')
    for reference, value in values.items():
        text = text.replace("${" + reference + "}", value)
    unresolved = re.findall(r"\$\{[^}]*\}", text)
    assert not unresolved, f"unresolved references {unresolved} in {text}"
    return text


def allows(expression: str, resource_name: str) -> bool:
    """Whether the CEL ``expression`` is true for ``resource.name == resource_name``."""
    python = CALL.sub(
        lambda m: (
            f".startswith({m.group(2)!r})"
            if m.group(1) == "startsWith"
            else f"@extract({m.group(2)!r})"
        ),
        expression,
    )
    python = re.sub(r"resource\.name@extract\(('[^']*')\)", r"extract(name, \1)", python)
    python = python.replace("resource.name", "name").replace("&&", " and ").replace("||", " or ")
    assert re.fullmatch(r"[\w\s.,()'/{}*:-]+", python), f"unsupported CEL: {expression}"
    result = eval(python, {"__builtins__": {}}, {"name": resource_name, "extract": extract})
    return bool(result)
