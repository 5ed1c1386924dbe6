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
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import UserInputError
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
from toolkit.generate.base import Resolved, open_base, open_target, recorded_template
from toolkit.generate.components import component_paths
from toolkit.generate.confine import read_inside
from toolkit.generate.infer import refuse_contradicting
from toolkit.generate.merge import FileChange, Outcome, plan_file
from toolkit.generate.package_dir import package_dir, relocate_tree
from toolkit.generate.questions import refuse_inapplicable
from toolkit.generate.render import explicit_answers, render, resolve_answers
from toolkit.generate.sources import TemplateSource
from toolkit.generate.update_checks import is_downgrade, refuse_unresolved_conflicts

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
    allow_downgrade: bool = False
    check: bool = False  # ``--check``: a repository ahead of the template is not behind
    base: str | None = None  # ``--base``: where the recorded commit's template is
    base_directory: str = ""


@dataclass(frozen=True)
class UpdateResult:
    """The plan (and, unless a dry run, what was written)."""

    changes: list[FileChange]
    record: AnswersRecord
    previous: AnswersRecord
    downgrade: bool = False
    # ``--check`` only: the newer template that generated the repository, and the older one
    # it was checked against (nothing is planned then).
    ahead: tuple[TemplateSource, TemplateSource] | None = None

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.changes if c.outcome is Outcome.CONFLICT]

    @property
    def kept_dropped(self) -> list[str]:
        """Files the user changed that the new template no longer has: left as they are."""
        return [c.path for c in self.changes if c.outcome is Outcome.KEEP_DROPPED]

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
    """A file of a rendered template (mlrig's own scratch folder)."""
    target = root / path
    return target.read_bytes() if target.is_file() else None


def planned_paths(
    repo: Path, record: AnswersRecord, new: set[str], base: set[str], answers: Answers
) -> set[str]:
    """The paths an update may touch: every path of either template version, or, in a
    repository that ``mlrig add`` populated, only the recorded files and what the added
    parts bring (the rest of the template was never written there)."""
    if not record.parts:
        return new | base | set(record.files)
    package = str(answers["package_name"])
    folder = package_dir(repo, package)
    return set(record.files) | set(component_paths(new | base, record.parts, package, folder))


def plan_update(repo: Path, paths: set[str], new_root: Path, base_root: Path) -> list[FileChange]:
    """One change per path (a path that leaves the repository or passes a symlink refuses
    the update)."""
    return [
        plan_file(path, read_inside(repo, path), _read(base_root, path), _read(new_root, path))
        for path in sorted(paths)
    ]


def writes_of(changes: list[FileChange]) -> dict[str, bytes | None]:
    """What the plan writes: new contents, and ``None`` for each file it deletes."""
    writes: dict[str, bytes | None] = {}
    for change in changes:
        if change.outcome is Outcome.DELETE:
            writes[change.path] = None
        elif change.content is not None and change.outcome is not Outcome.UNCHANGED:
            writes[change.path] = change.content
    return writes


def _recorded_answers(
    raw: Mapping[str, object], answers: Answers, record: AnswersRecord, overrides: Answers
) -> Answers:
    """The answers to record: all of them, or, where ``mlrig add`` recorded only those
    someone chose (a repository mlrig did not generate), those and ``--set``."""
    chosen = set(record.answers) | set(overrides) if record.parts else set(raw)
    return {key: answers[key] for key in raw if not key.startswith("_") and key in chosen}


def answers_of_older_repositories(
    raw: Mapping[str, object], base: Path, recorded: Mapping[str, object]
) -> Answers:
    """The answers a repository generated before a question existed keeps: the template's
    ``_answers_of_older_repositories`` for each question its base template lacked and its
    record does not answer (a new default would change what the repository already has,
    such as the Azure names its data lives under)."""
    older = raw.get("_answers_of_older_repositories")
    if not isinstance(older, dict):
        return {}
    known = set(template_options(base)) | set(recorded)
    return {str(k): str(v) for k, v in older.items() if k not in known}


def answers_kept_once_recorded(
    raw: Mapping[str, object], recorded: Mapping[str, object]
) -> Answers:
    """The recorded answers the template says to keep even where they equal a default that
    other answers would now compute otherwise (``_answers_kept_once_recorded``): the Azure
    suffix follows the owner's name by default, but storage accounts cannot be renamed."""
    kept = raw.get("_answers_kept_once_recorded")
    keys = kept if isinstance(kept, list) else []
    return {str(k): str(recorded[k]) for k in keys if isinstance(k, str) and k in recorded}


def _base(
    stack: ExitStack,
    options: UpdateOptions,
    source: TemplateSource,
    target: Resolved,
    scratch: Path,
) -> Path:
    """The merge base: from ``--base`` when given, else found as the record says."""
    if options.base:
        from toolkit.generate.base_given import given_base

        return given_base(stack, source, options.base, options.base_directory)
    return open_base(stack, source, target, scratch)


def run_update(options: UpdateOptions) -> UpdateResult:
    """Plan the update of ``options.repo`` and, unless a dry run, apply it all or nothing.

    The template comes from ``--template`` or is mlrig's own one that the answers
    file names; a dry run runs none of the template's code.
    """
    repo = options.repo
    record = read_record(repo)
    refuse_unresolved_conflicts(repo, record)
    if not options.dry_run and not options.allow_dirty:
        _refuse_dirty(repo)
    source = record.template_source()
    if not options.template:
        recorded_template(record, repo / ANSWERS_FILE)
    hooks = not options.dry_run
    with (
        filesystem_errors(repo),
        ExitStack() as stack,
        tempfile.TemporaryDirectory(prefix="mlrig-update-") as scratch,
    ):
        target = open_target(
            stack,
            source,
            given=options.template,
            directory=options.directory,
            to=options.to,
            scratch=Path(scratch) / "to",
        )
        downgrade = is_downgrade(source, target.source)
        if downgrade and options.check and not options.allow_downgrade:
            return UpdateResult([], record, record, ahead=(source, target.source))
        if downgrade and not options.allow_downgrade:
            raise UserInputError(
                f"{target.source.describe()} is older than {source.describe()}, which generated "
                "this repository: that is a downgrade; pass --allow-downgrade to move back to it"
            )
        base = _base(stack, options, source, target, Path(scratch) / "base-template")
        raw = template_options(target.template)
        overrides = check_overrides(raw, options.overrides)
        if record.parts and overrides:
            refuse_contradicting(repo, choices(raw), overrides)
        trusted = hooks or target.source.kind == "bundled"
        refuse_bad_file_answers(record.given(repo / ANSWERS_FILE), base, {}, trusted)
        older = answers_of_older_repositories(raw, base, record.answers)
        kept = answers_kept_once_recorded(raw, record.answers)
        given = {**explicit_answers(base, record.answers), **older, **kept, **overrides}
        answers = resolve_answers(target.template, given)
        validate_answers(target.template, answers, trusted)
        refuse_inapplicable(target.template, answers, overrides)
        new_root = render(target.template, answers, Path(scratch) / "new", hooks)
        base_answers = resolve_answers(base, record.answers)
        base_root = render(base, base_answers, Path(scratch) / "base", hooks)
        if record.parts:  # mlrig add put the package's files where the package lives
            for root, given_answers in ((new_root, answers), (base_root, base_answers)):
                package = str(given_answers["package_name"])
                relocate_tree(root, package, package_dir(repo, package))
        new_files = file_hashes(new_root)
        paths = planned_paths(repo, record, set(new_files), set(file_hashes(base_root)), answers)
        new_record = AnswersRecord(
            template=record.template,
            template_version=target.source.version,
            template_commit=target.source.commit,
            answers=_recorded_answers(raw, answers, record, overrides),
            files={path: digest for path, digest in new_files.items() if path in paths},
            source=target.source,
            parts=record.parts,
        )
        changes = plan_update(repo, paths, new_root, base_root)
        result = UpdateResult(changes, new_record, record, downgrade)
        if not result.up_to_date:
            writes = {**writes_of(result.changes), ANSWERS_FILE: new_record.dump().encode("utf-8")}
            apply_changes(repo, writes, dry_run=options.dry_run)
    return result
