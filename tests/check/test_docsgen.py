"""The rule pages and ``.pre-commit-hooks.yaml`` are generated; stale copies fail here."""

from __future__ import annotations

import subprocess
import sys

import yaml

from toolkit.check.docsgen import REPO, generated, stale
from toolkit.check.rules import all_rules


def test_generated_files_are_current() -> None:
    paths = [str(path.relative_to(REPO)) for path in stale()]
    assert paths == [], "stale; run: python -m toolkit.check.docsgen"


def test_check_mode_exits_zero_when_current() -> None:
    command = [sys.executable, "-m", "toolkit.check.docsgen", "--check"]
    assert subprocess.run(command, cwd=REPO, check=False).returncode == 0


def test_every_rule_has_a_page_with_the_four_sections() -> None:
    files = generated()
    for rule in all_rules():
        page = files[REPO / "docs/rules" / f"{rule.code}.md"]
        for section in ("## What it does", "## Why is this bad", "## Example", "## Fix"):
            assert section in page, f"{rule.code} lacks {section}"


def test_hooks_file_is_valid_for_pre_commit() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "mlrig-check"
    assert {hook["language"] for hook in hooks} == {"python"}
    handed_files = {hook["id"] for hook in hooks if hook["pass_filenames"]}
    assert handed_files == {"mlrig-github-actions", "mlrig-container-images", "mlrig-pre-commit"}
    assert all("files" in hook for hook in hooks if hook["pass_filenames"])


def test_pre_commit_accepts_the_hooks_file() -> None:
    command = [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
