"""Run the selected rules over a project and keep the findings that count.

Order: every rule's ``check`` (rules read views; parse errors collect on the
project), then the engine's own findings (``MLR001`` parse errors, ``MLR002``/
``MLR003`` bad suppressions), then the filters: selection, ``per-file-ignores``
and inline suppressions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from toolkit.check.config import Config
from toolkit.check.findings import Finding
from toolkit.check.globs import glob_match
from toolkit.check.project import Project
from toolkit.check.reads import Record
from toolkit.check.rules import RuleRef, matches, rule_refs, select
from toolkit.check.suppress import (
    UNUSED,
    index,
    is_suppressed,
    problems,
    scan,
    unused,
)

if TYPE_CHECKING:
    from typing import Any, NamedTuple

    from toolkit.check.cache import Cache
else:
    from toolkit.check._record import NamedTuple


# Rules whose findings the engine makes itself (below); their modules' ``check``
# yields nothing, so they are not imported just to be called (4 imports of a
# ~65 ms run).
ENGINE_ONLY = frozenset({"MLR001", "MLR002", "MLR003", "MLR004"})


class Result(NamedTuple):
    """What one run found: the findings to report, the rules that ran, what was fixed."""

    findings: list[Finding]
    rules: list[RuleRef]
    files: int
    fixed: tuple[Finding, ...] = ()


def selected_rules(
    config: Config, extra_select: Sequence[str] = (), extra_ignore: Sequence[str] = ()
) -> list[RuleRef]:
    """Command-line ``--select`` replaces the configured selection; ``--ignore`` adds to it."""
    chosen = list(extra_select) if extra_select else config.select
    return select(chosen, [*config.ignore, *extra_ignore])


def check_project(
    project: Project,
    config: Config,
    rules: Sequence[RuleRef],
    cache: Cache | None = None,
    scope: str = "",
) -> Result:
    """Every finding of ``rules`` on ``project`` that is not ignored or suppressed.

    A rule whose views match no file is not even imported; with a ``cache``, a
    rule whose inputs are unchanged since it was stored is not run either.
    ``scope`` tells runs over different sets of files apart in the cache.
    """
    if cache is not None:
        cache.prime(project)
    ran = {ref.code for ref in rules if ref.code.startswith("MLR")}
    runnable = [
        ref
        for ref in rules
        if ref.code not in ENGINE_ONLY and (not ref.views or any(project.has(k) for k in ref.views))
    ]
    ran.update(ref.code for ref in runnable)
    found = _rule_findings(runnable, project, config, cache, scope)
    found.extend(project.parse_findings)
    scanned = {path: scan(path, text) for path, text in project.texts().items()}
    suppressions = [s for found_here in scanned.values() for s in found_here]
    if cache is not None:
        suppressions.extend(cache.suppressions(sorted(cache.used_paths() - set(scanned))))
        cache.save(project, scanned)
    found.extend(problems(suppressions, {rule.code for rule in rule_refs()}))
    codes = {rule.code for rule in rules}
    table = index(suppressions)
    kept: set[Finding] = set()
    used: set[tuple[str, int, str]] = set()
    for finding in found:
        if finding.code not in codes or _ignored_for_file(finding, config):
            continue
        if is_suppressed(finding, table):
            used.add((finding.path, finding.line, finding.code))
        else:
            kept.add(finding)
    if UNUSED in codes:
        kept.update(unused(suppressions, used, ran))
    return Result(sorted(kept), list(rules), len(project.files))


def _rule_findings(
    runnable: Sequence[RuleRef], project: Project, config: Config, cache: Cache | None, scope: str
) -> list[Finding]:
    """What the rules find: stored results where their inputs are unchanged, a run elsewhere."""
    if cache is None:
        return [finding for _, found, _ in _run_all(runnable, project, config) for finding in found]
    keys = {ref.code: _memo_key(ref, config, scope) for ref in runnable}
    found: list[Finding] = []
    fresh = []
    for ref in runnable:
        hit = cache.reuse(keys[ref.code], project, ref.views)
        if hit is not None:
            found.extend(hit)
        elif _per_file(ref):
            found.extend(_file_by_file(ref, project, config, cache, keys[ref.code]))
        else:
            fresh.append(ref)
    for ref, findings, record in _run_all(fresh, project, config):
        found.extend(findings)
        cache.store(keys[ref.code], findings, record, project)
    return found


def _memo_key(ref: RuleRef, config: Config, scope: str) -> str:
    """A rule, its configured options and the scope of the run: one stored result each."""
    return f"{ref.code}|{scope}|{sorted(config.rules.get(ref.code, {}).items())!r}"


def _per_file(ref: RuleRef) -> bool:
    from toolkit.rules.families import family

    own = family(ref.family)
    return own.per_file and bool(ref.views) and set(ref.views) <= set(own.kinds)


def _file_by_file(
    ref: RuleRef, project: Project, config: Config, cache: Cache, key: str
) -> list[Finding]:
    """A per-file rule's findings: stored ones for unchanged files, a run on the others.

    Its family judges each file on its own (its pre-commit hook is handed just the
    changed files), so one edited workflow costs one workflow's parse, not all.
    """
    paths = sorted({path for kind in ref.views for path in project.files_of(kind)})
    file_key = _memo_key(ref, config, "")  # a file's own findings, whatever else is checked
    found: list[Finding] = []
    changed = []
    for path in paths:
        hit = cache.reuse(f"{file_key}|{path}", project, ref.views, path)
        if hit is None:
            changed.append(path)
        else:
            found.extend(hit)
    if changed:
        _, fresh, record = _run(ref, project.subset(changed), config)
        found.extend(fresh)
        by_path: dict[str, list[Finding]] = {path: [] for path in changed}
        for finding in fresh:
            by_path.setdefault(finding.path, []).append(finding)
        if record.history or record.all_files or set(by_path) != set(changed):
            return found  # it did not judge each file alone after all: nothing is stored
        for path in changed:
            cache.store_file(f"{file_key}|{path}", project, path, ref.views, by_path[path])
    whole = Record()
    whole.kinds.update(ref.views)
    cache.store(key, found, whole, project)
    return found


# Above this many files, the rules run in two processes (fork, where there is
# one and two cores): the DVC and model-pin rules in a child, the rest here.
# Findings, parse errors, the texts read and new per-file results come back to
# this process, so the result is the same set.
PARALLEL_FILES = 200
_CHILD_VIEWS = frozenset({"dvc", "pins"})


Ran = tuple[RuleRef, list[Finding], Record]


def _run_all(refs: Sequence[RuleRef], project: Project, config: Config) -> list[Ran]:
    in_child = [ref for ref in refs if _CHILD_VIEWS.intersection(ref.views)]
    here = [ref for ref in refs if not _CHILD_VIEWS.intersection(ref.views)]
    if (
        len(project.files) < PARALLEL_FILES
        or not in_child
        or not here
        or not hasattr(os, "fork")
        or (os.cpu_count() or 1) < 2
    ):
        return [_run(ref, project, config) for ref in refs]
    # Each side parses what its rules read. The two sides share few parses: the
    # consistency rules in the child read workflows only where they name the
    # action they look for (``each_file``'s needle) and pip commands as text.
    return _forked(in_child, here, project, config)


def _forked(
    in_child: Sequence[RuleRef], here: Sequence[RuleRef], project: Project, config: Config
) -> list[Ran]:
    import pickle

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read_end)
        try:
            sent: tuple[object, ...]
            try:
                mine = [_as_sent(_run(ref, project, config)) for ref in in_child]
                sent = (
                    "ok",
                    mine,
                    project.errors(),
                    project.error_origins(),
                    project.read_texts(),
                    project.signatures(),
                    project.fact_store.sent() if project.fact_store is not None else None,
                )
            except BaseException as err:
                sent = ("error", str(err))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(pickle.dumps(sent, protocol=pickle.HIGHEST_PROTOCOL))
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        ran_here = [_run(ref, project, config) for ref in here]
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the parallel rule process ended without a result")
    payload: Any = pickle.loads(data)
    if payload[0] != "ok":
        raise RuntimeError(payload[1])
    _, child, errors, origins, texts, signatures, facts = payload
    project.merge(errors, origins, texts, signatures)
    if project.fact_store is not None and facts is not None:
        project.fact_store.take(facts)
    by_code = {ref.code: ref for ref in in_child}
    return [*(_as_ran(by_code, sent) for sent in child), *ran_here]


def _as_sent(ran: Ran) -> tuple[Any, ...]:
    ref, findings, record = ran
    fields = (record.kinds, record.paths, record.all_files, record.history, record.errors)
    return (ref.code, findings, fields)


def _as_ran(by_code: dict[str, RuleRef], sent: tuple[Any, ...]) -> Ran:
    code, findings, (kinds, paths, all_files, history, errors) = sent
    record = Record()
    record.kinds, record.paths, record.errors = kinds, paths, errors
    record.all_files, record.history = all_files, history
    return by_code[code], findings, record


def _run(ref: RuleRef, project: Project, config: Config) -> Ran:
    rule = ref.load()
    with project.recording() as record:
        try:
            found = list(rule.check(project, config.options_for(rule)))
        except Exception as err:
            raise RuntimeError(f"rule {rule.code} ({rule.name}) failed: {err!r}") from err
    return ref, found, record


def _ignored_for_file(finding: Finding, config: Config) -> bool:
    rule = _by_code().get(finding.code)
    if rule is None:
        return False
    return any(
        glob_match(pattern, finding.path) and any(matches(s, rule) for s in selectors)
        for pattern, selectors in config.per_file_ignores.items()
    )


@cache
def _by_code() -> dict[str, RuleRef]:
    return {rule.code: rule for rule in rule_refs()}
