"""The table of what refreshing each AWS type calls (``refresh_actions.json``).

Which types need an entry: every resource and data-source type that the
generated AWS root, mlrig's AWS modules and the upstream runner module (at the
commit ``aws-gpu-runners`` pins, recorded by ``refresh_upstream``) declare.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.terraform.conftest import MODULES_DIR

TABLE = Path(__file__).with_name("refresh_actions.json")
BLOCK = re.compile(r'^(resource|data) "(\w+)" "\w+"', re.MULTILINE)


def table() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(TABLE.read_text(encoding="utf-8"))
    return found


def declared_types(folders: list[Path]) -> set[str]:
    """``resource.<type>``/``data.<type>`` of every block in the ``.tf`` files of ``folders``."""
    return {
        f"{kind}.{type_}"
        for folder in folders
        for path in sorted(folder.glob("*.tf"))
        for kind, type_ in BLOCK.findall(path.read_text(encoding="utf-8"))
    }


def configured_types(generated_root: Path) -> set[str]:
    """The types one generated AWS root manages or reads, its modules' and upstream's included."""
    modules = sorted(MODULES_DIR.glob("aws-*"))
    return declared_types([generated_root, *modules]) | set(table()["upstream"]["types"])


def requests(slug: str, account: str) -> list[tuple[str, str, str]]:
    """(type, action, resource) of every call a refresh makes, ARNs filled in."""
    return [
        (type_, action, entry["resource"].format(slug=slug, account=account))
        for type_, entry in sorted(table()["types"].items())
        for action in entry["actions"]
    ]
