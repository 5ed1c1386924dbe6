"""Output formats of ``mlrig check``: ``text`` (and ``concise``, ``full``), ``json``, ``sarif``,
``github``, and the summary."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from toolkit.check.engine import Result
from toolkit.check.report.context import Context

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
