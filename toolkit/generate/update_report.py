"""What ``mlrig update`` says: the plan, the outcome and the exit code."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.generate.merge import Outcome
from toolkit.generate.update import UpdateResult

WOULD = {
    Outcome.ADD: "would add",
    Outcome.UPDATE: "would update",
    Outcome.DELETE: "would delete",
    Outcome.MERGE: "would merge",
    Outcome.CONFLICT: "would conflict",
}


DROPPED = "(you changed it; the template no longer has it)"


@dataclass(frozen=True)
class Report:
    """Standard output, standard error and the exit code."""

    out: str
    err: str = ""
    code: int = 0


def _counts(result: UpdateResult) -> str:
    merged = sum(c.outcome is Outcome.MERGE for c in result.changed)
    return f"{len(result.changed)} file(s), {merged} merged, {len(result.conflicts)} with conflicts"


def _planned(result: UpdateResult) -> list[str]:
    """The plan, as a dry run or ``--check`` shows it."""
    lines = [f"{WOULD[c.outcome]} {c.path}" for c in result.changed]
    return lines + [f"would keep {path} {DROPPED}" for path in result.kept_dropped]


def _check_report(result: UpdateResult, new: str) -> Report:
    """``--check``: exit 1 when updating would change a file (a downgrade, when allowed, too)."""
    lines = _planned(result)
    if result.downgrade:
        lines.append(f"Newer than {new}: going back to it would change {_counts(result)}.")
    elif not result.changed:
        return Report(f"Up to date: {new} changes no file of this repository.\n")
    else:
        lines.append(f"Behind {new}: `mlrig update` would change {_counts(result)}.")
    return Report("\n".join(lines) + "\n", code=1)


def report_update(result: UpdateResult, *, dry_run: bool, check: bool) -> Report:
    """The report of one ``mlrig update`` run (``check``: behind exits 1)."""
    if result.ahead is not None:
        newer, older = result.ahead
        return Report(
            f"The repository is ahead of this mlrig ({newer.version} > {older.version}): "
            f"{older.describe()} is older than {newer.describe()}, which generated it; "
            "nothing to update.\n"
        )
    new = result.record.template_source().describe()
    if result.up_to_date:
        return Report(f"Already up to date with {new}.\n")
    if check:
        return _check_report(result, new)
    if dry_run:
        lines = _planned(result)
        verb = "downgrading" if result.downgrade else "updating"
        lines.append(f"Dry run: {verb} to {new} would change {_counts(result)}; nothing written.")
        return Report("\n".join(lines) + "\n")
    lines = [f"{c.outcome.value:9} {c.path}" for c in result.changed]
    lines += [f"{'kept':9} {path} {DROPPED}" for path in result.kept_dropped]
    done = "Downgraded" if result.downgrade else "Updated"
    lines.append(f"{done} to {new}: {_counts(result)}.")
    if result.conflicts:
        err = f"{len(result.conflicts)} conflict(s): resolve the markers, then commit.\n"
        return Report("\n".join(lines) + "\n", err, 1)
    return Report("\n".join(lines) + "\n")
