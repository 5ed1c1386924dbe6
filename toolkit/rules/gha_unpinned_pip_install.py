"""## What it does
Reads the `run:` scripts of workflow steps and composite actions for
`pip install`, `python -m pip install` and `uv pip install`, and reports
packages without an exact `==` pin, and requirement files (`-r`) installed
without `--require-hashes`.

## Why is this bad
An unpinned install takes whatever the index serves at run time: CI then tests
a different environment from the one you locked, a new release can break the
build overnight, and a hijacked package is installed without anyone noticing.
Only exact pins with hashes make the install reproducible and tamper-evident.

A VCS URL (`git+https://...`, `-e git+...#egg=x`) must name a full commit.
Local paths (`.`, `-e .`, `-e "checkout[dev]"`, `src/pkg`), archives, URLs at
a commit SHA and values from variables are accepted. A `-r` file that pins with
`--hash` (pip then checks hashes by itself), or that PY003 or PY004 already
reports, is not reported again here.

## Example
```yaml
- run: |
    pip install --upgrade pip
    pip install dvc[s3] -r requirements.txt
```

## Fix
Pin exact versions, or install a hashed lock file:
```yaml
- run: |
    pip install pip==24.3.1
    pip install --require-hashes -r requirements.lock
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from toolkit.check._record import lazy_pattern
from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.yamlsource import YamlDoc, YStr
from toolkit.rules._gha import GHA_VIEWS, view_steps
from toolkit.rules._pip import INSTALL_AT, PipInstall, install_messages, pip_installs
from toolkit.rules._pip_files import covered, depend_on_requirement_files

CODE = "GHA005"
NAME = "unpinned-pip-install"
FAMILY = "github-actions"
SUMMARY = "A run: step installs Python packages without exact pins or hashes"
VIEWS = (*GHA_VIEWS, "pydeps")

_PIP = lazy_pattern(r"\bpip")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    depend_on_requirement_files(project)
    found = [
        item
        for kind in GHA_VIEWS
        for item in project.each_file(kind, "gha-pip-installs", _installs, needle="install")
    ]
    known = partial(covered, project)
    for path, line, col, install in found:
        for message in install_messages(install, known):
            yield Finding(path, line, col, CODE, message)


def _installs(view: Any, text: str) -> list[tuple[str, int, int, PipInstall]]:
    """Every install of one workflow or action file, where it is written (kept per file)."""
    del text
    found = []
    for step in view_steps(view):
        if step.run is not None and "install" in step.run:
            for install in pip_installs(step.run):
                found.append((view.path, *_locate(view.doc, step.run, install.line), install))
    return found


def _locate(doc: YamlDoc, run: YStr, index: int) -> tuple[int, int]:
    """The source position of the script's line ``index`` (block scalars start a line later)."""
    source = doc.lines[run.line - 1][run.col - 1 :] if run.line <= len(doc.lines) else ""
    line = run.line + 1 + index if source[:1] in ("|", ">") else run.line
    if line > len(doc.lines):
        return run.line, run.col
    text = doc.lines[line - 1]
    found = INSTALL_AT.search(text) or _PIP.search(text)
    if found is None:
        return line, len(text) - len(text.lstrip()) + 1
    return line, found.start() + 1
