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


EXPRESSIONS = (
    "pip install torch==${{ matrix.torch }} numpy==1.26.4"
    " -r reqs-${{ matrix.backend }}.txt --index-url ${{ vars.INDEX || 'https://x' }}"
)


def test_a_github_expression_is_one_word_for_the_mentions() -> None:
    installed, urls = scan(EXPRESSIONS)
    assert [item.requirement.name for item in installed] == ["numpy"]
    assert [url.url for url in urls] == ["${{ vars.INDEX || 'https://x' }}"]


def test_a_github_expression_is_one_word_for_the_pin_rule() -> None:
    (install,) = pip_installs(EXPRESSIONS)
    assert install.unpinned == []
    assert install.requirement_files == ["reqs-${{ matrix.backend }}.txt"]
