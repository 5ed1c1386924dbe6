"""What ``mlrig update`` refuses before it plans: unresolved conflicts, and going back.

An earlier update that left conflict markers has already recorded the new
template, so without this check the next run would say "already up to date"
while the repository holds markers. An older template than the one that
generated the repository is a downgrade, which happens only when asked for.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import UserInputError
from toolkit.generate.answers_file import AnswersRecord
from toolkit.generate.confine import read_inside
from toolkit.generate.sources import TemplateSource

# The labels mlrig's merge writes (see toolkit.generate.merge.git_merge_file).
MARKERS = (b"<<<<<<< yours", b">>>>>>> new template")
SHOWN = 5


def conflict_lines(data: bytes) -> list[int]:
    """The 1-based lines where a conflict that mlrig's merge wrote starts."""
    return [
        number
        for number, line in enumerate(data.splitlines(), 1)
        if line.rstrip(b"\r") == MARKERS[0]
    ]


def refuse_unresolved_conflicts(repo: Path, record: AnswersRecord) -> None:
    """Raise, naming each ``file:line``, when a generated file still holds conflict markers."""
    found = [
        f"{path}:{line}"
        for path in sorted(record.files)
        for line in conflict_lines(read_inside(repo, path) or b"")
    ]
    if found:
        more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
        raise UserInputError(
            f"{repo}: unresolved conflict markers from an earlier update at "
            f"{', '.join(found[:SHOWN])}{more}; resolve them (keep what you want, delete the "
            "<<<<<<< ======= >>>>>>> lines), commit, then update again"
        )


def is_downgrade(recorded: TemplateSource, target: TemplateSource) -> bool:
    """Whether ``target`` is an older version of the template than ``recorded``."""
    from toolkit.check.views._pep440 import parse_version

    old, new = parse_version(recorded.version), parse_version(target.version)
    return old is not None and new is not None and new.key < old.key
