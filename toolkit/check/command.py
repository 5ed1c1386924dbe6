"""``mlrig check``: options in, exit code out.

Finds the repository (the one holding the first PATH, or the current folder),
loads its configuration, checks the files under the given paths, applies fixes
when asked, and writes the report and the job summary.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.boundary import inside
from toolkit.check.config import Config, load_config
from toolkit.check.discovery import is_template_path, listing
from toolkit.check.engine import Result, check_project, selected_rules
from toolkit.check.findings import Finding, ParseError
from toolkit.check.globs import glob_match
from toolkit.check.project import Project
from toolkit.check.pull_request import ct_pull_request
from toolkit.check.rules import RuleRef, check_selectors
from toolkit.check.severity import rank, severities
from toolkit.errors import EXIT_FINDINGS, EXIT_OK, UsageError

if TYPE_CHECKING:
    from typing import NamedTuple

    from toolkit.check.report import Context
else:
    from toolkit.check._record import NamedTuple


TEXT_FORMATS = frozenset({"text", "concise", "full"})


class CheckOptions(NamedTuple):
    """Everything ``mlrig check`` was asked to do (``cwd``: the current folder when ``None``)."""

    paths: Sequence[Path] = ()
    output_format: str = "text"
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    fix: bool = False
    exit_zero: bool = False
    output: Path | None = None
    summary: Path | None = None
    cwd: Path | None = None
    cache: bool = True
    diff: bool = False
    offline: bool = False
    statistics: bool = False
    by_folder: bool = False
    fail_on: str = "note"
    show_help: bool | None = None


def run_check(options: CheckOptions) -> int:
    """Check, report, and return the exit code (0 clean, 1 findings)."""
    # One short-lived run builds millions of small objects and no garbage worth
    # a cycle collection; the collector's repeated heap walks cost more than parsing.
    gc.disable()
    options = options._replace(cwd=_cwd(options))
    root = find_root(_cwd(options), options.paths)
    config = load_config(root)
    check_selectors(options.select, "--select")
    check_selectors(options.ignore, "--ignore")
    rules = selected_rules(config, options.select, options.ignore)
    result = _check(root, options, config, rules)
    if options.fix or options.diff:
        result = _fix(root, options, config, result)
        if options.diff:
            return EXIT_OK if options.exit_zero or not result.fixed else EXIT_FINDINGS
    levels = severities(result.rules, config.severity)
    waiting = ct_pull_request(os.environ)
    if waiting:
        result = result._replace(findings=[_pending(f) for f in result.findings])
    _report(result, options, _context(root, options, levels, waiting))
    failing = [
        f
        for f in result.findings
        if rank(levels.get(f.code, "error")) >= rank(options.fail_on)
        and not (waiting and f.pending)
    ]
    return EXIT_OK if options.exit_zero or not failing else EXIT_FINDINGS


def _pending(finding: Finding) -> Finding:
    """In a pull request CT retrains: the finding's words for that case."""
    return finding.reworded(finding.pending, finding.pending) if finding.pending else finding


def _context(
    root: Path, options: CheckOptions, levels: dict[str, str], waiting: bool = False
) -> Context:
    from toolkit.check.report import Context, wants_color

    to_terminal = options.output is None and sys.stdout.isatty()
    text = options.output_format in {"text", "full"} and not options.statistics
    show_help = options.show_help if options.show_help is not None else to_terminal
    color = options.output is None and options.output_format in TEXT_FORMATS
    return Context(
        severities=levels,
        root=root,
        help=text and (show_help or options.output_format == "full"),
        source=options.output_format == "full" and not options.statistics,
        color=color and wants_color(sys.stdout),
        ct_pull_request=waiting,
    )


def _cwd(options: CheckOptions) -> Path:
    return options.cwd if options.cwd is not None else Path.cwd()


def find_root(cwd: Path, paths: Sequence[Path]) -> Path:
    """The git work tree holding the first path (or ``cwd``); else the folder given
    (see :func:`toolkit.boundary.find_root`)."""
    from toolkit import boundary

    return boundary.find_root(cwd, paths)


def _project(root: Path, options: CheckOptions, config: Config) -> Project:
    chosen = _chosen(root, options)
    if chosen is not None and all(kind == "file" for kind, _ in chosen):
        files, unreadable = [relative for _, relative in chosen], list[str]()
    else:
        folders = tuple(r for k, r in chosen or [] if k == "folder") or ("",)
        files, unreadable = listing(root, under=tuple("" if f == "." else f for f in folders))
        if chosen is not None:
            files = _under(files, chosen)
    files = [
        f
        for f in files
        if not is_template_path(f) and not any(glob_match(g, f) for g in config.exclude)
    ]
    linked = [f for f in files if (root / f).is_symlink() and (root / f).is_dir()]
    if linked:
        refused = set(linked)
        files = [f for f in files if f not in refused]
    project = Project(root, files)
    for folder in unreadable:
        project.report(folder, ParseError("not read: a folder mlrig may not open"))
    for folder in linked:  # git lists a link to a folder as one file: what is behind it is unread
        project.report(folder, ParseError("not read: a symbolic link to a folder"))
    return project


def _chosen(root: Path, options: CheckOptions) -> list[tuple[str, str]] | None:
    """The paths given, as ("file" | "folder", path relative to ``root``); ``None``: all."""
    if not options.paths:
        return None
    chosen = []
    for given in options.paths:
        joined = _cwd(options) / given
        if not os.path.lexists(joined):
            raise UsageError(f"{os.fsdecode(given)!r}: no such file or folder")
        if joined.is_dir():
            kind, target = "folder", os.path.realpath(joined)
        else:  # the file itself, as git lists it: a link is judged by the trust boundary
            kind = "file"
            target = str(Path(os.path.realpath(joined.parent)) / joined.name)
        if not inside(str(root), target):
            raise UsageError(f"{os.fsdecode(given)!r}: outside the repository at {root}")
        chosen.append((kind, Path(target).relative_to(root).as_posix()))
    return chosen


def _under(files: list[str], chosen: list[tuple[str, str]]) -> list[str]:
    picked: set[str] = set()
    for kind, relative in chosen:
        if kind == "file":
            picked.add(relative)
        elif relative == ".":
            picked.update(files)
        else:
            picked.update(f for f in files if f.startswith(relative + "/"))
    return sorted(picked)


def _fix(root: Path, options: CheckOptions, config: Config, result: Result) -> Result:
    from toolkit.check.fix import apply_fixes
    from toolkit.check.resolve import Fixer, diff

    fixer = Fixer(root, options.offline)
    fixable = fixer.fixes(result.findings)
    if options.diff:
        text, fixed = diff(root, fixable, _SEEN)
        sys.stdout.write(_utf8(text))
        done = {_key(f) for f in fixed}
        after = result._replace(findings=[f for f in result.findings if _key(f) not in done])
        skipped: dict[tuple[str, int, int, str], str] = {}
    else:
        outcome = apply_fixes(root, fixable, _SEEN)
        fixed = outcome.applied
        skipped = {_key(f): reason for f, reason in outcome.skipped}
        after = _check(root, options, config, result.rules) if fixed else result
    rest = [f for f in after.findings if _key(f) not in skipped]
    lines = fixer.reasons(rest) + [
        f"{f.path}:{f.line}:{f.column}: {f.code} not fixed: {skipped[_key(f)]}"
        for f in after.findings
        if _key(f) in skipped
    ]
    from toolkit.check.report.text import printable

    for line in sorted(lines):
        sys.stderr.write(_utf8(printable(line) + "\n"))
    if options.diff:
        sys.stderr.write(f"Would fix {len(fixed)} of {len(result.findings)} findings.\n")
        return result._replace(fixed=tuple(fixed))
    return after._replace(fixed=tuple(fixed))


def _key(finding: Finding) -> tuple[str, int, int, str]:
    return finding.path, finding.line, finding.column, finding.code


# The text of each file as the last check read it: --fix splices only into files
# that still hold exactly that text.
_SEEN: dict[str, str | None] = {}


def _check(root: Path, options: CheckOptions, config: Config, rules: list[RuleRef]) -> Result:
    project = _project(root, options, config)
    if not options.cache or options.fix or options.diff:  # --fix: findings made now, not stored
        result = check_project(project, config, rules)
        _SEEN.clear()
        _SEEN.update(project.read_texts())
        return result
    from toolkit.check.cache import Cache
    from toolkit.check.cache_store import CacheRefused
    from toolkit.check.reads import digest

    try:
        cache = Cache.load(root)
    except CacheRefused as err:
        sys.stderr.write(f"mlrig: warning: not using the cache: {err}\n")
        return check_project(project, config, rules)
    except (OSError, RuntimeError):  # no home folder to keep a cache in
        return check_project(project, config, rules)
    scope = digest(project.files) if options.paths else ""
    try:
        return check_project(project, config, rules, cache, scope)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        # A stored entry this mlrig did not write: forget the cache, check afresh.
        cache.forget()
        return check_project(_project(root, options, config), config, rules)


def _report(result: Result, options: CheckOptions, context: Context) -> None:
    if options.statistics:
        from toolkit.check.report import statistics

        json_format = options.output_format == "json"
        text = _utf8(statistics.render(result, context, options.by_folder, json_format))
    else:
        from toolkit.check.report import renderer

        text = _utf8(renderer(options.output_format)(result, context))
    if options.output is not None:
        _write(options.output, text, "w")
    else:
        sys.stdout.write(text)
    _write_summary(result, options, context)


def _utf8(text: str) -> str:
    """``text`` as valid UTF-8: a file name that is not UTF-8 shows its bytes escaped
    (``\\udcff``), in every format and every file the report goes to."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _write_summary(result: Result, options: CheckOptions, context: Context) -> None:
    targets = [options.summary] if options.summary is not None else []
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if options.output_format == "github" and step_summary:
        targets.append(Path(step_summary))
    if not targets:
        return
    from toolkit.check.report.github import summary

    markdown = _utf8(summary(result, context))
    for target in targets:
        _write(target, markdown, "a" if target != options.summary else "w")


def _write(path: Path, text: str, mode: str) -> None:
    """Write a report file; any failure (no folder, no permission, disk full) is a usage
    error naming the file."""
    try:
        with path.open(mode, encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as err:
        raise UsageError(f"{_utf8(str(path))}: cannot write: {err.strerror or err}") from None
