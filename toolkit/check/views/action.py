"""Action metadata files (``action.yml``/``action.yaml``): composite steps and Docker images."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit.check.views import basename
from toolkit.check.views.gha import Step, as_map, as_str, steps_of
from toolkit.check.yamlsource import YamlDoc, YStr, load


@dataclass
class Action:
    """An action: ``runs.using``, its composite steps and its Docker ``runs.image``."""

    path: str
    doc: YamlDoc
    using: str | None = None
    steps: list[Step] = field(default_factory=list)
    image: YStr | None = None

    @property
    def root(self) -> Any:
        return self.doc.root


def match(path: str) -> bool:
    return basename(path) in ("action.yml", "action.yaml")


def parse(path: str, text: str) -> Action:
    doc = load(path, text)
    action = Action(path, doc)
    root = as_map(doc.root)
    runs = as_map(root.get("runs")) if root is not None else None
    if runs is not None:
        using = runs.get("using")
        action.using = str(using) if using is not None else None
        action.steps = steps_of(runs.get("steps"))
        action.image = as_str(runs.get("image"))
    return action
