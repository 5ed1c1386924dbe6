"""The parts of GitHub Actions files that rules read: jobs, steps, images.

Shared by the ``workflow`` and ``action`` views. Values are positioned
:mod:`~toolkit.check.yamlsource` values; anything of the wrong shape is left
out rather than guessed at (the schema is actionlint's and zizmor's job).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.check.yamlsource import YList, YMap, YStr

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple


class Step(NamedTuple):
    """One step: ``uses``, ``run`` and ``with`` (an empty map when absent)."""

    node: YMap
    line: int
    col: int
    uses: YStr | None
    run: YStr | None
    with_: YMap
    name: str | None = None


class Job(NamedTuple):
    """One job: a reusable-workflow ``uses``, its steps, its container and service images."""

    id: str
    node: YMap
    line: int
    col: int
    uses: YStr | None
    steps: list[Step]
    images: list[YStr]
    with_: YMap | None


def as_str(value: Any) -> YStr | None:
    return value if isinstance(value, YStr) else None


def as_map(value: Any) -> YMap | None:
    return value if isinstance(value, YMap) else None


def steps_of(value: Any) -> list[Step]:
    """The well-formed steps of a ``steps:`` sequence."""
    if not isinstance(value, YList):
        return []
    steps = []
    for item in value:
        if isinstance(item, YMap):
            with_ = as_map(item.get("with"))
            name = item.get("name")
            steps.append(
                Step(
                    node=item,
                    line=item.line,
                    col=item.col,
                    uses=as_str(item.get("uses")),
                    run=as_str(item.get("run")),
                    with_=with_ if with_ is not None else _empty(item),
                    name=str(name) if name is not None else None,
                )
            )
    return steps


def job_of(job_id: str, node: YMap) -> Job:
    """A job's steps and the images of its ``container`` and ``services``."""
    return Job(
        id=job_id,
        node=node,
        line=node.line,
        col=node.col,
        uses=as_str(node.get("uses")),
        steps=steps_of(node.get("steps")),
        images=_images(node),
        with_=as_map(node.get("with")),
    )


def _images(node: YMap) -> list[YStr]:
    images = [_image(node.get("container"))]
    services = as_map(node.get("services"))
    if services is not None:
        images.extend(_image(service) for service in services.values())
    return [image for image in images if image is not None]


def _image(value: Any) -> YStr | None:
    if isinstance(value, YMap):
        return as_str(value.get("image"))
    return as_str(value)


def _empty(owner: YMap) -> YMap:
    return YMap(owner.line, owner.col)
