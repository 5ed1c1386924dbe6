"""Action metadata files (``action.yml``/``action.yaml``): composite steps and Docker images."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.check.views import basename
from toolkit.check.views.gha import Step, as_map, as_str, steps_of
from toolkit.check.yamlsource import YamlDoc, YStr, load

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple


class Action(NamedTuple):
    """An action: ``runs.using``, its composite steps and its Docker ``runs.image``."""

    path: str
    doc: YamlDoc
    using: str | None
    steps: list[Step]
    image: YStr | None

    @property
    def root(self) -> Any:
        return self.doc.root


def match(path: str) -> bool:
    return basename(path) in ("action.yml", "action.yaml")


def parse(path: str, text: str) -> Action:
    doc = load(path, text)
    root = as_map(doc.root)
    runs = as_map(root.get("runs")) if root is not None else None
    if runs is None:
        return Action(path, doc, None, [], None)
    using = runs.get("using")
    return Action(
        path,
        doc,
        str(using) if using is not None else None,
        steps_of(runs.get("steps")),
        as_str(runs.get("image")),
    )
