"""Options that several commands share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

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
