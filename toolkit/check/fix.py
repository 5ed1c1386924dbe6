"""``--fix``: apply the findings' text splices, and change no other byte.

The splice engine, for every rule that offers a :class:`~toolkit.check.findings.Fix`:

- a fix replaces the text from ``(line, column)`` to ``(end_line, end_column)``
  (1-based, end exclusive; an empty range inserts) with ``replacement``; when it
  states ``expected``, the text there must still be exactly that;
- a file is fixed only while it holds the very text the check read (``seen``):
  anything changed underneath since is skipped, never spliced at stale places;
- a span that leaves its lines, or overlaps another fix, is skipped (the next
  run offers it again);
- a YAML file must still parse after its fixes, and fixes that only write
  comments (``# v4.2.2``, ``# frozen: v1``) must leave its data unchanged: a
  comment spliced into a flow mapping or a quoted string is caught here;
- the file is written atomically through :func:`toolkit.boundary.write_atomically`
  (a temporary file renamed over it, its mode kept, never through a symbolic link).

Every skipped fix comes back with its reason; nothing is partly written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.check.findings import Finding, Fix

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple


class Fixed(NamedTuple):
    """What ``--fix`` did: the findings it fixed, and those it skipped with the reason."""

    applied: list[Finding]
    skipped: list[tuple[Finding, str]]


class _Skip(Exception):
    """A file none of whose fixes can be applied safely (the message says why)."""


def apply_fixes(root: Path, findings: Iterable[Finding], seen: Mapping[str, str | None]) -> Fixed:
    """Apply every fix that can be applied safely; ``seen`` is the text of each file as
    the check read it (:meth:`toolkit.check.project.Project.read_texts`)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.fix is not None:
            by_path.setdefault(finding.fix.path, []).append(finding)
    applied: list[Finding] = []
    skipped: list[tuple[Finding, str]] = []
    for path, group in sorted(by_path.items()):
        try:
            done, passed = _fix_file(root, path, group, seen.get(path))
        except _Skip as err:
            skipped.extend((finding, str(err)) for finding in group)
            continue
        applied.extend(done)
        skipped.extend(passed)
    return Fixed(sorted(applied), sorted(skipped))


def _fix_file(
    root: Path, path: str, findings: list[Finding], seen: str | None
) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    from toolkit.boundary import WriteRefused, write_atomically
    from toolkit.check.encoding import encode_like

    original, text = _current(root, path)
    if seen is None or text != seen:
        raise _Skip("the file changed since it was checked")
    starts = _line_starts(text)
    applied: list[Finding] = []
    skipped: list[tuple[Finding, str]] = []
    limit = len(text) + 1
    fixed = text
    for finding in sorted(findings, key=lambda f: _span(_fix(f), starts), reverse=True):
        start, end = _span(_fix(finding), starts)
        reason = _problem(_fix(finding), text, starts, (start, end), limit)
        if reason is not None:
            skipped.append((finding, reason))
            continue
        fixed = fixed[:start] + _fix(finding).replacement + fixed[end:]
        limit = start
        applied.append(finding)
    if applied:
        _still_yaml(path, text, fixed, [_fix(f) for f in applied])
        try:
            write_atomically(root, path, encode_like(original, fixed))
        except (WriteRefused, OSError) as err:
            raise _Skip(f"not written: {err}") from None
    return applied, skipped


def _current(root: Path, path: str) -> tuple[bytes, str]:
    """The bytes of ``path`` now, through the trust boundary, and their text."""
    from toolkit.check.findings import ParseError
    from toolkit.check.project import decode, read_limited

    try:
        data = read_limited(root, path)
        if data is None:
            raise _Skip("the file is gone")
        return data, decode(data)
    except ParseError as err:
        raise _Skip(f"the file cannot be read now: {err}") from None


def _fix(finding: Finding) -> Fix:
    assert finding.fix is not None
    return finding.fix


def _problem(
    fix: Fix, text: str, starts: list[int], span: tuple[int, int], limit: int
) -> str | None:
    """Why this splice cannot be applied safely (``None``: it can)."""
    start, end = span
    if not _inside_lines(fix, text, starts) or start > end:
        return "its place is not in the file"
    if end > limit:
        return "it overlaps another fix (run --fix again)"
    if fix.expected is not None and text[start:end] != fix.expected:
        return "the text it replaces is not what the check saw"
    return None


def _inside_lines(fix: Fix, text: str, starts: list[int]) -> bool:
    """Both ends lie on lines of the file, at most just past each line's last character."""
    for line, column in ((fix.line, fix.column), (fix.end_line, fix.end_column)):
        if line < 1 or column < 1 or line > max(len(starts) - 1, 1):
            return False
        body = text[starts[line - 1] : starts[line]] if line < len(starts) else ""
        if column - 1 > len(body.rstrip("\r\n")):
            return False
    return True


def _still_yaml(path: str, before: str, after: str, fixes: list[Fix]) -> None:
    """A YAML file must parse after its fixes; comment-only fixes must keep its data."""
    if not path.endswith((".yml", ".yaml")):
        return
    old = _yaml_data(before)
    if old is _UNPARSED:
        return  # it did not parse before: nothing to compare (the fixes are line-local)
    new = _yaml_data(after)
    if new is _UNPARSED:
        raise _Skip("the fixed file would not parse as YAML")
    if all(_comment_only(fix) for fix in fixes) and new != old:
        raise _Skip("a comment there would change the file's data (a flow mapping or a string)")


_UNPARSED = object()


def _yaml_data(text: str) -> object:
    """The document as data, by check's bounded loader (an alias bomb stays a parse error)."""
    from toolkit.check.findings import ParseError
    from toolkit.check.yamlsource import load

    try:
        return load("", text).root
    except ParseError:
        return _UNPARSED


def _comment_only(fix: Fix) -> bool:
    return fix.replacement.lstrip(" \t").startswith("#") and "\n" not in fix.replacement


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _span(fix: Fix, starts: list[int]) -> tuple[int, int]:
    return _offset(fix.line, fix.column, starts), _offset(fix.end_line, fix.end_column, starts)


def _offset(line: int, column: int, starts: list[int]) -> int:
    if line > len(starts) - 1:
        return starts[-1] + column - 1
    return starts[max(line, 1) - 1] + column - 1
