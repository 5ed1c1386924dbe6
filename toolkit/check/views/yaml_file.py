"""Every ``*.yml``/``*.yaml`` file, as a :class:`~toolkit.check.yamlsource.YamlDoc`."""

from __future__ import annotations

from toolkit.check.yamlsource import YamlDoc, load


def match(path: str) -> bool:
    return path.endswith((".yml", ".yaml"))


def parse(path: str, text: str) -> YamlDoc:
    return load(path, text)
