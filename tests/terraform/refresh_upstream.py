"""Record the upstream runner module's types in ``refresh_actions.json``.

Run it from the repository root when ``aws-gpu-runners`` pins another commit::

    python -m tests.terraform.refresh_upstream --runner-module <git dir of github-aws-runners/terraform-aws-github-runner>

It follows the module's local ``source = "./..."`` calls from its root folder at
the pinned commit (so only the submodules the root can instantiate count, not
``examples/`` or ``multi-runner``) and writes every resource and data-source type
they declare, with the commit, into the ``upstream`` part of the table. The
table's ``types`` part (what each type's refresh calls) is kept by hand.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
from pathlib import Path

from tests.terraform.schema_runner import git, pinned

TABLE = Path(__file__).with_name("refresh_actions.json")
BLOCK = re.compile(r'^(resource|data) "(\w+)" "\w+"', re.MULTILINE)
LOCAL_SOURCE = re.compile(r'^\s+source\s*=\s*"(\.\.?/[^"]+)"', re.MULTILINE)


def folder_texts(git_dir: Path, commit: str, folder: str) -> list[str]:
    prefix = f"{folder}/" if folder else ""
    names = git(git_dir, "ls-tree", "--name-only", commit, prefix or ".").split()
    return [git(git_dir, "show", f"{commit}:{n}") for n in names if n.endswith(".tf")]


def upstream_types(git_dir: Path, commit: str) -> tuple[list[str], list[str]]:
    """(folders reached from the root, sorted ``resource.type``/``data.type``)."""
    seen: set[str] = set()
    todo, types = [""], set()
    while todo:
        folder = todo.pop()
        if folder in seen:
            continue
        seen.add(folder)
        for text in folder_texts(git_dir, commit, folder):
            types.update(f"{kind}.{type_}" for kind, type_ in BLOCK.findall(text))
            for source in LOCAL_SOURCE.findall(text):
                todo.append(posixpath.normpath(posixpath.join(folder, source)).strip("."))
    return sorted(f or "." for f in seen), sorted(types)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner-module", type=Path, required=True)
    args = parser.parse_args()
    repository, commit = pinned()
    folders, types = upstream_types(args.runner_module, commit)
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    table["upstream"] = {
        "module": repository,
        "commit": commit,
        "folders": folders,
        "types": types,
    }
    TABLE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
