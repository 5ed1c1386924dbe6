"""Every ``dvc.yaml``, as a :class:`~toolkit.check.yamlsource.YamlDoc`."""

from __future__ import annotations

from toolkit.check.views import basename
from toolkit.check.yamlsource import YamlDoc, load


def match(path: str) -> bool:
    return basename(path) == "dvc.yaml"


def parse(path: str, text: str) -> YamlDoc:
    return load(path, text)
