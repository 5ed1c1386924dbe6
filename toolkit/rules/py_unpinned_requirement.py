"""## What it does
Reports a requirement in a lock-like requirements file (a compiled lock, a
`*.lock`, or a `requirements*.txt` that nothing compiles) that is not an exact
`==` pin, a URL requirement pinned by neither a hash nor a commit (`name @
git+...@main`, `-e git+https://...#egg=name`, a bare `git+https://...`), and
any line that is not a valid requirement or option.

## Why is this bad
A range or a bare name installs whatever is newest that day, so the same
commit trains on different libraries from one run to the next.

## Example
```text
# requirements.txt
torch>=2.5
scikit-learn
```

## Fix
Pin exact versions, ideally by compiling the file from a `requirements.in`:
`uv pip compile requirements.in --generate-hashes -o requirements.lock`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._requirements import Requirement
from toolkit.check.views.pydeps import RequirementsFile
from toolkit.check.views.pydeps_project import by_folder, is_lock_like, views

CODE = "PY003"
NAME = "unpinned-requirement"
FAMILY = "python-dependencies"
SUMMARY = "A requirement in a lock or requirements file is not an exact pin"
VIEWS: tuple[str, ...] = ("pydeps",)

_PINNED_URL = re.compile(r"@[0-9a-f]{40}\b|#(?:sha256|sha384|sha512|md5)=")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Every requirement of every lock-like file is exact."""
    del options
    all_views = views(project)
    folders = by_folder(all_views)
    for view in all_views:
        if not isinstance(view, RequirementsFile):
            continue
        for bad in view.bad:
            message = f"cannot parse requirement line {bad.text[:60]!r}; fix or remove it"
            yield Finding(view.path, bad.line, 1, CODE, message)
        if is_lock_like(view, folders):
            for requirement in (*view.requirements, *view.vcs):
                if not pinned(requirement):
                    yield Finding(
                        view.path, requirement.line, requirement.column, CODE, _message(requirement)
                    )


def pinned(requirement: Requirement) -> bool:
    """An exact ``==`` pin, or a URL at a commit or with a hash."""
    if requirement.url is not None:
        return bool(_PINNED_URL.search(requirement.url)) or bool(requirement.hashes)
    return requirement.exact is not None


def _message(requirement: Requirement) -> str:
    if requirement.url is not None:
        return f"{requirement.name} is installed from a URL with no commit or hash; add one"
    spec = requirement.specifier or "any version"
    return f"{requirement.name} is not pinned exactly ({spec}); use =="
