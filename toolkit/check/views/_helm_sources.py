"""What hands Helm values to a chart: an Argo CD Helm source, or a kustomize ``helmCharts:``.

- An Argo CD ``Application`` (or ``ApplicationSet`` template) source with ``helm:`` gives a
  chart values through ``parameters`` (``name: image.tag``, ``value: v1.2``: Helm's
  ``--set`` keys), ``values`` (a YAML text, placed here on the lines it is written on),
  ``valuesObject`` and ``valueFiles``. A values file is read when it is in this
  repository: ``$<ref>/<path>`` of a source with that ``ref``, or a path under a git
  source's ``path``; a chart's own files (a ``chart:`` source) live in its package.
- A kustomization's ``helmCharts:`` entry gives ``valuesInline``, ``valuesFile`` and
  ``additionalValuesFiles`` (paths from the kustomization's folder).

The images those values set are judged by :mod:`toolkit.check.views._helm_values`; a
chart's ``version`` or an Application's ``targetRevision`` is the chart's version, never
an image's.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import ParseError
from toolkit.check.views._helm_values import HelmImage, Placer, placed, values_images
from toolkit.check.yamlsource import YList, YMap

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

# A Helm ``--set`` key: dots separate (``\\.`` does not), ``[0]`` indexes a list.
_KEY_PART = re.compile(r"(?:\\\.|[^.\[\]])+")
_BLOCK = re.compile(r"[|>][-+0-9]*\s*(#.*)?\Z")


@dataclass(frozen=True)
class ValuesFile:
    """A values file of this repository that ``source`` hands to a chart."""

    path: str
    source: str


@dataclass(frozen=True)
class HelmValues:
    """The images one file's Helm sources set, and the values files they name."""

    images: tuple[HelmImage, ...] = ()
    files: tuple[ValuesFile, ...] = ()


def argo_helm(path: str, label: str, sources: list[YMap], lines: list[str]) -> HelmValues:
    """What the Helm sources of one Argo CD Application give their charts."""
    refs = {str(s["ref"]) for s in sources if isinstance(s.get("ref"), str)}
    images: list[HelmImage] = []
    files: list[ValuesFile] = []
    for source in sources:
        helm = source.get("helm")
        if not isinstance(helm, YMap):
            continue
        images += _parameters(path, helm.get("parameters"), label)
        images += _values(path, helm.get("values"), label, lines)
        images += _values(path, helm.get("valuesObject"), label, lines)
        named = helm.get("valueFiles")
        for name in named if isinstance(named, YList) else []:
            found = _argo_file(name, source, refs) if isinstance(name, str) else None
            if found is not None:
                files.append(ValuesFile(found, label))
    return HelmValues(tuple(images), tuple(files))


def chart_helm(path: str, root: YMap, lines: list[str]) -> HelmValues:
    """What a kustomization's ``helmCharts:`` entries give their charts."""
    charts = root.get("helmCharts")
    folder = posixpath.dirname(path)
    images: list[HelmImage] = []
    files: list[ValuesFile] = []
    for chart in charts if isinstance(charts, YList) else []:
        if not isinstance(chart, YMap):
            continue
        name = chart.get("name")
        label = f"kustomize helmCharts entry {name}" if isinstance(name, str) else "kustomize"
        images += _values(path, chart.get("valuesInline"), label, lines)
        extra = chart.get("additionalValuesFiles")
        for named in [chart.get("valuesFile"), *(extra if isinstance(extra, YList) else [])]:
            found = _local(posixpath.join(folder, named)) if isinstance(named, str) else None
            if found is not None:
                files.append(ValuesFile(found, label))
    return HelmValues(tuple(images), tuple(files))


def file_images(values_file: ValuesFile, text: str) -> list[HelmImage]:
    """The images a values file of this repository sets (none if it does not parse: Helm
    reports that, and the file is not this rule's to judge)."""
    from toolkit.check.yamlsource import load

    label = f"the values file of {values_file.source}"
    try:
        documents = load(values_file.path, text).documents
        return [i for doc in documents for i in values_images(values_file.path, doc, label)]
    except (ParseError, IndexError, RecursionError):
        return []


def _argo_file(name: str, source: YMap, refs: set[str]) -> str | None:
    text = name.strip()
    if text.startswith("$"):
        ref, _, rest = text[1:].partition("/")
        return _local(rest) if ref in refs else None
    where = source.get("path")
    if source.get("chart") is not None or not isinstance(where, str):
        return None  # the chart's own file, inside its package
    return _local(posixpath.join(where, text))


def _local(path: str) -> str | None:
    """A repository-relative path, or ``None`` for a URL or a path leaving the repository."""
    if "://" in path or "{{" in path or "$" in path:
        return None
    normal = posixpath.normpath(path.strip())
    if normal.startswith(("/", "../")) or normal in ("..", "."):
        return None
    return normal


def _parameters(path: str, entries: Any, label: str) -> list[HelmImage]:
    """Argo CD ``helm.parameters`` as the values tree Helm's ``--set`` would build."""
    tree: dict[str, Any] = {}
    for entry in entries if isinstance(entries, YList) else []:
        name = entry.get("name") if isinstance(entry, YMap) else None
        if not isinstance(name, str) or "value" not in entry:
            continue
        keys = [part.replace("\\.", ".") for part in _KEY_PART.findall(name)]
        node: Any = tree
        for key in keys[:-1]:
            node = node.setdefault(key, {}) if isinstance(node, dict) else None
        if isinstance(node, dict) and keys:
            node[keys[-1]] = entry["value"]
    return values_images(path, tree, label)


def _values(path: str, values: Any, label: str, lines: list[str]) -> list[HelmImage]:
    """The images of ``values``: a mapping, or a YAML text (``helm.values``)."""
    if isinstance(values, YMap):
        return values_images(path, values, label)
    if not isinstance(values, str) or not values.strip():
        return []
    from toolkit.check.yamlsource import load

    try:
        documents = load(path, str(values)).documents
    except (ParseError, IndexError):
        return []  # a template still to be filled in, or not YAML: Argo CD reports it
    place = _embedded_placer(values, lines)
    return [i for doc in documents for i in values_images(path, doc, label, place)]


def _embedded_placer(values: Any, lines: list[str]) -> Placer:
    """Where a value parsed from the YAML text ``values`` is written in the file."""
    start, column = placed(values)
    raw = lines[start - 1][column - 1 :] if 0 < start <= len(lines) else ""
    if not _BLOCK.match(raw):
        return lambda value: (start, column)  # a quoted text: its own line is all we know
    content = str(values).splitlines()

    def place(value: Any) -> tuple[int, int]:
        inner, col = placed(value)
        line = start + inner
        written = lines[line - 1] if 0 < line <= len(lines) else ""
        text = content[inner - 1] if 0 < inner <= len(content) else ""
        indent = len(written) - len(text) if text and written.endswith(text) else 0
        return line, col + indent

    return place
