"""Output formats of ``mlrig check``: ``text`` (and ``concise``, ``full``), ``json``, ``sarif``,
``github``, and the summary."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, cast

from toolkit.check.engine import Result
from toolkit.check.findings import Finding

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

FORMATS = {
    "text": "toolkit.check.report.text",
    "concise": "toolkit.check.report.text",
    "full": "toolkit.check.report.text",
    "json": "toolkit.check.report.json_report",
    "sarif": "toolkit.check.report.sarif",
    "github": "toolkit.check.report.github",
}


def renderer(name: str) -> Callable[[Result, Context], str]:
    """The ``render(result, context) -> str`` function of format ``name``."""
    module = importlib.import_module(FORMATS[name])
    return cast(Callable[[Result, Context], str], module.render)


_EMPTY: Mapping[str, str] = MappingProxyType({})


class Context(NamedTuple):
    """``help``: a help line under each finding; ``source``: the line and a caret too."""

    severities: Mapping[str, str] = _EMPTY
    root: Path | None = None
    help: bool = False
    source: bool = False
    color: bool = False
    ct_pull_request: bool = False

    def severity(self, code: str) -> str:
        return self.severities.get(code, "error")

    def level(self, finding: Finding) -> str:
        """The finding's severity: a note when it waits for CT in a pull request it retrains."""
        return "note" if self.ct_pull_request and finding.pending else self.severity(finding.code)


def wants_color(stream: IO[str]) -> bool:
    """Colour on a terminal; ``NO_COLOR`` turns it off, ``FORCE_COLOR`` on (``NO_COLOR`` wins)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _is_terminal(stream) and os.environ.get("TERM") != "dumb"


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
