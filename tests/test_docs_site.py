"""The documentation site builds with ``mkdocs build --strict``, and the README leads to it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.tools import tool
from toolkit.cli import cli

PAGES = [
    "index.md",
    "getting-started.md",
    "configuration.md",
    "suppression.md",
    "ci.md",
    "pre-commit.md",
    "rules/index.md",
    "rules/GHA001.md",
    "cli.md",
    "template.md",
    "add-update.md",
    "performance.md",
    "releasing.md",
]


def mkdocs() -> str:
    return tool("mkdocs")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [str(mkdocs()), "build", "--strict", "--site-dir", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


@pytest.mark.parametrize("page", PAGES)
def test_the_site_has_the_page(site: Path, page: str) -> None:
    built = site / (
        "index.html" if page == "index.md" else page.removesuffix(".md") + "/index.html"
    )
    if page.endswith("/index.md"):
        built = site / page.removesuffix("index.md") / "index.html"
    assert built.is_file(), page


def test_every_rule_has_a_page_on_the_site(site: Path) -> None:
    codes = [p.stem for p in (REPO_ROOT / "docs" / "rules").glob("*.md") if p.stem != "index"]
    assert len(codes) > 30
    for code in codes:
        assert (site / "rules" / code / "index.html").is_file(), code


def test_the_readme_links_the_site_and_lists_every_command() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in readme
    assert "docs/index.md" in readme
    table = re.findall(r"^\| `mlrig (\w+)", readme, re.MULTILINE)
    assert sorted(table) == sorted(cli.commands)


def test_ci_builds_the_site() -> None:
    ci = (REPO_ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in ci


def test_the_site_knows_its_own_address(site: Path) -> None:
    """``site_url`` is the GitHub Pages address of ``repo_url``; pages link it as canonical."""
    import yaml

    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    owner, name = config["repo_url"].removeprefix("https://github.com/").split("/")
    assert config["site_url"] == f"https://{owner}.github.io/{name}/"
    page = (site / "getting-started" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{config["site_url"]}getting-started/">' in page
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{config['site_url']}rules/GHA001/</loc>" in sitemap
