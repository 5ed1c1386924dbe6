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
from toolkit.generate.add_answers import AddAnswers, collect
from toolkit.generate.add_merge import merged
from toolkit.generate.answers import (
    Answers,
    template_options,
    validate_answers,
)
from toolkit.generate.answers_file import ANSWERS_FILE, AnswersRecord, file_hashes
from toolkit.generate.atomic import apply_changes, filesystem_errors
from toolkit.generate.base import describe_folder
from toolkit.generate.components import (
    Component,
    component_paths,
    components,
    refuse_missing,
    refuse_missing_early,
)
from toolkit.generate.confine import read_inside
from toolkit.generate.fit_parts import fit_to_repository
from toolkit.generate.infer import Inferred, package_name
from toolkit.generate.package_dir import package_dir, relocate_tree
from toolkit.generate.pipeline_deps import missing_dependencies
from toolkit.generate.questions import refuse_inapplicable
from toolkit.generate.render import render
from toolkit.generate.run_modules import bring_run_modules
from toolkit.generate.stage_modules import refuse_unrunnable_pipeline
from toolkit.generate.yaml_edit import add_missing_keys
from toolkit.resources import is_bundled


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
    # Distributions the written files import that the repository does not depend on.
    missing: list[str] = field(default_factory=list)


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


def _completed(repo: Path, root: Path, paths: list[str]) -> dict[str, str | None]:
    """New text of each existing file that mlrig completes rather than refuses (see
    :mod:`toolkit.generate.add_merge`); ``None`` for one that already has all it needs."""
    completed: dict[str, str | None] = {}
    for path in paths:
        current = read_inside(repo, path)
        rendered = (root / path).read_bytes()
        result = None if current in (None, rendered) else merged(path, current, rendered)
        if result is not None:
            completed[path] = None if result == current else result.decode("utf-8")
    return completed


def _known_package(options: AddOptions) -> str | None:
    """The package before the answers are collected: ``--set``, else what a repository
    without an answers file says."""
    if "package_name" in options.overrides:
        return str(options.overrides["package_name"])
    if os.path.lexists(options.repo / ANSWERS_FILE):
        return None
    found = package_name(options.repo)
    return found.value if found else None


def run_add(options: AddOptions) -> AddResult:
    """Add the components' files to ``options.repo``; all or nothing.

    A file in the way, a symlink on a path the component writes, or a path outside
    the repository refuses the whole add; a dry run runs none of the template's code.
    """
    chosen = components(options.components)
    known = _known_package(options)
    folder = package_dir(options.repo, known) if known else None
    refuse_missing_early(options.repo, options.components, known, folder)
    collected = collect(
        options.repo,
        options.components,
        options.overrides,
        template_name=options.template,
        dry_run=options.dry_run,
        no_input=options.no_input,
    )
    template, answers = collected.template, collected.answers
    validate_answers(template, answers, not options.dry_run or is_bundled(template))
    refuse_inapplicable(template, answers, options.overrides)
    with (
        filesystem_errors(options.repo),
        tempfile.TemporaryDirectory(prefix="mlrig-add-") as scratch,
    ):
        root = render(template, answers, Path(scratch), hooks=not options.dry_run)
        package = str(answers["package_name"])
        folder = package_dir(options.repo, package)
        relocate_tree(root, package, folder)
        hashes = file_hashes(root)
        paths = component_paths(hashes, options.components, package, folder)
        paths = bring_run_modules(
            options.repo, root, paths, package=package, folder=folder, names=options.components
        )
        hashes = fit_to_repository(root, options.repo, paths, hashes)
        completed = _completed(options.repo, root, paths)
        present = _already_present(options.repo, root, [p for p in paths if p not in completed])
        present += [p for p, text in completed.items() if text is None]
        completions = {p: text for p, text in completed.items() if text is not None}
        refuse_missing(options.repo, options.components, paths, answers, folder)
        if "dvc.yaml" in paths:
            refuse_unrunnable_pipeline(options.repo, root / "dvc.yaml", paths)
        if not paths:
            raise UsageError(
                f"the template has no files for {', '.join(options.components)} with these answers"
            )
        written = [p for p in paths if p not in present and p not in completed]
        edits = _yaml_edits(options.repo, root, chosen, skip=paths) | completions
        added = {p: hashes[p] for p in paths}
        answers_text = _record(collected, added, options.components)
        if read_inside(options.repo, ANSWERS_FILE) != answers_text.encode("utf-8"):
            edits[ANSWERS_FILE] = answers_text
        writes: dict[str, bytes | None] = {p: (root / p).read_bytes() for p in written}
        writes.update({p: text.encode("utf-8") for p, text in edits.items()})
        modes = {p: (root / p).stat().st_mode for p in written}
        apply_changes(options.repo, writes, modes, dry_run=options.dry_run)
        missing = (
            missing_dependencies(options.repo, writes, package)
            if collected.chosen is not None
            else []
        )
    return AddResult(written + sorted(edits), present, collected.inferred, missing)


def _record(collected: AddAnswers, added: dict[str, str], names: tuple[str, ...]) -> str:
    """The answers file after the add: a repository mlrig did not generate records the
    parts added, which are all that ``update`` will touch there, and only the answers
    someone chose (a later ``add`` asks for the others, or stops)."""
    template, answers, record = collected.template, collected.answers, collected.record
    chosen = collected.chosen
    raw = template_options(template)
    files = dict(record.files) if record else {}
    if record and not record.parts:  # generated whole by ``mlrig new``
        names = ()
    files.update(added)
    source = record.template_source() if record else describe_folder(template)
    updated = AnswersRecord(
        template=record.template if record else source.name,
        template_version=source.version,
        template_commit=source.commit,
        answers={
            key: answers[key]
            for key in raw
            if not key.startswith("_") and (chosen is None or key in chosen)
        },
        files=files,
        source=source,
        parts=tuple(sorted({*(record.parts if record else ()), *names})),
    )
    return updated.dump()
