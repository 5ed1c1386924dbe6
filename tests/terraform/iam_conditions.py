"""Evaluate the IAM Condition expressions the GCP modules write, for the forms they use.

The modules build CEL from Terraform strings: ``resource.name.startsWith("...")``,
``resource.name.extract("/instances/{name}").startsWith("...")``, joined with
``resource.name == "..."``, joined with ``&&`` and ``||``. ``allows`` fills in the Terraform references it is given and
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
    plain = python.replace("==", "")
    assert re.fullmatch(r"[\w\s.,()'\"/{}*:-]+", plain), f"unsupported CEL: {expression}"
    result = eval(python, {"__builtins__": {}}, {"name": resource_name, "extract": extract})
    return bool(result)


AZURE_TERMS = [
    (re.compile(r"ActionMatches\{'([^']*)'\}"), r"(action == '\1')"),
    (re.compile(r"SubOperationMatches\{'([^']*)'\}"), r"(sub_operation == '\1')"),
    (re.compile(r"@Resource\[[^\]]*:path\] StringStartsWith '([^']*)'"), r"path.startswith('\1')"),
    (re.compile(r"@Resource\[[^\]]*:path\] StringEquals '([^']*)'"), r"(path == '\1')"),
    (
        re.compile(r"@Resource\[[^\]]*containers:name\] StringEquals '([^']*)'"),
        r"(container == '\1')",
    ),
    (re.compile(r"\bAND NOT\b"), " and not "),
    (re.compile(r"\bAND\b"), " and "),
    (re.compile(r"\bOR\b"), " or "),
    (re.compile(r"!"), " not "),
]


def azure_allows(
    condition: str, action: str, path: str, sub_operation: str = "", container: str = ""
) -> bool:
    """Whether an Azure ABAC role-assignment condition (the forms the modules write) lets
    ``action`` on the blob at ``path`` through (``sub_operation``: ``Blob.List`` for a listing;
    ``container``: the blob's container, for conditions on the container's name).

    A condition is one boolean over ``ActionMatches``, ``SubOperationMatches`` and the
    blob path (``StringStartsWith``, ``StringEquals``) or the container's name
    (``StringEquals``), with ``!``, ``NOT``, ``AND``, ``OR``.
    """
    python = condition
    for pattern, replacement in AZURE_TERMS:
        python = pattern.sub(replacement, python)
    rest = re.sub(r"'[^']*'", "''", python).replace("==", "")
    assert re.fullmatch(r"[\w\s().']+", rest), f"unsupported condition: {condition}"
    scope = {"action": action, "path": path, "sub_operation": sub_operation, "container": container}
    return bool(eval(python, {"__builtins__": {}}, scope))
