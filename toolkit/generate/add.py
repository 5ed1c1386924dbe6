"""``mlrig add``: bring generated parts into a repository that already exists.

The template is rendered whole, with the repository's recorded answers (or the
defaults and ``--set``), and only the component's files are taken from it. A
file that exists with other content is never overwritten: the whole add is
refused and nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import TargetExistsError, UsageError, UserInputError
from toolkit.generate.answers import Answers, check_overrides, template_options, validate_answers
from toolkit.generate.answers_file import ANSWERS_FILE, AnswersRecord, file_hashes, read_record
from toolkit.generate.atomic import apply_changes, filesystem_errors
from toolkit.generate.confine import read_inside
from toolkit.generate.render import render, resolve_answers
from toolkit.generate.yaml_edit import add_missing_keys
from toolkit.resources import chosen_template, is_bundled, template_commit

PKG = "src/{package_name}/"


@dataclass(frozen=True)
class Component:
    """Files a component brings (path prefixes; ``{package_name}`` is filled in), and
    top-level keys it adds to YAML files that may already exist."""

    paths: tuple[str, ...]
    yaml_keys: tuple[tuple[str, tuple[str, ...]], ...] = ()


COMPONENTS: dict[str, Component] = {
    "pre-commit": Component((".pre-commit-config.yaml",)),
    "ci": Component((".github/workflows/ci.yml",)),
    "cd": Component((".github/workflows/cd.yml", "deploy/", PKG + "pins.py", "tests/test_pins.py")),
    "ct": Component(
        (
            ".github/workflows/ct.yml",
            ".github/workflows/drift.yml",
            PKG + "pins.py",
            PKG + "drift.py",
            "tests/test_pins.py",
            "tests/test_drift.py",
        ),
        yaml_keys=(("params.yaml", ("drift",)),),
    ),
    "infra": Component((".github/workflows/infra.yml", "terraform/")),
    "dvc": Component(("dvc.yaml", "params.yaml", ".dvcignore", ".dvc/")),
    "dvc-remote": Component((".dvc/config",)),
    "dependabot": Component((".github/dependabot.yml",)),
}


@dataclass(frozen=True)
class AddOptions:
    """What ``mlrig add`` was asked for."""

    components: tuple[str, ...]
    repo: Path = Path()
    overrides: Answers = field(default_factory=dict)
    dry_run: bool = False
    template: str | None = None


@dataclass(frozen=True)
class AddResult:
    """The files written (or, for a dry run, that would be) and those already in place."""

    written: list[str]
    present: list[str]


def _components(names: tuple[str, ...]) -> list[Component]:
    unknown = [name for name in names if name not in COMPONENTS]
    if unknown:
        raise UsageError(f"unknown component {unknown[0]!r}; components: {', '.join(COMPONENTS)}")
    return [COMPONENTS[name] for name in names]


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


def _answers(options: AddOptions) -> tuple[Path, Answers, AnswersRecord | None]:
    """The template, the answers and the repository's record (if it has one)."""
    answers_file = options.repo / ANSWERS_FILE
    record = read_record(options.repo) if os.path.lexists(answers_file) else None
    template = chosen_template(options.template, record.template if record else "", answers_file)
    given: Answers = (
        dict(record.answers) if record else {"project_name": options.repo.resolve().name}
    )
    check_overrides(template_options(template), options.overrides)
    given.update(options.overrides)
    answers = resolve_answers(template, given)
    validate_answers(template, answers, not options.dry_run or is_bundled(template))
    return template, answers, record


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
    template, answers, record = _answers(options)
    components = _components(options.components)
    with (
        filesystem_errors(options.repo),
        tempfile.TemporaryDirectory(prefix="mlrig-add-") as scratch,
    ):
        root = render(template, answers, Path(scratch), hooks=not options.dry_run)
        hashes = file_hashes(root)
        paths = _selected(hashes, components, answers)
        if not paths:
            raise UsageError(
                f"the template has no files for {', '.join(options.components)} with these answers"
            )
        present = _already_present(options.repo, root, paths)
        written = [p for p in paths if p not in present]
        edits = _yaml_edits(options.repo, root, components, skip=paths)
        writes: dict[str, bytes | None] = {p: (root / p).read_bytes() for p in written}
        writes.update({p: text.encode("utf-8") for p, text in edits.items()})
        record_text = _record(options, template, answers, record, {p: hashes[p] for p in paths})
        writes[ANSWERS_FILE] = record_text.encode("utf-8")
        modes = {p: (root / p).stat().st_mode for p in written}
        apply_changes(options.repo, writes, modes, dry_run=options.dry_run)
    return AddResult(written=written + sorted(edits), present=present)


def _record(
    options: AddOptions,
    template: Path,
    answers: Answers,
    record: AnswersRecord | None,
    added: dict[str, str],
) -> str:
    raw = template_options(template)
    files = dict(record.files) if record else {}
    files.update(added)
    updated = AnswersRecord(
        template=record.template if record else str(raw.get("_template_name", template.name)),
        template_version=record.template_version
        if record
        else str(raw.get("_template_version", "")),
        template_commit=record.template_commit if record else template_commit(template),
        answers={key: answers[key] for key in raw if not key.startswith("_")},
        files=files,
    )
    return updated.dump()
