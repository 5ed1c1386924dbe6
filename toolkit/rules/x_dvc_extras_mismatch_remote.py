"""## What it does
Reads the scheme of the default dvc remote in `.dvc/config` (`s3://`, `gs://`,
`azure://`, `ssh://`, ...) and checks that every place that installs dvc also
installs the matching plugin: the extra (`dvc[s3]`) or the plugin package
(`dvc-s3`) in the same file. `iterative/setup-dvc` installs every plugin.

## Why is this bad
A plain `pip install dvc` cannot talk to an S3, GCS or Azure remote: `dvc pull`
in CI and `dvc push` in continuous training fail with "please install
dvc[s3]" only when the job runs.

## Example
```text
# requirements.in, while .dvc/config has url = s3://acme-dvc
dvc==3.55.2
```

## Fix
Install the extra for the remote's scheme: `dvc[s3]`, `dvc[gs]`, `dvc[azure]`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project

CODE = "X005"
NAME = "dvc-extras-mismatch-remote"
FAMILY = "consistency"
SUMMARY = "dvc is installed without the plugin for the default remote's scheme"
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


def _remote(project: Project) -> tuple[str, str, str] | None:
    found = project.each_file("dvc", "dvc-remote-plugin", lambda view, _: _plugin(view))
    return found[0] if found else None


def _plugin(view: Any) -> list[tuple[str, str, str]]:
    """The plugin one ``.dvc/config``'s default remote needs, with its URL and place."""
    from toolkit.check.views.dvc import DvcConfig

    if isinstance(view, DvcConfig) and view.default_remote:
        remote = next((r for r in view.remotes if r.name == view.default_remote), None)
        if remote is not None and "://" in remote.url:
            scheme = remote.url.split("://", 1)[0].lower()
            if scheme in PLUGINS:
                return [(PLUGINS[scheme], remote.url, f"{view.path}:{remote.line}")]
    return []


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each dvc install, against the plugin the default remote needs."""
    del options
    if not project.has("dvc"):
        return
    from toolkit.rules._dvc_installs import all_requirements, dvc_installs

    remote = _remote(project)
    if remote is None:
        return
    plugin, url, where = remote
    with_plugin = {
        i.path for i in all_requirements(project) if i.requirement.name == f"dvc-{plugin}"
    }
    for install in dvc_installs(project):
        extras = {extra.lower() for extra in install.extras}
        if extras & {plugin, "all"} or install.path in with_plugin:
            continue
        message = (
            f"dvc is installed here without the {plugin} plugin, but the default remote "
            f"is {url} ({where}); install dvc[{plugin}]"
        )
        yield Finding(install.path, install.line, install.column, CODE, message)
