"""## What it does
Reads the `RUN` instructions of Dockerfiles and Containerfiles for
`pip install`, `python -m pip install` and `uv pip install`, as GHA005 reads
workflow `run:` scripts, and reports packages without an exact `==` pin, VCS
URLs at a branch, a tag or no revision (`git+https://...@main`,
`-e git+...#egg=x`), and requirement files (`-r`) installed without
`--require-hashes`. A `-r` file is looked up through the `COPY`
instructions that bring it into the image; a build argument in its name
(`-r deps/${MODEL}.txt`) stands for each file it may name.

Local paths, archives, URLs at a commit SHA and values from build arguments
(`$TORCH_VERSION`) are accepted. A `-r` file that pins with `--hash`, or that
PY003 or PY004 already reports, is not reported again here.

## Why is this bad
The image is what trains and serves the model. An unpinned install takes
whatever the index serves when the image is built: two builds of the same
commit ship different libraries (a new torch, a new CUDA runtime), and the
model that passed review is not the one that runs.

## Example
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04@sha256:...
RUN pip install torch transformers \
    && pip install git+https://github.com/acme/tokenizers@main
```

## Fix
Pin exact versions and commits, or install a hashed lock:
```dockerfile
COPY requirements.lock .
RUN pip install --require-hashes -r requirements.lock
```
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.rules._pip import INSTALL_AT, PipInstall, install_messages, pip_installs
from toolkit.rules._pip_files import covered, depend_on_requirement_files

CODE = "IMG003"
NAME = "unpinned-pip-install-in-image"
FAMILY = "container-images"
SUMMARY = "A Dockerfile RUN installs Python packages without exact pins or hashes"
VIEWS = ("dockerfile", "pydeps")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    depend_on_requirement_files(project)
    found = project.each_file("dockerfile", "run-pip-installs-copies", _installs, needle="install")
    for path, line, column, install, copies in found:
        # The build context is usually the Dockerfile's folder or the repository root.
        context = (posixpath.dirname(path), "")
        known = partial(covered, project, folders=context, copies=tuple(copies))
        for message in install_messages(install, known):
            yield Finding(path, line, column, CODE, message)


def _installs(view: Any, text: str) -> list[tuple[str, int, int, PipInstall, list[str]]]:
    """Every install of one Dockerfile's ``RUN`` instructions, where it is written, with
    the files the Dockerfile copies from its build context."""
    from toolkit.check.scope import copy_sources

    lines = text.splitlines()
    copies = copy_sources(text)
    found = []
    for instruction in view.instructions:
        if instruction.keyword != "RUN" or "install" not in instruction.arguments:
            continue
        place = (instruction.line, 0)
        for install in pip_installs(instruction.arguments):
            place = _locate(lines, place, instruction.line)
            found.append((view.path, *place, install, copies))
    return found


def _locate(lines: list[str], after: tuple[int, int], fallback: int) -> tuple[int, int]:
    """Where the next ``pip install`` after position ``after`` starts (line, column)."""
    line, column = after
    for number in range(line, len(lines) + 1):
        found = INSTALL_AT.search(lines[number - 1], column if number == line else 0)
        if found is not None:
            return number, found.start() + 1
    return fallback, 1
