"""Every ``*.dvc`` file (tracked data, imports) as a :class:`~toolkit.check.yamlsource.YamlDoc`."""

from __future__ import annotations

from toolkit.check.yamlsource import YamlDoc, load


def match(path: str) -> bool:
    return path.endswith(".dvc") and not path.startswith(".dvc/")


def parse(path: str, text: str) -> YamlDoc:
    return load(path, text)
