"""``mlrig add``: bring generated parts into a repository that already exists.

The template is rendered whole, with the repository's recorded answers (or the
defaults and ``--set``), and only the component's files are taken from it. A
file that exists with other content is never overwritten: the whole add is
refused and nothing is written.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import TargetExistsError, UsageError
from toolkit.generate.answers import Answers, check_overrides, template_options, validate_answers
from toolkit.generate.answers_file import ANSWERS_FILE, AnswersRecord, file_hashes, read_record
from toolkit.generate.render import render, resolve_answers
from toolkit.resources import template_commit, template_dir

# Each component is a set of path prefixes of the rendered tree.
COMPONENTS: dict[str, tuple[str, ...]] = {
    "pre-commit": (".pre-commit-config.yaml",),
    "ci": (".github/workflows/ci.yml",),
    "cd": (".github/workflows/cd.yml", "deploy/"),
    "ct": (".github/workflows/ct.yml", ".github/workflows/drift.yml"),
    "infra": (".github/workflows/infra.yml", "terraform/"),
    "dvc": ("dvc.yaml", "params.yaml", ".dvcignore", ".dvc/"),
    "dvc-remote": (".dvc/config",),
    "dependabot": (".github/dependabot.yml",),
}


@dataclass(frozen=True)
class AddOptions:
    """What ``mlrig add`` was asked for."""

    components: tuple[str, ...]
    repo: Path = Path()
    overrides: Answers = field(default_factory=dict)
    dry_run: bool = False
    template: str = "ml-repo"


@dataclass(frozen=True)
class AddResult:
    """The files written (or, for a dry run, that would be) and those already in place."""

    written: list[str]
    present: list[str]


def _selected(rendered: dict[str, str], components: tuple[str, ...]) -> list[str]:
    unknown = [name for name in components if name not in COMPONENTS]
    if unknown:
        raise UsageError(f"unknown component {unknown[0]!r}; components: {', '.join(COMPONENTS)}")
    prefixes = tuple(prefix for name in components for prefix in COMPONENTS[name])
    return sorted(path for path in rendered if path.startswith(prefixes))


def _answers(template: Path, options: AddOptions) -> tuple[Answers, AnswersRecord | None]:
    record = read_record(options.repo) if (options.repo / ANSWERS_FILE).is_file() else None
    given: Answers = (
        dict(record.answers) if record else {"project_name": options.repo.resolve().name}
    )
    check_overrides(template_options(template), options.overrides)
    given.update(options.overrides)
    answers = resolve_answers(template, given)
    validate_answers(template, answers)
    return answers, record


def run_add(options: AddOptions) -> AddResult:
    """Add the components' files to ``options.repo``; all or nothing."""
    template = template_dir(options.template)
    answers, record = _answers(template, options)
    with tempfile.TemporaryDirectory(prefix="mlrig-add-") as scratch:
        root = render(template, answers, Path(scratch))
        hashes = file_hashes(root)
        paths = _selected(hashes, options.components)
        if not paths:
            raise UsageError(
                f"the template has no files for {', '.join(options.components)} with these answers"
            )
        present = [
            p
            for p in paths
            if (options.repo / p).is_file()
            and (options.repo / p).read_bytes() == (root / p).read_bytes()
        ]
        clashes = [p for p in paths if (options.repo / p).exists() and p not in present]
        if clashes:
            raise TargetExistsError(
                f"{options.repo / clashes[0]}: exists with other content; "
                f"mlrig add never overwrites ({len(clashes)} file(s) in the way)"
            )
        written = [p for p in paths if p not in present]
        if not options.dry_run:
            for path in written:
                (options.repo / path).parent.mkdir(parents=True, exist_ok=True)
                (options.repo / path).write_bytes((root / path).read_bytes())
            _record(options, template, answers, record, {p: hashes[p] for p in paths})
    return AddResult(written=written, present=present)


def _record(
    options: AddOptions,
    template: Path,
    answers: Answers,
    record: AnswersRecord | None,
    added: dict[str, str],
) -> None:
    raw = template_options(template)
    files = dict(record.files) if record else {}
    files.update(added)
    updated = AnswersRecord(
        template=record.template if record else str(raw.get("_template_name", options.template)),
        template_version=record.template_version
        if record
        else str(raw.get("_template_version", "")),
        template_commit=record.template_commit if record else template_commit(template),
        answers={key: answers[key] for key in raw if not key.startswith("_")},
        files=files,
    )
    (options.repo / ANSWERS_FILE).write_text(updated.dump(), encoding="utf-8")
