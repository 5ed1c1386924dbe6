"""The options of ``mlrig check`` (and ``-C/--repo``, which every command shares).

Kept apart from :mod:`toolkit.cli` so that the command line module stays short;
it imports click alone, as the command line must.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

FC = TypeVar("FC", bound=Callable[..., object])


def repo_option(help_text: str) -> Callable[[FC], FC]:
    """``-C/--repo DIR``: the repository a command works in (default: here)."""
    return click.option(
        "-C",
        "--repo",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        default=Path(),
        help=help_text,
    )


FORMATS = click.Choice(["text", "concise", "full", "json", "sarif", "github"])
LEVELS = click.Choice(["error", "warning", "note"])


def codes(values: tuple[str, ...]) -> list[str]:
    """``--select A,B --select C`` as ``[A, B, C]``."""
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def check_options(command: FC) -> FC:
    """Every option of ``mlrig check``, in the order ``--help`` shows them."""
    decorated: Any = command
    for option in reversed(_CHECK_OPTIONS):
        decorated = option(decorated)
    return cast(FC, decorated)


Decorator = Callable[[Any], Any]
_CHECK_OPTIONS: list[Decorator] = [
    click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
    repo_option("Check the repository in DIR, as if run there (PATHS are relative to it)."),
    click.option(
        "--format",
        "--output-format",
        "output_format",
        type=FORMATS,
        default="text",
        show_default=True,
        help="text: help lines on a terminal; concise: one line each; full: with the source line.",
    ),
    click.option(
        "--select",
        multiple=True,
        metavar="CODES",
        help="Only these rules (codes, prefixes or names; comma-separated).",
    ),
    click.option(
        "--ignore",
        multiple=True,
        metavar="CODES",
        help="Skip these rules, besides the configured ones.",
    ),
    click.option(
        "--fix",
        is_flag=True,
        help="Apply the fixes, in place: pins tags and branches to SHAs, images to digests.",
    ),
    click.option("--diff", is_flag=True, help="Show the edits --fix would make; write nothing."),
    click.option("--offline", is_flag=True, help="Resolve pins from the resolution cache only."),
    click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings."),
    click.option(
        "--fail-on",
        type=LEVELS,
        default="note",
        show_default=True,
        help="The lowest severity that makes the run fail.",
    ),
    click.option(
        "--statistics", is_flag=True, help="Count the findings per rule instead of listing them."
    ),
    click.option("--by-folder", is_flag=True, help="With --statistics: per top folder and rule."),
    click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the report to FILE.",
    ),
    click.option(
        "--summary",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write a Markdown summary to FILE.",
    ),
    click.option(
        "--no-cache",
        is_flag=True,
        help="Run every rule; neither reuse nor store results (kept in ~/.cache/mlrig).",
    ),
]
