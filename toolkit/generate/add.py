"""``mlrig add``: bring generated parts into a repository that already exists.

The template is rendered whole, with the repository's recorded answers (or, in a
repository mlrig did not generate, what its files say, then ``--set``, then
prompts), and only the component's files are taken from it. A component whose
prerequisites are missing is refused, naming them. A file that exists with
other content is never overwritten: the whole add is refused and nothing is
written.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import TargetExistsError, UsageError, UserInputError
from toolkit.generate.answers import (
    Answers,
    check_overrides,
    choices,
    template_options,
    validate_answers,
)
from toolkit.generate.answers_check import refuse_bad_file_answers
from toolkit.generate.answers_file import ANSWERS_FILE, AnswersRecord, file_hashes, read_record
from toolkit.generate.atomic import apply_changes, filesystem_errors
from toolkit.generate.base import describe_folder, recorded_template
from toolkit.generate.components import COMPONENTS, Component, components, refuse_missing
from toolkit.generate.confine import read_inside
from toolkit.generate.infer import Inferred, infer_answers
from toolkit.generate.render import render, resolve_answers
from toolkit.generate.yaml_edit import add_missing_keys
from toolkit.resources import is_bundled, template_dir


@dataclass(frozen=True)
class AddOptions:
    """What ``mlrig add`` was asked for."""

    components: tuple[str, ...]
    repo: Path = Path()
    overrides: Answers = field(default_factory=dict)
    dry_run: bool = False
    template: str | None = None
    no_input: bool = True


@dataclass(frozen=True)
class AddResult:
    """The files written (or, for a dry run, that would be) and those already in place."""

    written: list[str]
    present: list[str]
    inferred: dict[str, Inferred] = field(default_factory=dict)


def _selected(rendered: dict[str, str], components: list[Component], answers: Answers) -> list[str]:
    prefixes = tuple(
        p.format(package_name=answers["package_name"]) for c in components for p in c.paths
    )
    return sorted(path for path in rendered if path.startswith(prefixes))


def _read_text(repo: Path, relative: str) -> str:
    data = read_inside(repo, relative) or b""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserInputError(
            f"{repo / relative}:1: not UTF-8 text; mlrig will not edit it"
        ) from None


def _yaml_edits(
    repo: Path, root: Path, components: list[Component], skip: list[str]
) -> dict[str, str]:
    """New text of each existing YAML file that a component adds keys to."""
    edits: dict[str, str] = {}
    for component in components:
        for name, keys in component.yaml_keys:
            if name in skip or not (root / name).is_file():
                continue
            current = edits.get(name) or _read_text(repo, name)
            edited = add_missing_keys(
                current, (root / name).read_text(encoding="utf-8"), keys, str(repo / name)
            )
            if edited != current:
                edits[name] = edited
    return edits


def _answers(
    options: AddOptions,
) -> tuple[Path, Answers, AnswersRecord | None, dict[str, Inferred]]:
    """The template, then the recorded answers, or what the repository says, then
    ``--set``, then prompts; and the repository's record (if it has one)."""
    answers_file = options.repo / ANSWERS_FILE
    record = read_record(options.repo) if os.path.lexists(answers_file) else None
    if options.template:
        template = template_dir(options.template)
    elif record is not None:
        template = recorded_template(record, answers_file)
    else:
        template = template_dir("ml-repo")
    raw = template_options(template)
    inferred = {} if record else infer_answers(options.repo, choices(raw))
    given: Answers = (
        dict(record.answers)
        if record
        else {"project_name": options.repo.resolve().name}
        | {key: found.value for key, found in inferred.items()}
    )
    check_overrides(raw, options.overrides)
    if record is not None:
        trusted = not options.dry_run or is_bundled(template)
        refuse_bad_file_answers(record.given(answers_file), template, options.overrides, trusted)
    given.update(options.overrides)
    if record is None and not options.no_input:
        from toolkit.generate.prompts import ask_answers
        from toolkit.generate.used import used_answers

        paths = [path for name in options.components for path in COMPONENTS[name].paths]
        answers = ask_answers(template, given, only=used_answers(template, paths))
    else:
        answers = resolve_answers(template, given)
    validate_answers(template, answers, not options.dry_run or is_bundled(template))
    kept = {k: v for k, v in inferred.items() if k not in options.overrides}
    return template, answers, record, kept


def _already_present(repo: Path, root: Path, paths: list[str]) -> list[str]:
    """The paths that ``repo`` already holds as rendered; refuse any other file in the way."""
    current = {p: read_inside(repo, p) for p in paths}
    present = [p for p in paths if current[p] == (root / p).read_bytes()]
    clashes = [p for p in paths if current[p] is not None and p not in present]
    if clashes:
        raise TargetExistsError(
            f"{repo / clashes[0]}: exists with other content; "
            f"mlrig add never overwrites ({len(clashes)} file(s) in the way)"
        )
    return present


def run_add(options: AddOptions) -> AddResult:
    """Add the components' files to ``options.repo``; all or nothing.

    A file in the way, a symlink on a path the component writes, or a path outside
    the repository refuses the whole add; a dry run runs none of the template's code.
    """
    chosen = components(options.components)
    template, answers, record, inferred = _answers(options)
    with (
        filesystem_errors(options.repo),
        tempfile.TemporaryDirectory(prefix="mlrig-add-") as scratch,
    ):
        root = render(template, answers, Path(scratch), hooks=not options.dry_run)
        hashes = file_hashes(root)
        paths = _selected(hashes, chosen, answers)
        present = _already_present(options.repo, root, paths)
        refuse_missing(options.repo, options.components, paths, answers)
        if not paths:
            raise UsageError(
                f"the template has no files for {', '.join(options.components)} with these answers"
            )
        written = [p for p in paths if p not in present]
        edits = _yaml_edits(options.repo, root, chosen, skip=paths)
        answers_text = _record(template, answers, record, {p: hashes[p] for p in paths})
        if read_inside(options.repo, ANSWERS_FILE) != answers_text.encode("utf-8"):
            edits[ANSWERS_FILE] = answers_text
        writes: dict[str, bytes | None] = {p: (root / p).read_bytes() for p in written}
        writes.update({p: text.encode("utf-8") for p, text in edits.items()})
        modes = {p: (root / p).stat().st_mode for p in written}
        apply_changes(options.repo, writes, modes, dry_run=options.dry_run)
    return AddResult(written=written + sorted(edits), present=present, inferred=inferred)


def _record(
    template: Path,
    answers: Answers,
    record: AnswersRecord | None,
    added: dict[str, str],
) -> str:
    """The answers file after the add."""
    raw = template_options(template)
    files = dict(record.files) if record else {}
    files.update(added)
    source = record.template_source() if record else describe_folder(template)
    updated = AnswersRecord(
        template=record.template if record else source.name,
        template_version=source.version,
        template_commit=source.commit,
        answers={key: answers[key] for key in raw if not key.startswith("_")},
        files=files,
        source=source,
    )
    return updated.dump()
