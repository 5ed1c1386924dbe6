"""Both readers of install commands skip the same option values."""

from __future__ import annotations

from toolkit.check.views._pip_commands import scan
from toolkit.rules._pip import pip_installs

COMMAND = "uv pip install --extra dev --group test -C key=value torch==2.5.1 requests"


def test_mentions_take_no_option_value_for_a_requirement() -> None:
    installed, urls = scan(COMMAND)
    assert [item.requirement.name for item in installed] == ["torch", "requests"]
    assert urls == []


def test_the_pin_rule_flags_only_the_unpinned_requirement() -> None:
    (install,) = pip_installs(COMMAND)
    assert install.unpinned == ["requests"]
