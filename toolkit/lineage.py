"""``mlrig lineage``: which commit, data and parameters produced each pinned model.

It reads the model pins ``deploy/<env>.yaml`` (docs/deploy-pins.md) with PyYAML
alone and prints, per environment, the model hash, the commit, the data hashes,
the parameters and the metrics: as Markdown with a Mermaid graph (for the CT
pull request and job summaries) or as JSON (versioned).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import UserInputError

JSON_VERSION = 1
PIN_NAME = re.compile(r"[A-Za-z0-9_-]+\.ya?ml\Z")
FIRST = ("staging", "production")


@dataclass(frozen=True)
class Lineage:
    """One environment's pin, as plain data."""

    environment: str
    path: str
    model: Mapping[str, Any] | None
    source: Mapping[str, Any] = field(default_factory=dict)
    metrics: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "pin": self.path,
            "model": dict(self.model) if self.model else None,
            "source": dict(self.source) if self.model else None,
            "metrics": dict(self.metrics),
        }


def run_lineage(root: Path, output_format: str) -> str:
    """The lineage report of the repository at ``root`` in ``output_format`` (md or json)."""
    pins = read_pins(root)
    if output_format == "json":
        document = {"version": JSON_VERSION, "environments": [p.as_json() for p in pins]}
        return json.dumps(document, indent=2, sort_keys=True, default=str) + "\n"
    return markdown(pins)


def read_pins(root: Path) -> list[Lineage]:
    """Every ``deploy/<env>.yaml``, staging and production first.

    The pins are read through the trust boundary (:mod:`toolkit.boundary`): a pin
    that is a FIFO, a device or a link leaving the repository is an error, never
    opened, and each is bounded in size like every file ``check`` reads.
    """
    root = Path(os.path.realpath(root))
    folder = root / "deploy"
    try:
        listed = folder.iterdir() if folder.is_dir() and not folder.is_symlink() else ()
        names = sorted(entry.name for entry in listed)
    except OSError as err:
        raise UserInputError(f"deploy: cannot list the pins: {err.strerror}") from None
    pins = [_read(root, f"deploy/{name}") for name in names if PIN_NAME.match(name)]
    if not pins:
        raise UserInputError(f"no model pins (deploy/<env>.yaml) under {root}")
    return sorted(pins, key=_order)


def _order(pin: Lineage) -> tuple[int, str]:
    rank = FIRST.index(pin.environment) if pin.environment in FIRST else len(FIRST)
    return rank, pin.environment


def _read(root: Path, relative: str) -> Lineage:
    from toolkit.check.findings import ParseError
    from toolkit.check.project import decode, read_limited
    from toolkit.check.yamlsource import load

    try:
        data = read_limited(root, relative)
        if data is None:
            raise ParseError("no such file")
        document: Any = load(relative, decode(data)).root
    except ParseError as err:
        raise UserInputError(f"{relative}:{err.line}: cannot read the pin: {err.message}") from None
    if not isinstance(document, Mapping):
        raise UserInputError(f"{relative}: a model pin must be a mapping")
    model = document.get("model")
    return Lineage(
        str(document.get("environment") or posixpath.basename(relative).rpartition(".")[0]),
        relative,
        model if isinstance(model, Mapping) else None,
        _mapping(document.get("source")),
        _mapping(document.get("metrics")),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def markdown(pins: list[Lineage]) -> str:
    """A summary table, one section per environment, and a Mermaid graph."""
    lines = ["## Model lineage", "", "| environment | model | md5 | commit | stage |"]
    lines.append("| --- | --- | --- | --- | --- |")
    for pin in pins:
        if pin.model is None:
            lines.append(f"| {pin.environment} | *none pinned yet* | | | |")
            continue
        commit = str(pin.source.get("commit", ""))[:12]
        md5 = _code(pin.model.get("md5"))
        lines.append(
            f"| {pin.environment} | {_code(pin.model.get('path'))} | {md5} | {_code(commit)} "
            f"| {pin.source.get('stage', '')} |"
        )
    for pin in pins:
        lines += _section(pin)
    lines += ["", "```mermaid", *mermaid(pins), "```", ""]
    return "\n".join(lines)


def _section(pin: Lineage) -> list[str]:
    if pin.model is None:
        return []
    out = ["", f"### {pin.environment}", "", f"- storage: {_code(pin.model.get('storage_uri'))}"]
    out.append(f"- commit: {_code(pin.source.get('commit'))}")
    for title, values in (
        ("data", _mapping(pin.source.get("data"))),
        ("params", _mapping(pin.source.get("params"))),
        ("metrics", pin.metrics),
    ):
        if values:
            out += ["", f"| {title} | value |", "| --- | --- |"]
            out += [f"| {_code(key)} | {_code(values[key])} |" for key in sorted(values)]
    return out


def mermaid(pins: list[Lineage]) -> list[str]:
    """``flowchart LR``: commit, data and params feed a model; a model serves environments."""
    out = ["flowchart LR"]
    seen: set[str] = set()

    def node(ident: str, text: str, shape: str = '["{}"]') -> str:
        if ident not in seen:
            seen.add(ident)
            out.append(f"  {ident}{shape.format(_label(text))}")
        return ident

    for index, pin in enumerate(pins):
        env = node(f"env{index}", pin.environment, '(["{}"])')
        if pin.model is None:
            out.append(f"  none{index}[/no model pinned/] -.-> {env}")
            continue
        md5 = str(pin.model.get("md5", ""))
        model = node(f"m_{_ident(md5)}", f"model {md5[:8]}<br/>{pin.model.get('path', '')}")
        out.append(f"  {model} --> {env}")
        commit = str(pin.source.get("commit", ""))
        if commit:
            out.append(f"  {node(f'c_{_ident(commit)}', f'commit {commit[:8]}')} --> {model}")
        for path, digest in sorted(_mapping(pin.source.get("data")).items()):
            ident = node(f"d_{_ident(str(path) + str(digest))}", f"{path}<br/>{str(digest)[:8]}")
            out.append(f"  {ident} --> {model}")
        params = _mapping(pin.source.get("params"))
        if params:
            text = "<br/>".join(f"{key}={params[key]}" for key in sorted(params))
            out.append(f"  {node(f'p_{_ident(md5)}', text)} --> {model}")
    return list(dict.fromkeys(out))


def _ident(text: str) -> str:
    """A short, stable Mermaid node id for ``text``."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def _label(text: str) -> str:
    return text.replace('"', "#quot;")


def _code(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"`{text}`" if text else ""
