"""Expand the stages of a ``dvc.yaml`` as dvc would name and render them.

Handles the simple, common cases statically: ``vars`` (params files by name,
``file:key,...`` and inline mappings; ``params.yaml`` next to ``dvc.yaml`` is
always loaded), ``${}`` interpolation with dotted keys and ``[index]``,
``foreach`` (``stage@key``, ``stage@index`` for composite items) and ``matrix``
(``stage@a-b``). A stage that cannot be rendered statically is reported in
``Expanded.unresolved`` and skipped, never guessed.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from toolkit.check.views._located import KeyPath, Located
from toolkit.check.views.dvc import DvcYaml, Entry, ParamsFile, entry_list

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

DEFAULT_PARAMS = "params.yaml"
OUT_SECTIONS = ("outs", "metrics", "plots")
PLACEHOLDER = re.compile(r"(?<!\\)\$\{\s*([^}]*?)\s*\}")
KEY_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class Unresolved(Exception):
    """An interpolation that cannot be resolved statically."""


@dataclass(frozen=True)
class ParamUse:
    """A parameter a stage declares: ``key`` is ``None`` for a whole file."""

    file: str
    key: str | None
    line: int
    column: int


@dataclass(frozen=True)
class Stage:
    """One rendered stage of a ``dvc.yaml``."""

    name: str
    line: int
    column: int
    cmd: Any
    cmd_line: int
    cmd_column: int
    wdir: str
    deps: tuple[Entry, ...]
    outs: tuple[Entry, ...]
    params: tuple[ParamUse, ...]


@dataclass(frozen=True)
class Expanded:
    """The stages of one ``dvc.yaml``, and the names that could not be rendered."""

    stages: tuple[Stage, ...]
    unresolved: tuple[str, ...]
    malformed: tuple[tuple[str, int, int], ...] = ()


Params = Mapping[str, Any]


def params_by_path(views: list[Any]) -> dict[str, Any]:
    """Params file contents by repository path."""
    return {view.path: view.doc.data for view in views if isinstance(view, ParamsFile)}


def expand(dvc_yaml: DvcYaml, params: Params) -> Expanded:
    """Render every stage of ``dvc_yaml`` with the params files in ``params``."""
    doc = dvc_yaml.doc
    base = posixpath.dirname(dvc_yaml.path)
    raw = doc.get("stages")
    if not isinstance(raw, dict):
        return Expanded((), ())
    try:
        context = _context(doc.get("vars"), base, params)
    except Unresolved:
        return Expanded((), tuple(raw))
    stages: list[Stage] = []
    unresolved: list[str] = []
    malformed: list[tuple[str, int, int]] = []
    for name, body in raw.items():
        try:
            stages.extend(_render(doc, str(name), body, context, base=base, params=params))
        except Unresolved:
            unresolved.append(str(name))
        except (TypeError, AttributeError, ValueError, KeyError):
            malformed.append((str(name), *doc.mark("stages", name)))
    return Expanded(tuple(stages), tuple(unresolved), tuple(malformed))


def _context(var_list: Any, base: str, params: Params) -> dict[str, Any]:
    context: dict[str, Any] = {}
    default = params.get(posixpath.join(base, DEFAULT_PARAMS))
    if isinstance(default, dict):
        context.update(default)
    for item in var_list or []:
        if isinstance(item, dict):
            context.update(item)
            continue
        if not isinstance(item, str):
            raise Unresolved(str(item))
        file, _, keys = item.partition(":")
        data = params.get(posixpath.join(base, file))
        if not isinstance(data, dict):
            raise Unresolved(item)
        if keys:
            data = {key: _lookup(data, key) for key in keys.split(",")}
        context.update(data)
    return context


def _render(
    doc: Located, name: str, body: Any, context: dict[str, Any], *, base: str, params: Params
) -> list[Stage]:
    if not isinstance(body, dict):
        raise TypeError(name)
    local = dict(context)
    if body.get("vars"):
        local.update(_context(body["vars"], base, params))
    if "foreach" in body:
        items = _items_foreach(interpolate(body["foreach"], local))
        template = body.get("do")
    elif "matrix" in body:
        items = _items_matrix(interpolate(body["matrix"], local))
        template = {k: v for k, v in body.items() if k not in {"matrix", "vars"}}
    else:
        return [_stage(doc, (name, name), body, local, base)]
    if not isinstance(template, dict):
        raise Unresolved(name)
    rendered = []
    for key, item in items.items():
        scope = {**local, "item": item, "key": key}
        rendered.append(_stage(doc, (name, f"{name}@{key}"), template, scope, base))
    return rendered


def _items_foreach(iterable: Any) -> dict[str, Any]:
    if isinstance(iterable, dict):
        return {to_str(key): value for key, value in iterable.items()}
    if not isinstance(iterable, list):
        raise Unresolved("foreach")
    if any(isinstance(value, (dict, list)) for value in iterable):
        return {str(index): value for index, value in enumerate(iterable)}
    return {to_str(value): value for value in iterable}


def _items_matrix(matrix: Any) -> dict[str, Any]:
    if not isinstance(matrix, dict) or not all(isinstance(v, list) for v in matrix.values()):
        raise Unresolved("matrix")
    found = {}
    keys = list(matrix)
    for combination in itertools.product(*(list(enumerate(matrix[k])) for k in keys)):
        fragments = [
            f"{key}{index}" if isinstance(value, (dict, list)) else to_str(value)
            for key, (index, value) in zip(keys, combination, strict=True)
        ]
        chosen = {key: value for key, (_, value) in zip(keys, combination, strict=True)}
        found["-".join(fragments)] = chosen
    return found


def _stage(
    doc: Located, names: tuple[str, str], body: dict[str, Any], scope: dict[str, Any], base: str
) -> Stage:
    raw_name, name = names
    line, column = doc.mark("stages", raw_name)
    rendered = interpolate({k: v for k, v in body.items() if k != "vars"}, scope)
    prefix: KeyPath = ("stages", raw_name)
    if "foreach" in doc.get("stages", raw_name):
        prefix = (*prefix, "do")
    wdir = str(rendered.get("wdir") or ".")
    outs: list[Entry] = []
    for section in OUT_SECTIONS:
        outs.extend(entry_list(rendered.get(section), doc, (*prefix, section), locked=False))
    return Stage(
        name=name,
        line=line,
        column=column,
        cmd=rendered.get("cmd"),
        cmd_line=doc.mark(*prefix, "cmd")[0],
        cmd_column=doc.mark(*prefix, "cmd")[1],
        wdir=posixpath.normpath(posixpath.join(base, wdir)),
        deps=entry_list(rendered.get("deps"), doc, (*prefix, "deps"), locked=False),
        outs=tuple(outs),
        params=_params(rendered.get("params"), doc, (*prefix, "params")),
    )


def _params(items: Any, doc: Located, path: KeyPath) -> tuple[ParamUse, ...]:
    if not isinstance(items, list):
        return ()
    found = []
    for index, item in enumerate(items):
        line, column = doc.mark(*path, index)
        if isinstance(item, str):
            found.append(ParamUse(DEFAULT_PARAMS, item, line, column))
        elif isinstance(item, dict):
            for file, keys in item.items():
                if not keys:
                    found.append(ParamUse(str(file), None, line, column))
                elif isinstance(keys, list):
                    found.extend(ParamUse(str(file), str(key), line, column) for key in keys)
                else:
                    raise TypeError(f"params of {file} must be a list")
    return tuple(found)


def to_str(value: Any) -> str:
    """A value as dvc writes it into a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def interpolate(value: Any, scope: Mapping[str, Any]) -> Any:
    """``value`` with every ``${key}`` replaced from ``scope``."""
    if isinstance(value, dict):
        return {interpolate(k, scope): interpolate(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(item, scope) for item in value]
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = PLACEHOLDER.fullmatch(value)
    if whole:
        return _lookup(scope, whole.group(1))

    def replace(found: re.Match[str]) -> str:
        resolved = _lookup(scope, found.group(1))
        if isinstance(resolved, (dict, list)):
            raise Unresolved(found.group(0))
        return to_str(resolved)

    return PLACEHOLDER.sub(replace, value).replace("\\${", "${")


def _lookup(data: Any, dotted: str) -> Any:
    value = data
    for name, index in KEY_PART.findall(dotted):
        if name and isinstance(value, Mapping) and name in value:
            value = value[name]
        elif index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            raise Unresolved(dotted)
    return value


def lookup(data: Any, dotted: str) -> tuple[bool, Any]:
    """``(True, value)`` for a dotted key of a params file, else ``(False, None)``."""
    try:
        return True, _lookup(data, dotted)
    except Unresolved:
        return False, None
