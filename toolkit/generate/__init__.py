"""Generation: ``mlrig new`` (and, later, ``add`` and ``update``)."""

from __future__ import annotations

from toolkit.generate.new import NewOptions, run_new

__all__ = ["NewOptions", "run_new"]
