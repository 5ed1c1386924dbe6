"""GitHub Actions workflows (``.github/workflows/*.yml``): their jobs and steps."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from toolkit.check.views.gha import Job, as_map, job_of
from toolkit.check.yamlsource import YamlDoc, YMap, load

_PATH = re.compile(r"(?:^|/)\.github/workflows/[^/]+\.ya?ml$")


@dataclass
class Workflow:
    """A workflow file: the YAML document and its jobs."""

    path: str
    doc: YamlDoc
    jobs: list[Job] = field(default_factory=list)

    @property
    def root(self) -> Any:
        return self.doc.root


def match(path: str) -> bool:
    return _PATH.search(path) is not None


def parse(path: str, text: str) -> Workflow:
    doc = load(path, text)
    workflow = Workflow(path, doc)
    root = as_map(doc.root)
    jobs = as_map(root.get("jobs")) if root is not None else None
    if jobs is not None:
        workflow.jobs = [
            job_of(str(job_id), node) for job_id, node in jobs.items() if isinstance(node, YMap)
        ]
    return workflow
