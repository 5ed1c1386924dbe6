"""A file the user changed that the new template no longer has is kept, and said so."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RunMlrig
from tests.generate.conftest import SLUG_DIR, append, commit_all

WHY = "(you changed it; the template no longer has it)"


def test_an_edited_file_the_template_drops_is_kept_and_said(
    generated: Path, template_copy: Path, run_mlrig: RunMlrig
) -> None:
    append(generated / ".dvcignore", "# ours\n")
    commit_all(generated)
    ours = (generated / ".dvcignore").read_bytes()
    (template_copy / SLUG_DIR / ".dvcignore").unlink()
    (template_copy / SLUG_DIR / ".python-version").unlink()  # untouched here: deleted
    commit_all(template_copy)

    dry = run_mlrig("update", "-C", generated, "--template", template_copy, "--dry-run")
    assert dry.code == 0, dry.err
    assert dry.out.splitlines()[:2] == [
        "would delete .python-version",
        f"would keep .dvcignore {WHY}",
    ]
    check = run_mlrig("update", "-C", generated, "--template", template_copy, "--check")
    assert check.code == 1
    assert f"would keep .dvcignore {WHY}" in check.out.splitlines()

    result = run_mlrig("update", "-C", generated, "--template", template_copy)
    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == [
        "delete    .python-version",
        f"kept      .dvcignore {WHY}",
    ]
    assert (generated / ".dvcignore").read_bytes() == ours
    assert not (generated / ".python-version").exists()
    answers = (generated / ".mlrig-answers.yml").read_text(encoding="utf-8")
    assert ".dvcignore" not in answers
