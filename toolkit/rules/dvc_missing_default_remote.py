"""## What it does
Checks that a repository that uses dvc has a `.dvc/config` whose `[core]`
section names a default remote (`remote = name`) and that a
`['remote "name"']` section with a `url` defines it. A repository that ran
`dvc init` but tracks nothing yet (no `dvc.yaml`, `dvc.lock` or `.dvc` file)
needs no remote.

## Why is this bad
Without a default remote, `dvc push` in continuous training has nowhere to put
new artifacts and `dvc pull` in CI and deployment cannot fetch the pinned ones;
each person ends up with a private remote in `config.local`.

## Example
```ini
# .dvc/config
['remote "storage"']
    url = s3://acme-ml-dvc
```

## Fix
Make it the default: `dvc remote default storage` (which writes
`[core] remote = storage`), and commit `.dvc/config`. Keep credentials out of
it (`dvc remote modify --local`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.dvc import DvcConfig, DvcFile, DvcLock, DvcYaml

CODE = "DVC007"
NAME = "missing-default-remote"
FAMILY = "dvc"
SUMMARY = "The dvc project has no default remote in .dvc/config"
VIEWS: tuple[str, ...] = ("dvc",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The root ``.dvc/config`` must name a defined default remote."""
    del options
    views = project.views("dvc")
    configs = [v for v in views if isinstance(v, DvcConfig)]
    users = [v for v in views if isinstance(v, (DvcYaml, DvcLock, DvcFile))]
    if not users:
        return  # `dvc init` alone, nothing tracked yet: nothing to push or pull
    if not configs:
        if ".dvc/config" not in project.files:
            first = min(users, key=lambda v: v.path)
            message = "this repository uses dvc but has no .dvc/config; run `dvc init`"
            yield Finding(first.path, 1, 1, CODE, message)
        return
    for config in configs:
        yield from _config(config)


def _config(config: DvcConfig) -> Iterator[Finding]:
    if config.default_remote is None:
        names = ", ".join(remote.name for remote in config.remotes)
        hint = f"`dvc remote default {config.remotes[0].name}`" if names else "`dvc remote add -d`"
        message = "no default remote ([core] remote = ...); run " + hint
        yield Finding(config.path, config.default_line, 1, CODE, message)
        return
    remote = next((r for r in config.remotes if r.name == config.default_remote), None)
    if remote is None:
        name = config.default_remote
        message = (
            f"default remote '{name}' has no ['remote \"{name}\"'] section; "
            f"add one: `dvc remote add {name} <url>`"
        )
        yield Finding(config.path, config.default_line, 1, CODE, message)
    elif not remote.url:
        message = f"remote '{remote.name}' has no url; `dvc remote modify {remote.name} url <url>`"
        yield Finding(config.path, remote.line, 1, CODE, message)
