"""``mlrig new``: render the cookiecutter template into a new repository."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import TargetExistsError
from toolkit.generate.answers import (
    Answers,
    check_overrides,
    load_answers_file,
    template_options,
    validate_answers,
)
from toolkit.generate.answers_file import ANSWERS_FILE, AnswersRecord, file_hashes
from toolkit.generate.base import Resolved, open_template
from toolkit.generate.questions import next_steps
from toolkit.generate.render import render, resolve_answers


@dataclass(frozen=True)
class NewOptions:
    """What ``mlrig new`` was asked for."""

    output_dir: Path = Path()
    no_input: bool = False
    answers_file: Path | None = None
    overrides: Answers = field(default_factory=dict)
    force: bool = False
    template: str = "ml-repo"
    directory: str = ""


@dataclass(frozen=True)
class NewResult:
    """Where the repository went and what it was generated from."""

    path: Path
    record: AnswersRecord
    next_steps: str = ""


def collect_answers(template: Path, options: NewOptions) -> Answers:
    """Defaults, then the answers file, then ``--set``, then prompts; validated."""
    overrides: Answers = {}
    if options.answers_file is not None:
        overrides.update(load_answers_file(options.answers_file))
    overrides.update(options.overrides)
    check_overrides(template_options(template), overrides)
    if options.no_input:
        answers = resolve_answers(template, overrides)
    else:
        from toolkit.generate.prompts import ask_answers

        answers = ask_answers(template, overrides)
    validate_answers(template, answers)
    return answers


def _refuse_conflicts(rendered: Path, target: Path, force: bool) -> None:
    if not target.exists():
        return
    if not force:
        raise TargetExistsError(f"{target}: already exists; use --force to generate into it")
    conflicts = [
        rel
        for rel in file_hashes(rendered)
        if (target / rel).exists() and (target / rel).read_bytes() != (rendered / rel).read_bytes()
    ]
    if conflicts:
        shown = ", ".join(conflicts[:5]) + (" ..." if len(conflicts) > 5 else "")
        raise TargetExistsError(
            f"{target}: {len(conflicts)} existing file(s) differ from the template and would be "
            f"overwritten: {shown}; use `mlrig update` for a generated repository"
        )


def _install(rendered: Path, target: Path) -> None:
    for source in sorted(rendered.rglob("*")):
        destination = target / source.relative_to(rendered)
        if source.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def run_new(options: NewOptions) -> NewResult:
    """Generate a repository; nothing is written unless every step succeeds."""
    with ExitStack() as stack:
        resolved = open_template(stack, options.template, options.directory)
        return _generate(resolved, options)


def _generate(resolved: Resolved, options: NewOptions) -> NewResult:
    template, source = resolved.template, resolved.source
    answers = collect_answers(template, options)
    raw = template_options(template)
    public = {key: answers[key] for key in raw if not key.startswith("_")}
    target = options.output_dir / str(answers["project_slug"])
    with tempfile.TemporaryDirectory(prefix="mlrig-new-") as scratch:
        rendered = render(template, answers, Path(scratch))
        _refuse_conflicts(rendered, target, options.force)
        record = AnswersRecord(
            template=source.name or source.url,
            template_version=source.version,
            template_commit=source.commit,
            answers=public,
            files=file_hashes(rendered),
            source=source,
        )
        (rendered / ANSWERS_FILE).write_text(record.dump(), encoding="utf-8")
        _install(rendered, target)
    return NewResult(path=target, record=record, next_steps=next_steps(template, public, target))
