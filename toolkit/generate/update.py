"""``mlrig update``: bring a generated repository up to a newer template by 3-way merge.

The base of the merge is the template exactly as the repository was generated
from it (see :mod:`toolkit.generate.base`), rendered with the recorded answers;
the other side is the new template with the same answers, changed by ``--set``.
A file the user never touched takes the new template; a file only the user
changed stays as it is; a file both changed is merged, and a conflict keeps both
sides between markers. No base is an error, never an empty merge.
"""

from __future__ import annotations

import subprocess
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import UserInputError
from toolkit.generate.answers import Answers, check_overrides, template_options, validate_answers
from toolkit.generate.answers_file import ANSWERS_FILE, AnswersRecord, file_hashes, read_record
from toolkit.generate.base import open_base, open_target
from toolkit.generate.merge import FileChange, Outcome, plan_file
from toolkit.generate.render import explicit_answers, render, resolve_answers

CHANGES = frozenset({Outcome.ADD, Outcome.UPDATE, Outcome.DELETE, Outcome.MERGE, Outcome.CONFLICT})


@dataclass(frozen=True)
class UpdateOptions:
    """What ``mlrig update`` was asked for."""

    repo: Path = Path()
    to: str | None = None
    dry_run: bool = False
    allow_dirty: bool = False
    template: str | None = None
    directory: str = ""
    overrides: Answers = field(default_factory=dict)


@dataclass(frozen=True)
class UpdateResult:
    """The plan (and, unless a dry run, what was written)."""

    changes: list[FileChange]
    record: AnswersRecord
    previous: AnswersRecord

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.changes if c.outcome is Outcome.CONFLICT]

    @property
    def changed(self) -> list[FileChange]:
        """The changes that would alter a file of the repository."""
        return [c for c in self.changes if c.outcome in CHANGES]

    @property
    def up_to_date(self) -> bool:
        """Nothing to do: no file changes, the same answers and template."""
        old, new = self.previous, self.record
        same = old.answers == new.answers and old.template_source() == new.template_source()
        return not self.changed and same


def _refuse_dirty(repo: Path) -> None:
    result = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0 and result.stdout.strip():
        raise UserInputError(
            f"{repo}: has uncommitted changes; commit or stash them first "
            "so that the update can be reviewed"
        )


def _read(root: Path, path: str) -> bytes | None:
    target = root / path
    return target.read_bytes() if target.is_file() else None


def plan_update(repo: Path, new_root: Path, base_root: Path) -> list[FileChange]:
    """One change per path of either template version."""
    paths = sorted(set(file_hashes(new_root)) | set(file_hashes(base_root)))
    return [
        plan_file(path, _read(repo, path), _read(base_root, path), _read(new_root, path))
        for path in paths
    ]


def apply_changes(repo: Path, changes: list[FileChange]) -> None:
    """Write the planned contents; a kept or conflicting binary file is left as it is."""
    for change in changes:
        target = repo / change.path
        if change.outcome is Outcome.DELETE:
            target.unlink(missing_ok=True)
        elif change.content is not None and change.outcome is not Outcome.UNCHANGED:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(change.content)


def run_update(options: UpdateOptions) -> UpdateResult:
    """Plan the update of ``options.repo`` and, unless a dry run, apply it."""
    repo = options.repo
    record = read_record(repo)
    if not options.dry_run and not options.allow_dirty:
        _refuse_dirty(repo)
    source = record.template_source()
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="mlrig-update-") as scratch:
        target = open_target(
            stack,
            source,
            given=options.template,
            directory=options.directory,
            to=options.to,
            scratch=Path(scratch) / "to",
        )
        base = open_base(stack, source, target, Path(scratch) / "base-template")
        raw = template_options(target.template)
        check_overrides(raw, options.overrides)
        given = {**explicit_answers(base, record.answers), **options.overrides}
        answers = resolve_answers(target.template, given)
        validate_answers(target.template, answers)
        new_root = render(target.template, answers, Path(scratch) / "new")
        base_answers = resolve_answers(base, record.answers)
        base_root = render(base, base_answers, Path(scratch) / "base")
        new_record = AnswersRecord(
            template=record.template,
            template_version=target.source.version,
            template_commit=target.source.commit,
            answers={key: answers[key] for key in raw if not key.startswith("_")},
            files=file_hashes(new_root),
            source=target.source,
        )
        result = UpdateResult(plan_update(repo, new_root, base_root), new_record, record)
        if not options.dry_run and not result.up_to_date:
            apply_changes(repo, result.changes)
            (repo / ANSWERS_FILE).write_text(new_record.dump(), encoding="utf-8")
    return result
