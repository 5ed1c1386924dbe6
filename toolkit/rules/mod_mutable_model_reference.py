"""## What it does
Checks that every model pin (`deploy/<env>.yaml`) names an immutable artifact:
`model.md5` is the 32-hex content hash that `dvc.lock` records, and
`model.storage_uri` is exactly the content-addressed path that hash has in the
default DVC remote (`<remote>/files/md5/<2 hex>/<30 hex>`, DVC 3 layout).
`model: null` is the one other accepted state (no model trained yet; see
MOD002).

## Why is this bad
A pin such as `latest`, a tag, a stage alias or a hand-written bucket path can
point at a different model tomorrow without any change in git, so the same
commit no longer deploys the same model and nobody can say which model served
a request.

## Example
```yaml
# deploy/staging.yaml
environment: staging
model:
  path: models/model.joblib
  md5: latest
  storage_uri: s3://acme-ml-dvc/models/latest
```

## Fix
Pin by hash, from `dvc.lock`: run `python -m <package>.pins update staging`
(the CT workflow does), or promote with
`python -m <package>.pins promote staging production`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.pins import MD5, Pin, storage_uri
from toolkit.rules._mod import CONFIG, mark, models

CODE = "MOD001"
NAME = "mutable-model-reference"
FAMILY = "models"
SUMMARY = "A model pin names a floating or inconsistent artifact instead of its content hash"
VIEWS: tuple[str, ...] = ("pins", "dvc")
ADDRESSED = re.compile(r"/files/md5/(?P<head>[0-9a-f]{2})/(?P<tail>[0-9a-f]{30}(?:\.dir)?)\Z")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each pin's md5 is a content hash and its storage_uri the path that hash implies."""
    del options
    found = models(project)
    remote = found.remote_url()
    config_path = found.config.path if found.config else CONFIG
    for pin in found.pins:
        if "model" not in pin.doc.data:
            message = "pin has no `model:` (write `model: null` until a model is trained)"
            yield Finding(pin.path, *mark(pin), CODE, message)
        elif pin.doc.data["model"] is not None and pin.model is None:
            message = "model must be a mapping with path, md5 and storage_uri, or null"
            yield Finding(pin.path, *mark(pin, "model"), CODE, message)
        elif pin.model is not None:
            yield from _model(pin, pin.model, remote, config_path)


def _model(
    pin: Pin, model: Mapping[str, Any], remote: str | None, config: str
) -> Iterator[Finding]:
    for key in ("path", "md5", "storage_uri"):
        if not model.get(key):
            yield Finding(pin.path, *mark(pin, "model"), CODE, f"model.{key} is missing; add it")
    md5, uri = model.get("md5"), model.get("storage_uri")
    if md5 and not MD5.match(str(md5)):
        message = (
            f"model.md5 '{md5}' is not a content hash (32 hex digits, as dvc.lock records it); "
            "pin the md5 from dvc.lock"
        )
        yield Finding(pin.path, *mark(pin, "model", "md5"), CODE, message)
        return
    if not (md5 and uri):
        return
    expected = storage_uri(str(md5), remote, config) if remote else None
    addressed = ADDRESSED.search(str(uri))
    if expected is not None and str(uri) != expected:
        message = (
            f"model.storage_uri is not where the remote keeps model.md5: expected {expected}; "
            "write that"
        )
        yield Finding(pin.path, *mark(pin, "model", "storage_uri"), CODE, message)
    elif addressed is None or addressed["head"] + addressed["tail"] != str(md5):
        message = (
            "model.storage_uri is not the content-addressed path of model.md5 (files/md5/..);"
            " point it there"
        )
        yield Finding(pin.path, *mark(pin, "model", "storage_uri"), CODE, message)
