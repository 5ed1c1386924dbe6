"""Terraform's version-constraint operators, as TF003 and TF005 read them."""

from __future__ import annotations

import pytest

from toolkit.check.views._tfversion import is_exact, satisfies


@pytest.mark.parametrize(
    ("version", "constraint", "expected"),
    [
        ("6.49.0", "6.49.0", True),
        ("6.49.0", "= 6.49.0", True),
        ("6.49.1", "=6.49.0", False),
        ("6.49.0", "!= 6.49.0", False),
        ("6.49.1", "!= 6.49.0", True),
        ("6.49.0", "> 6.48.9", True),
        ("6.49.0", "> 6.49", False),
        ("6.49.0", ">= 6.33.0, < 7.0.0", True),
        ("7.0.0", ">= 6.33.0, < 7.0.0", False),
        ("6.49.0", "<= 6.49.0", True),
        ("6.49.0", "< 6.49", False),
        ("6.49.7", "~> 6.49.0", True),
        ("6.50.0", "~> 6.49.0", False),
        ("6.99.0", "~> 6.49", True),
        ("7.0.0", "~> 6.49", False),
        ("6.1.0", "~> 6", True),
        ("7.0.0", "~> 6", False),
        ("1.10.0", "~> 1.9", True),
        ("1.9.0", ">= 1.10", False),
        ("2.0.0-beta1", ">= 1.0.0", False),
        ("2.0.0-beta1", "2.0.0-beta1", True),
        ("2.0.0", ">= 2.0.0-beta1", True),
        ("6.49.0", "about six", None),
        ("latest", ">= 1.0", None),
    ],
)
def test_satisfies(version: str, constraint: str, expected: bool | None) -> None:
    assert satisfies(version, constraint) is expected


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("6.49.0", True),
        ("= 6.49.0", True),
        ("v6.49.0", True),
        ("6.49", False),
        ("~> 6.49.0", False),
        (">= 6.49.0", False),
        ("6.49.0, 6.49.0", False),
        ("", False),
    ],
)
def test_is_exact(constraint: str, expected: bool) -> None:
    assert is_exact(constraint) is expected
