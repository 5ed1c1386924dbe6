"""The command-line page in docs/ is generated and must be fresh."""

from __future__ import annotations

from toolkit import clidocs


def test_cli_page_is_fresh() -> None:
    assert clidocs.PAGE.read_text(encoding="utf-8") == clidocs.render(), (
        "run: python -m toolkit.clidocs"
    )


def test_every_command_has_a_section() -> None:
    text = clidocs.render()
    for name in ("new", "add", "update", "check", "rules"):
        assert f"## mlrig {name}\n" in text


def test_each_usage_line_is_what_the_command_prints() -> None:
    """``docs/cli.md`` shows ``Usage: mlrig NAME ...`` as ``mlrig NAME --help`` does, once."""
    import re
    import subprocess
    import sys

    text = clidocs.PAGE.read_text(encoding="utf-8")
    usages = dict(re.findall(r"^## mlrig (\w+)\n\n```text\n(Usage: .*)$", text, re.MULTILINE))
    assert sorted(usages) == ["add", "check", "lineage", "new", "rules", "update"]
    for name, usage in usages.items():
        printed = subprocess.run(
            [sys.executable, "-m", "toolkit", name, "--help"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[0]
        assert usage == printed
        assert usage.startswith(f"Usage: mlrig {name} ")
