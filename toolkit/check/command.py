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
from typing import IO, TYPE_CHECKING

from toolkit.check.config import Config, load_config
from toolkit.check.discovery import discover, find_git_root
from toolkit.check.engine import Result, check_project, selected_rules
from toolkit.check.globs import glob_match
from toolkit.check.project import Project
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
    _report(result, options, _context(root, options, levels))
    failing = [
        f for f in result.findings if rank(levels.get(f.code, "error")) >= rank(options.fail_on)
    ]
    return EXIT_OK if options.exit_zero or not failing else EXIT_FINDINGS


def _context(root: Path, options: CheckOptions, levels: dict[str, str]) -> Context:
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
    )


def _cwd(options: CheckOptions) -> Path:
    return options.cwd if options.cwd is not None else Path.cwd()


def find_root(cwd: Path, paths: Sequence[Path]) -> Path:
    """The git work tree holding the first path (or ``cwd``); else that folder."""
    anchor = (cwd / paths[0]).resolve() if paths else cwd.resolve()
    if paths and not anchor.exists():
        raise UsageError(f"{paths[0]}: no such file or folder")
    folder = anchor if anchor.is_dir() else anchor.parent
    git_root = find_git_root(folder)
    if git_root is not None:
        return git_root
    cwd = cwd.resolve()
    return cwd if folder == cwd or cwd in folder.parents else folder


def _project(root: Path, options: CheckOptions, config: Config) -> Project:
    only_files = bool(options.paths) and all((_cwd(options) / p).is_file() for p in options.paths)
    files = [] if only_files else discover(root)
    if options.paths:
        files = _under(root, files, options)
    files = [f for f in files if not any(glob_match(g, f) for g in config.exclude)]
    return Project(root, files)


def _under(root: Path, files: list[str], options: CheckOptions) -> list[str]:
    chosen: set[str] = set()
    for given in options.paths:
        target = (_cwd(options) / given).resolve()
        if not target.exists():
            raise UsageError(f"{given}: no such file or folder")
        try:
            relative = target.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{given}: outside the repository at {root}") from None
        if target.is_file():
            chosen.add(relative)
        elif relative == ".":
            chosen.update(files)
        else:
            chosen.update(f for f in files if f.startswith(relative + "/"))
    return sorted(chosen)


def _fix(root: Path, options: CheckOptions, config: Config, result: Result) -> Result:
    from toolkit.check.fix import apply_fixes
    from toolkit.check.resolve import Fixer, diff

    fixer = Fixer(root, options.offline)
    fixable = fixer.fixes(result.findings)
    if options.diff:
        text, fixed = diff(root, fixable)
        sys.stdout.write(text)
        done = {(f.path, f.line, f.column, f.code) for f in fixed}
        left = [f for f in result.findings if (f.path, f.line, f.column, f.code) not in done]
        after = result._replace(findings=left)
    else:
        fixed = apply_fixes(root, fixable)
        after = _check(root, options, config, result.rules) if fixed else result
    for line in fixer.reasons(after.findings):
        sys.stderr.write(line + "\n")
    if options.diff:
        sys.stderr.write(f"Would fix {len(fixed)} of {len(result.findings)} findings.\n")
        return result._replace(fixed=tuple(fixed))
    return after._replace(fixed=tuple(fixed))


def _check(root: Path, options: CheckOptions, config: Config, rules: list[RuleRef]) -> Result:
    project = _project(root, options, config)
    if not options.cache:
        return check_project(project, config, rules)
    from toolkit.check.cache import Cache
    from toolkit.check.reads import digest

    try:
        cache = Cache.load(root)
    except (OSError, RuntimeError):  # no home folder to keep a cache in
        return check_project(project, config, rules)
    scope = digest(project.files) if options.paths else ""
    return check_project(project, config, rules, cache, scope)


def _report(result: Result, options: CheckOptions, context: Context) -> None:
    if options.statistics:
        from toolkit.check.report import statistics

        json_format = options.output_format == "json"
        text = statistics.render(result, context, options.by_folder, json_format)
    else:
        from toolkit.check.report import renderer

        text = renderer(options.output_format)(result, context)
    if options.output is not None:
        _write(options.output, text)
    else:
        sys.stdout.write(text)
    _write_summary(result, options, context)


def _write_summary(result: Result, options: CheckOptions, context: Context) -> None:
    targets = [options.summary] if options.summary is not None else []
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if options.output_format == "github" and step_summary:
        targets.append(Path(step_summary))
    if not targets:
        return
    from toolkit.check.report.github import summary

    markdown = summary(result, context)
    for target in targets:
        mode = "a" if target != options.summary else "w"
        with _open(target, mode) as handle:
            handle.write(markdown)


def _write(path: Path, text: str) -> None:
    with _open(path, "w") as handle:
        handle.write(text)


def _open(path: Path, mode: str) -> IO[str]:
    try:
        return path.open(mode, encoding="utf-8", newline="\n")
    except OSError as err:
        raise UsageError(f"{path}: cannot write: {err.strerror}") from None
