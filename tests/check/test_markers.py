"""Environment markers against a Python known to its patch release, or only as ``X.Y``."""

from __future__ import annotations

import pytest

from toolkit.check.views._markers import applies

FULL_BELOW = "python_full_version < '3.11'"
FULL_FROM = "python_full_version >= '3.11'"
PATCH = "python_full_version >= '3.11.4'"


@pytest.mark.parametrize(
    ("marker", "python", "expected"),
    [
        # X.Y stands for every X.Y.Z: these hold, or fail, for all of them.
        (FULL_BELOW, "3.11", False),
        (FULL_FROM, "3.11", True),
        (FULL_BELOW, "3.10", True),
        (FULL_FROM, "3.10", False),
        (FULL_FROM, "3.12", True),
        ("python_full_version < '3.11.0' or python_version > '3.12'", "3.13", True),
        ("python_full_version == '3.11.*'", "3.11", True),
        # A patch release inside the minor splits it: only the full version decides.
        (PATCH, "3.11", None),
        (PATCH, "3.11.3", False),
        (PATCH, "3.11.4", True),
        (PATCH, "3.12", True),
        # Variables other than the Python's are unknown unless the Python alone decides.
        ("python_version < '3.12' and sys_platform == 'linux'", "3.11", None),
        ("python_version < '3.12' and sys_platform == 'linux'", "3.12", False),
        ("python_version >= '3.10' or sys_platform == 'linux'", "3.11", True),
        ("", "3.11", True),
        ("python_version <", "3.11", None),
    ],
)
def test_marker_on_python(marker: str, python: str, expected: bool | None) -> None:
    assert applies(marker, python) is expected
