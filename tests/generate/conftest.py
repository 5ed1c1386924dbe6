"""The fixture repositories hold their own tests, which are data here, not tests of mlrig."""

from __future__ import annotations

collect_ignore = ["fixtures"]
