"""## What it does
Reads the scheme of every dvc remote of the committed `.dvc/config` (`s3://`,
`gs://`, `azure://`, `ssh://`, ...), the default one and the others, and checks
that every place that installs dvc also installs each matching plugin: the
extra (`dvc[s3]`) or the plugin package (`dvc-s3`) in the same file.
`iterative/setup-dvc` installs every plugin.

## Why is this bad
A plain `pip install dvc` cannot talk to an S3, GCS or Azure remote: `dvc pull`
in CI and `dvc push` in continuous training fail with "please install
dvc[s3]" only when the job runs; the same for `dvc push -r backup` to a second
remote on another cloud.

## Example
```text
# requirements.in, while .dvc/config has url = s3://acme-dvc
dvc==3.55.2
```

## Fix
Install the extra for each remote's scheme: `dvc[s3]`, `dvc[gs]`,
`dvc[azure]`, or several at once (`dvc[s3,gs]`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project

CODE = "X005"
NAME = "dvc-extras-mismatch-remote"
FAMILY = "consistency"
SUMMARY = "dvc is installed without the plugin for a remote's scheme"
VIEWS: tuple[str, ...] = ("dvc", "pydeps", "workflow", "action", "dockerfile", "precommit")

PLUGINS = {
    "s3": "s3",
    "gs": "gs",
    "gcs": "gs",
    "azure": "azure",
    "ssh": "ssh",
    "hdfs": "hdfs",
    "webhdfs": "webhdfs",
    "oss": "oss",
    "gdrive": "gdrive",
    "webdav": "webdav",
    "webdavs": "webdav",
}


Need = tuple[str, str, str, bool]


def _needed(needs: list[Need]) -> list[Need]:
    """Each plugin one DVC project's remotes need: (plugin, URL, place, default?),
    one per plugin, the default remote's first."""
    by_plugin: dict[str, Need] = {}
    for item in sorted(needs, key=lambda item: not item[3]):
        by_plugin.setdefault(item[0], item)
    return list(by_plugin.values())


def _plugins(view: Any) -> list[Need]:
    """The plugin each remote of one ``.dvc/config`` needs, with its URL and place."""
    from toolkit.check.views.dvc import DvcConfig

    if not isinstance(view, DvcConfig):
        return []
    found = []
    for remote in view.remotes:
        scheme = remote.url.split("://", 1)[0].lower() if "://" in remote.url else ""
        if scheme in PLUGINS:
            default = remote.name == view.default_remote
            found.append((PLUGINS[scheme], remote.url, f"{view.path}:{remote.line}", default))
    return found


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each dvc install, against the plugins the remotes need."""
    del options
    if not project.has("dvc"):
        return
    from toolkit.rules._dvc_installs import DvcScope, all_requirements, dvc_installs

    found = project.each_file("dvc", "dvc-remote-plugins", lambda view, _: _plugins(view))
    scope = DvcScope(project, [(item[2].rsplit(":", 1)[0], item) for item in found])
    installed = {
        (i.path, i.requirement.name.removeprefix("dvc-"))
        for i in all_requirements(project)
        if i.requirement.name.startswith("dvc-")
    }
    for install in dvc_installs(project):
        needed = _needed(scope.facts_for(install.path, install.line))
        extras = {extra.lower() for extra in install.extras}
        missing = [
            item
            for item in needed
            if not extras & {item[0], "all"} and (install.path, item[0]) not in installed
        ]
        if missing:
            yield Finding(install.path, install.line, install.column, CODE, _message(missing))


def _message(missing: list[Need]) -> str:
    if len(missing) == 1:
        plugin, url, where, default = missing[0]
        remote = "the default remote" if default else "a remote"
        return (
            f"dvc is installed here without the {plugin} plugin, but {remote} "
            f"is {url} ({where}); install dvc[{plugin}]"
        )
    plugins = [item[0] for item in missing]
    remotes = ", ".join(f"{url} ({where})" for _, url, where, _ in missing)
    return (
        f"dvc is installed here without the {', '.join(plugins)} plugins, but the remotes "
        f"include {remotes}; install dvc[{','.join(plugins)}]"
    )
