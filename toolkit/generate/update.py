"""``mlrig update``: bring a generated repository up to a newer template by 3-way merge.

The base of the merge is the template at the commit recorded in
``.mlrig-answers.yml``, rendered with the recorded answers; the other side is
the new template with the same answers. A file the user never touched takes
the new template; a file only the user changed stays as it is; a file both
changed is merged, and a conflict keeps both sides between markers.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import UserInputError
from toolkit.generate.answers import Answers, template_options, validate_answers
from toolkit.generate.answers_file import ANSWERS_FILE, AnswersRecord, file_hashes, read_record
from toolkit.generate.atomic import apply_changes, filesystem_errors
from toolkit.generate.confine import read_inside
from toolkit.generate.merge import FileChange, Outcome, plan_file
from toolkit.generate.render import render, resolve_answers, resolve_commit, template_at
from toolkit.resources import chosen_template, is_bundled, template_commit

FULL_COMMIT = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class UpdateOptions:
    """What ``mlrig update`` was asked for."""

    repo: Path = Path()
    to: str | None = None
    dry_run: bool = False
    allow_dirty: bool = False
    template: str | None = None


@dataclass(frozen=True)
class UpdateResult:
    """The plan (and, unless a dry run, what was written)."""

    changes: list[FileChange]
    record: AnswersRecord

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.changes if c.outcome is Outcome.CONFLICT]


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


def _read(root: Path | None, path: str) -> bytes | None:
    """A file of a rendered template (mlrig's own scratch folder)."""
    if root is None:
        return None
    target = root / path
    return target.read_bytes() if target.is_file() else None


def _sha(data: bytes | None) -> str | None:
    return None if data is None else "sha256:" + hashlib.sha256(data).hexdigest()


def _base_for(
    path: str,
    ours: bytes | None,
    theirs: bytes | None,
    base_root: Path | None,
    record: AnswersRecord,
) -> bytes | None:
    """The old template's bytes.

    Without the template's history, the recorded hash tells which side is unchanged:
    the user's copy or the new template's file, whichever has it, stands in for the base.
    """
    if base_root is not None:
        return _read(base_root, path)
    recorded = record.files.get(path)
    for side in (ours, theirs):
        if recorded is not None and _sha(side) == recorded:
            return side
    return None


def plan_update(
    repo: Path, record: AnswersRecord, new_root: Path, base_root: Path | None
) -> list[FileChange]:
    """One change per path of either template version."""
    paths = sorted(
        set(file_hashes(new_root))
        | set(record.files)
        | set(file_hashes(base_root) if base_root else {})
    )
    changes = []
    for path in paths:
        ours, theirs = read_inside(repo, path), _read(new_root, path)
        base = _base_for(path, ours, theirs, base_root, record)
        changes.append(plan_file(path, ours, base, theirs))
    return changes


def writes_of(changes: list[FileChange]) -> dict[str, bytes | None]:
    """What the plan writes: new contents, and ``None`` for each file it deletes."""
    writes: dict[str, bytes | None] = {}
    for change in changes:
        if change.outcome is Outcome.DELETE:
            writes[change.path] = None
        elif change.content is not None and change.outcome is not Outcome.UNCHANGED:
            writes[change.path] = change.content
    return writes


def _base_root(
    template: Path, commit: str, answers: Answers, into: Path, hooks: bool
) -> Path | None:
    """The old template rendered with the recorded answers, when its history is here."""
    if not FULL_COMMIT.fullmatch(commit):
        return None
    try:
        with template_at(commit, template) as old_template:
            return render(old_template, resolve_answers(old_template, answers), into, hooks)
    except UserInputError:
        return None


def run_update(options: UpdateOptions) -> UpdateResult:
    """Plan the update of ``options.repo`` and, unless a dry run, apply it all or nothing.

    The template comes from ``--template`` or is mlrig's own one that the answers
    file names; a dry run runs none of the template's code.
    """
    repo = options.repo
    record = read_record(repo)
    if not options.dry_run and not options.allow_dirty:
        _refuse_dirty(repo)
    template = chosen_template(options.template, record.template, repo / ANSWERS_FILE)
    hooks = not options.dry_run
    with (
        filesystem_errors(repo),
        ExitStack() as stack,
        tempfile.TemporaryDirectory(prefix="mlrig-update-") as scratch,
    ):
        commit = resolve_commit(options.to, template) if options.to else template_commit(template)
        new_template = (
            stack.enter_context(template_at(commit, template)) if options.to else template
        )
        answers = resolve_answers(new_template, record.answers)
        validate_answers(new_template, answers, hooks or is_bundled(template))
        new_root = render(new_template, answers, Path(scratch) / "new", hooks)
        base_root = _base_root(
            template, record.template_commit, record.answers, Path(scratch) / "base", hooks
        )
        changes = plan_update(repo, record, new_root, base_root)
        raw = template_options(new_template)
        new_record = AnswersRecord(
            template=record.template,
            template_version=str(raw.get("_template_version", "")),
            template_commit=commit,
            answers={key: answers[key] for key in raw if not key.startswith("_")},
            files=file_hashes(new_root),
        )
        writes = {**writes_of(changes), ANSWERS_FILE: new_record.dump().encode("utf-8")}
        apply_changes(repo, writes, dry_run=options.dry_run)
    return UpdateResult(changes=changes, record=new_record)
