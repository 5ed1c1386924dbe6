"""mlrig: generate pinned machine-learning repositories and prove they stay pinned."""

from __future__ import annotations

__version__ = "0.8.0.dev0"
