"""``mlrig new``: render the cookiecutter template into a new repository."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import TargetExistsError, UserInputError
from toolkit.generate.answers import (
    Answers,
    check_overrides,
    load_answers_file,
    template_options,
    validate_answers,
)
from toolkit.generate.answers_file import ANSWERS_FILE, AnswersRecord, file_hashes
from toolkit.generate.atomic import apply_changes, filesystem_errors, signals_held
from toolkit.generate.base import Resolved, open_template
from toolkit.generate.confine import read_inside
from toolkit.generate.questions import next_steps, refuse_inapplicable
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
        from toolkit.generate.answers_check import refuse_bad_file_answers

        given = load_answers_file(options.answers_file)
        check_overrides(template_options(template), options.overrides)
        refuse_bad_file_answers(given, template, options.overrides)
        overrides.update(given.answers)
    overrides.update(options.overrides)
    overrides = check_overrides(template_options(template), overrides)
    if options.no_input:
        answers = resolve_answers(template, overrides)
    else:
        from toolkit.generate.prompts import ask_answers

        answers = ask_answers(template, overrides)
    validate_answers(template, answers)
    refuse_inapplicable(template, answers, options.overrides)
    return answers


def _refuse_conflicts(rendered: Path, target: Path) -> None:
    """With ``--force``, refuse when an existing file differs from the template's."""
    if not target.exists():
        return
    conflicts = [
        rel
        for rel in file_hashes(rendered)
        if read_inside(target, rel) not in (None, (rendered / rel).read_bytes())
    ]
    if conflicts:
        shown = ", ".join(conflicts[:5]) + (" ..." if len(conflicts) > 5 else "")
        raise TargetExistsError(
            f"{target}: {len(conflicts)} existing file(s) differ from the template and would be "
            f"overwritten: {shown}; use `mlrig update` for a generated repository"
        )


def _files(rendered: Path) -> tuple[dict[str, bytes], dict[str, int]]:
    paths = [p for p in sorted(rendered.rglob("*")) if p.is_file() and not p.is_symlink()]
    relative = {p.relative_to(rendered).as_posix(): p for p in paths}
    return (
        {rel: path.read_bytes() for rel, path in relative.items()},
        {rel: path.stat().st_mode for rel, path in relative.items()},
    )


def _install(rendered: Path, target: Path) -> None:
    """Rename the rendered tree into place, or (``--force``) apply it file by file."""
    if not target.exists() and not target.is_symlink():
        rendered.rename(target)
        return
    contents, modes = _files(rendered)
    apply_changes(target, contents, modes)


@contextmanager
def _scratch_beside(target: Path) -> Iterator[Path]:
    """A private folder next to ``target`` (same file system, so a rename moves it).

    Ctrl-C is held while the folder is made and while it is removed, so that no
    interruption can leave it behind.
    """
    scratch: Path | None = None
    try:
        with signals_held():
            target.parent.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        yield scratch
    except OSError as err:
        if scratch is not None:
            raise
        why = err.strerror or str(err)
        raise UserInputError(f"{target.parent}: cannot create {target.name} here ({why})") from None
    finally:
        if scratch is not None:
            with signals_held():
                shutil.rmtree(scratch, ignore_errors=True)


def run_new(options: NewOptions) -> NewResult:
    """Generate a repository; nothing is written unless every step succeeds.

    The tree is rendered in a folder beside the target and renamed into place,
    so an interrupted or failed run leaves nothing behind and a rerun works.
    """
    with ExitStack() as stack:
        resolved = open_template(stack, options.template, options.directory)
        return _generate(resolved, options)


def _generate(resolved: Resolved, options: NewOptions) -> NewResult:
    template, source = resolved.template, resolved.source
    answers = collect_answers(template, options)
    raw = template_options(template)
    public = {key: answers[key] for key in raw if not key.startswith("_")}
    target = options.output_dir / str(answers["project_slug"])
    if target.is_symlink():
        raise UserInputError(f"{target}: a symbolic link; mlrig generates into a real folder")
    if target.exists() and not options.force:
        raise TargetExistsError(f"{target}: already exists; use --force to generate into it")
    with _scratch_beside(target) as scratch, filesystem_errors(scratch):
        rendered = render(template, answers, scratch)
        _refuse_conflicts(rendered, target)
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
