"""The answers ``mlrig add`` renders with.

In a generated repository: the recorded answers, then ``--set``. In one mlrig did
not generate: what its files say, then ``--set``, then prompts for the answers
the parts' files use (never the others). An answer that matters and that nothing
gives is never silently defaulted: without prompts it must come from ``--set``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import click

from toolkit.errors import UsageError
from toolkit.generate.answers import Answers, check_overrides, choices, template_options
from toolkit.generate.answers_check import FileAnswers, refuse_bad_file_answers
from toolkit.generate.answers_file import ANSWERS_FILE, AnswersRecord, read_record
from toolkit.generate.base import recorded_template
from toolkit.generate.components import COMPONENTS
from toolkit.generate.infer import Inferred, infer_answers, pyproject
from toolkit.generate.render import explicit_answers, resolve_answers
from toolkit.resources import is_bundled, template_dir

# Answers whose default would be a guess about the repository, and where mlrig looked.
MUST_KNOW = {
    "cloud": "no DVC remote URL in .dvc/config and no cloud provider in its Terraform",
    "python_version": "no .python-version and no requires-python in pyproject.toml",
    "package_name": "no package in pyproject.toml's build configuration, src/ or the top folder",
}


@dataclass(frozen=True)
class AddAnswers:
    """The template, the final answers, the repository's record and what was inferred."""

    template: Path
    answers: Answers
    record: AnswersRecord | None
    inferred: dict[str, Inferred] = field(default_factory=dict)
    # The answers to record: in a repository mlrig did not generate, only those read from
    # it, recorded before, passed with --set or asked (``None``: every answer).
    chosen: frozenset[str] | None = None


def _template(name: str | None, record: AnswersRecord | None, answers_file: Path) -> Path:
    if name:
        return template_dir(name)
    if record is not None:
        return recorded_template(record, answers_file)
    return template_dir("ml-repo")


def _unknown(repo: Path, used: set[str], given: Mapping[str, object]) -> dict[str, str]:
    """The answers the parts use that nothing gave, with why: where mlrig looked, or the
    packages it could not choose between."""
    from toolkit.generate.infer_package import packages

    missing = {k: why for k, why in MUST_KNOW.items() if k in used and k not in given}
    if "package_name" in missing:
        found = packages(repo, pyproject(repo))
        if found is not None and len(found.names) > 1:
            missing["package_name"] = f"{', '.join(found.names)} (from {found.source})"
    return missing


def _refuse_or_tell(missing: dict[str, str], names: tuple[str, ...], interactive: bool) -> None:
    for key, why in missing.items():
        if interactive:
            click.echo(f"  {key} is not in the repository's files: {why}")
    if missing and not interactive:
        key, why = next(iter(missing.items()))
        raise UsageError(
            f"cannot add {', '.join(names)}: {key} is needed and the repository does not say "
            f"it ({why}); pass --set {key}=VALUE"
        )


def _recorded(
    record: AnswersRecord, answers_file: Path, template: Path, overrides: Answers, dry_run: bool
) -> Answers:
    """The answers the answers file gives, refused at their line when bad."""
    recorded = record.given(answers_file)
    # Answers left at their defaults follow --set (a remote URL made from the cloud).
    explicit = explicit_answers(template, recorded.answers) if overrides else recorded.answers
    trusted = not dry_run or is_bundled(template)
    mine = FileAnswers(recorded.path, explicit, recorded.lines, recorded.line)
    refuse_bad_file_answers(mine, template, overrides, trusted)
    return explicit


def collect(
    repo: Path,
    components: tuple[str, ...],
    overrides: Answers,
    *,
    template_name: str | None,
    dry_run: bool,
    no_input: bool,
) -> AddAnswers:
    """The answers for adding ``components`` to ``repo``."""
    answers_file = repo / ANSWERS_FILE
    record = read_record(repo) if os.path.lexists(answers_file) else None
    template = _template(template_name, record, answers_file)
    raw = template_options(template)
    overrides = check_overrides(raw, overrides)
    recorded = _recorded(record, answers_file, template, overrides, dry_run) if record else {}
    if record is not None and not record.parts:  # generated whole: every answer was chosen
        answers = resolve_answers(template, {**recorded, **overrides})
        return AddAnswers(template, answers, record)
    # A repository mlrig did not generate: what its files say, what earlier adds recorded
    # (only answers someone chose), --set, then prompts; a default is never recorded.
    from toolkit.generate.used import used_answers

    inferred = infer_answers(repo, choices(raw))
    given: Answers = {"project_name": repo.resolve().name}
    given |= {key: found.value for key, found in inferred.items()} | recorded | overrides
    used = used_answers(template, [p for name in components for p in COMPONENTS[name].paths])
    _refuse_or_tell(_unknown(repo, used, given), components, not no_input)
    if not no_input:
        from toolkit.generate.prompts import ask_missing

        given = ask_missing(template, given, only=used)
    kept = {k: v for k, v in inferred.items() if k not in overrides and k not in recorded}
    answers = resolve_answers(template, given)
    return AddAnswers(template, answers, record, kept, frozenset(given))
