"""What the GitHub Actions rules share: every ``uses:``, every image and every step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.gha import Step
from toolkit.check.yamlsource import YamlDoc, YStr

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

GHA_VIEWS = ("workflow", "action")


class Located(NamedTuple):
    """A value found in a workflow or action file, with that file's document."""

    path: str
    doc: YamlDoc
    value: YStr


def finding_at(found: Located, code: str, message: str) -> Finding:
    """A finding spanning the located value."""
    value = found.value
    return Finding(found.path, value.line, value.col, code, message, value.end_line, value.end_col)


def uses_values(project: Project) -> Iterator[Located]:
    """Every ``uses:`` of steps, reusable-workflow jobs and composite actions."""
    for workflow in project.views("workflow"):
        for job in workflow.jobs:
            if job.uses is not None:
                yield Located(workflow.path, workflow.doc, job.uses)
            yield from _step_uses(workflow.path, workflow.doc, job.steps)
    for action in project.views("action"):
        yield from _step_uses(action.path, action.doc, action.steps)


def view_steps(view: Any) -> Iterator[Step]:
    """The steps of one workflow (every job's) or composite action view."""
    jobs = getattr(view, "jobs", None)
    if jobs is None:
        yield from view.steps
        return
    for job in jobs:
        yield from job.steps


def steps(project: Project) -> Iterator[tuple[str, YamlDoc, Step]]:
    """Every step of every workflow job and composite action."""
    for workflow in project.views("workflow"):
        for job in workflow.jobs:
            yield from ((workflow.path, workflow.doc, step) for step in job.steps)
    for action in project.views("action"):
        yield from ((action.path, action.doc, step) for step in action.steps)


def images(project: Project) -> Iterator[Located]:
    """Job ``container`` and ``services`` images, ``docker://`` steps and action images."""
    for workflow in project.views("workflow"):
        for job in workflow.jobs:
            yield from (Located(workflow.path, workflow.doc, image) for image in job.images)
    for path, doc, step in steps(project):
        if step.uses is not None and step.uses.startswith("docker://"):
            yield Located(path, doc, step.uses)
    for action in project.views("action"):
        if action.image is not None and action.image.startswith("docker://"):
            yield Located(action.path, action.doc, action.image)


def _step_uses(path: str, doc: YamlDoc, step_list: list[Step]) -> Iterator[Located]:
    for step in step_list:
        if step.uses is not None:
            yield Located(path, doc, step.uses)
