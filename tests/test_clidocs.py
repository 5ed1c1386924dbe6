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
