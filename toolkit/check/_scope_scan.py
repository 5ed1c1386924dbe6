"""What :mod:`toolkit.check.scope` reads out of one file: its units and what they install.

Each function sees one file's text and returns plain tuples, so that
``Project.each_file`` can keep the result per file. Paths a file names are left as
written; :mod:`toolkit.check.scope` resolves them against the file list.
"""

from __future__ import annotations

import re

from toolkit.check._record import lazy_pattern

# (unit's first line, paths the unit installs from, folder it runs in or "", index URLs).
UnitScan = tuple[int, tuple[str, ...], str, tuple[str, ...]]

_FROM = lazy_pattern(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE)
_COPY = lazy_pattern(r"^\s*(?:COPY|ADD)\s+(.*)$", re.IGNORECASE)
_REQ_FILE = lazy_pattern(r"(?:^|\s)(?:-[rc]|--requirement|--constraint)(?:\s+|=)([^\s;&|)]+)")
_PROJECT_INSTALL = lazy_pattern(
    r"\buv\s+sync\b|\bpoetry\s+install\b|\bpip3?\s+install\b[^\n;&|]*?\s(?:-e\s+)?\.(?:\[[^\]]*\])?(?:\s|$)"
)
_JOBS = lazy_pattern(r"^jobs:[ \t]*(?:#.*)?$", re.MULTILINE)
_TOP_KEY = lazy_pattern(r"^[^\s#]", re.MULTILINE)
_JOB = lazy_pattern(r"^  ([A-Za-z0-9_-]+):[ \t]*(?:#.*)?$", re.MULTILINE)
_WORKDIR = lazy_pattern(r"^[ \t]*working-directory:[ \t]*['\"]?([^'\"#\s]+)", re.MULTILINE)
_REQ_LINE = lazy_pattern(r"^\s*(?:-[rc]|--requirement|--constraint)(?:\s+|=)(\S+)")
_URL = lazy_pattern(
    r"(?:--index-url|--extra-index-url|-i|-f|--find-links)[=\s]+['\"]?([^\s'\"]*://[^\s'\"]+)"
)
_INDEX_LINE = lazy_pattern(r"^\s*(?:--index-url|--extra-index-url|-i|-f|--find-links)[=\s]+(\S+)")
PROJECT_FILES = "<project>"  # an install of the project itself (uv sync, pip install .)


def installs_in(text: str) -> tuple[str, ...]:
    """Requirements files a shell text installs (``-r``/``-c``), and :data:`PROJECT_FILES`
    when it installs the project itself."""
    found = [match.group(1).strip("'\"") for match in _REQ_FILE.finditer(text)]
    if _PROJECT_INSTALL.search(text):
        found.append(PROJECT_FILES)
    return tuple(found)


def dockerfile_units(text: str) -> list[UnitScan]:
    """One unit per stage chain (a stage built ``FROM`` an earlier stage joins its chain)."""
    starts = dict(dockerfile_stage_starts(text))
    bodies: dict[int, list[str]] = {}
    current = min(starts.values(), default=1)
    for number, line in enumerate(text.splitlines(), 1):
        current = starts.get(number, current)
        bodies.setdefault(current, []).append(line)
    return [_unit(start, "\n".join(lines), "") for start, lines in bodies.items()]


def dockerfile_stage_starts(text: str) -> list[tuple[int, int]]:
    """(line of a ``FROM``, first line of its stage chain), in order."""
    chains: dict[str, int] = {}
    found_starts = []
    for number, line in enumerate(text.splitlines(), 1):
        found = _FROM.match(line)
        if found:
            image, alias = found.group(1).lower(), found.group(2)
            start = chains.get(image, number)
            if alias:
                chains[alias.lower()] = start
            found_starts.append((number, start))
    return found_starts


def _unit(start: int, body: str, folder: str) -> UnitScan:
    urls = tuple(match.group(1) for match in _URL.finditer(body))
    return (start, installs_in(body), folder, urls)


def copy_sources(text: str) -> list[str]:
    """The sources of every ``COPY``/``ADD`` that copies from the build context."""
    sources: list[str] = []
    for line in text.splitlines():
        found = _COPY.match(line)
        if found is None:
            continue
        words = found.group(1).split()
        if any(word.startswith("--from") for word in words):
            continue
        words = [word for word in words if not word.startswith("--")]
        if words[:1] and words[0].startswith("["):
            continue  # JSON form: rare in practice, left out
        sources.extend(word.strip("'\"") for word in words[:-1])
    return sources


def workflow_units(text: str) -> list[UnitScan]:
    """One unit per job of a workflow (a composite action is one unit)."""
    jobs = _JOBS.search(text)
    found = []
    if jobs is not None:
        after = _TOP_KEY.search(text, jobs.end())
        found = list(_JOB.finditer(text, jobs.end(), after.start() if after else len(text)))
    if not found:
        return [_unit(1, text, _folder(text))]
    units = []
    line = 1
    position = 0
    for index, job in enumerate(found):
        line += text.count("\n", position, job.start())
        position = job.start()
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        body = text[job.start() : end]
        units.append(_unit(line, body, _folder(body)))
    return units


def _folder(body: str) -> str:
    found = _WORKDIR.search(body)
    return found.group(1) if found else ""


def requirement_links(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``-r``/``-c`` files of a requirements file, and its index URLs."""
    files, urls = [], []
    for line in text.splitlines():
        found = _REQ_LINE.match(line)
        if found:
            files.append(found.group(1))
        index = _INDEX_LINE.match(line)
        if index:
            urls.append(index.group(1))
    return tuple(files), tuple(urls)
