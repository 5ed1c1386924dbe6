"""GitHub Actions workflows (``.github/workflows/*.yml``): their jobs and steps."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from toolkit.check.views.gha import Job, as_map, job_of
from toolkit.check.yamlsource import YamlDoc, YMap, load

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

_PATH = re.compile(r"(?:^|/)\.github/workflows/[^/]+\.ya?ml$")


class Workflow(NamedTuple):
    """A workflow file: the YAML document and its jobs."""

    path: str
    doc: YamlDoc
    jobs: list[Job]

    @property
    def root(self) -> Any:
        return self.doc.root


def match(path: str) -> bool:
    return _PATH.search(path) is not None


def parse(path: str, text: str) -> Workflow:
    doc = load(path, text)
    root = as_map(doc.root)
    jobs = as_map(root.get("jobs")) if root is not None else None
    found = [job_of(str(i), node) for i, node in (jobs or {}).items() if isinstance(node, YMap)]
    return Workflow(path, doc, found)
