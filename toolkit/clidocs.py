"""Generate ``docs/cli.md`` from the click commands, so the page cannot drift.

``python -m toolkit.clidocs`` rewrites the page; ``--check`` exits 1 when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from toolkit.cli import cli

PAGE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
HEADER = """# Command line

Generated from the commands' own help by `python -m toolkit.clidocs`; do not edit.

Exit codes, for every command: 0 success, 1 findings or a user error, 2 usage or
configuration error, 3 internal error, 130 interrupted.
"""


def _help(name: str, command: click.Command) -> str:
    """The help text as ``mlrig NAME --help`` prints it, at a fixed width."""
    root = cli.make_context("mlrig", [], resilient_parsing=True, terminal_width=88)
    if not name:
        return cli.get_help(root)
    ctx = command.make_context(name, [], parent=root, resilient_parsing=True)  # click adds "mlrig "
    return command.get_help(ctx)


def render() -> str:
    """The page's text."""
    parts = [HEADER, "## mlrig\n", "```text\n" + _help("", cli) + "\n```\n"]
    assert isinstance(cli, click.Group)
    for name in sorted(cli.commands):
        parts.append(f"## mlrig {name}\n")
        parts.append("```text\n" + _help(name, cli.commands[name]) + "\n```\n")
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    """Write the page, or with ``--check`` report whether it is stale."""
    text = render()
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.is_file() else ""
        if current != text:
            print(f"{PAGE.name} is stale: run python -m toolkit.clidocs", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
