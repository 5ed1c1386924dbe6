"""Every rule, one line each: the module name under ``toolkit.rules``.

The engine, ``mlrig rules``, the docs pages and ``.pre-commit-hooks.yaml`` are all
made from this list (see docs/writing-rules.md).
"""

from __future__ import annotations

RULES: tuple[str, ...] = (
    # engine
    "mlr_parse_error",
    "mlr_unexplained_suppression",
    "mlr_unknown_suppression_code",
    # GitHub Actions
    "gha_unpinned_uses",
    # container images
    # pre-commit
    # DVC
    "dvc_stale_lock",
    "dvc_stale_params",
    "dvc_dep_hash_mismatch",
    "dvc_unhashed_out",
    "dvc_unlocked_import",
    "dvc_out_not_ignored",
    "dvc_missing_default_remote",
)
