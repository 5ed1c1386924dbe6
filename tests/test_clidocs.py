"""The command-line page in docs/ is generated and must be fresh."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


def test_the_readme_command_table_is_generated_from_the_cli() -> None:
    """Every command has a row naming every one of its options; the table is fresh."""
    import click

    from toolkit.cli import cli

    readme = clidocs.README.read_text(encoding="utf-8")
    assert clidocs.readme(readme) == readme, "run: python -m toolkit.clidocs"
    assert isinstance(cli, click.Group)
    for name, command in cli.commands.items():
        (row,) = [line for line in readme.splitlines() if line.startswith(f"| `mlrig {name}")]
        for param in command.params:
            for opt in param.opts if isinstance(param, click.Option) else []:
                assert re.search(rf"[\[/]{re.escape(opt)}[\] /]", row), (name, opt)


def test_check_reports_a_stale_readme_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    text = clidocs.README.read_text(encoding="utf-8")
    readme.write_text(text.replace(" [--allow-downgrade]", ""), encoding="utf-8")
    monkeypatch.setattr(clidocs, "README", readme)
    page = tmp_path / "cli.md"
    page.write_text(clidocs.render(), encoding="utf-8")
    monkeypatch.setattr(clidocs, "PAGE", page)
    assert clidocs.main(["--check"]) == 1
    assert capsys.readouterr().err == "README.md is stale: run python -m toolkit.clidocs\n"
    assert clidocs.main([]) == 0
    assert readme.read_text(encoding="utf-8") == text
