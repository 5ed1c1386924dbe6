"""## What it does
Checks that torchvision and torchaudio pins belong to the torch release the
repository pins (torchvision `0.(m+15).p` and torchaudio `2.m.p` go with torch
`2.m.p`; torch 1.x and the 2.0 exceptions are in a table). Pins are read from
lock files, requirements files, `pip install` lines in workflows and
Dockerfiles, and pre-commit `additional_dependencies`.

## Why is this bad
torchvision and torchaudio are built against one exact torch release and
declare it (`torchvision 0.20.1` requires `torch==2.5.1`). A mismatched pair
either fails to install or, with `--no-deps`, crashes on import with missing
C++ symbols.

## Example
```text
torch==2.5.1
torchvision==0.21.0   # built for torch 2.6.0
```

## Fix
Pin the torchvision and torchaudio releases made for your torch version, for
example torch 2.5.1 with torchvision 0.20.1 and torchaudio 2.5.1.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._pep440 import parse_version
from toolkit.check.views.mentions import (
    Install,
    Mention,
    hook_dependencies,
    lock_requirements,
    reference,
    shell_installs,
)

CODE = "X003"
NAME = "mismatched-torch-versions"
FAMILY = "consistency"
SUMMARY = "torchvision or torchaudio is pinned for another torch release"
VIEWS: tuple[str, ...] = ("pydeps", "workflow", "action", "dockerfile", "precommit")

# Releases that do not follow the general pattern, checked against PyPI metadata.
EXCEPTIONS: dict[str, dict[str, str]] = {
    "torchvision": {"0.15.1": "2.0.0", "0.15.2": "2.0.1"},
    "torchaudio": {"2.0.1": "2.0.0", "2.0.2": "2.0.1"},
}


def torch_for(package: str, version: str) -> str | None:
    """The torch release that ``package`` ``version`` was built for."""
    base = version.split("+", 1)[0]
    if base in EXCEPTIONS.get(package, {}):
        return EXCEPTIONS[package][base]
    parsed = parse_version(base)
    if parsed is None or len(parsed.release) < 2:
        return None
    major, minor, patch = (*parsed.release, 0)[:3]
    torch_minor = _torch_minor(package, major, minor)
    return None if torch_minor is None else f"{torch_minor}.{patch}"


def _torch_minor(package: str, major: int, minor: int) -> str | None:
    if package == "torchvision" and major == 0:
        if minor >= 15:
            return f"2.{minor - 15}"
        return f"1.{minor - 1}" if minor >= 9 else None
    if package == "torchaudio" and major == 2:
        return f"2.{minor}"
    if package == "torchaudio" and major == 0 and minor >= 8:
        return f"1.{minor}"
    return None


def _same_release(left: str, right: str) -> bool:
    first, second = parse_version(left), parse_version(right)
    if first is None or second is None:
        return True
    return (*first.release, 0, 0)[:3] == (*second.release, 0, 0)[:3]


def _pins(project: Project) -> list[Install]:
    installs, _ = shell_installs(project)
    items = [*lock_requirements(project), *installs, *hook_dependencies(project)]
    return [item for item in items if item.requirement.exact]


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each torchvision/torchaudio pin against the reference torch pin."""
    del options
    pins = _pins(project)
    torches = [
        Mention(
            p.path,
            p.line,
            p.column,
            str(p.requirement.exact).split("+")[0],
            p.what,
            0 if p.what == "lock" else 5,
        )
        for p in pins
        if p.requirement.name == "torch"
    ]
    torch = reference(torches)
    if torch is None:
        return
    for pin in pins:
        name = pin.requirement.name
        if name not in EXCEPTIONS:
            continue
        version = str(pin.requirement.exact)
        wanted = torch_for(name, version)
        if wanted is not None and not _same_release(wanted, torch.value):
            message = (
                f"{name} {version} here is built for torch {wanted}, "
                f"but torch is {torch.value} in {torch.where}"
            )
            yield Finding(pin.path, pin.line, pin.column, CODE, message)
