"""pre-commit's configuration schema, as far as ``PC003`` checks it (pre-commit is not imported).

Mirrors ``pre_commit/clientlib.py``: required keys, value types, regular
expressions that must compile, known stages, and unexpected keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from toolkit.check.yamlsource import Pos, YList, YMap

STAGES = frozenset(
    [
        "commit-msg",
        "post-checkout",
        "post-commit",
        "post-merge",
        "post-rewrite",
        "pre-commit",
        "pre-merge-commit",
        "pre-push",
        "pre-rebase",
        "prepare-commit-msg",
        "manual",
        "commit",
        "merge-commit",
        "push",
    ]
)
_STR, _BOOL, _LIST, _MAP, _REGEX, _STAGES = "str", "bool", "list", "map", "regex", "stages"
TOP = {
    "repos": _LIST,
    "default_install_hook_types": _LIST,
    "default_language_version": _MAP,
    "default_stages": _STAGES,
    "files": _REGEX,
    "exclude": _REGEX,
    "fail_fast": _BOOL,
    "minimum_pre_commit_version": _STR,
    "ci": _MAP,
}
REPO = {"repo": _STR, "rev": _STR, "hooks": _LIST}
HOOK = {
    "id": _STR, "alias": _STR, "name": _STR, "entry": _STR, "language": _STR,
    "language_version": _STR, "files": _REGEX, "exclude": _REGEX, "types": _LIST,
    "types_or": _LIST, "exclude_types": _LIST, "args": _LIST, "stages": _STAGES,
    "additional_dependencies": _LIST, "always_run": _BOOL, "verbose": _BOOL, "log_file": _STR,
    "pass_filenames": _BOOL, "require_serial": _BOOL, "description": _STR,
    "minimum_pre_commit_version": _STR, "fail_fast": _BOOL,
}  # fmt: skip
_NOUNS = {_STR: "string", _BOOL: "boolean", _LIST: "list", _MAP: "mapping", _REGEX: "string"}
_NOUNS[_STAGES] = "list"
LOCAL_REQUIRED = ("id", "name", "entry", "language")

Problem = tuple[Pos, str]


def problems(root: Any) -> Iterator[Problem]:
    """Every schema problem of a parsed ``.pre-commit-config.yaml``."""
    if not isinstance(root, YMap):
        yield Pos(1, 1), "the configuration must be a mapping with a repos: list"
        return
    if "repos" not in root:
        yield Pos(root.line, root.col), "missing required key repos"
    yield from _fields(root, TOP, "the top level")
    repos = root.get("repos")
    if isinstance(repos, YList):
        for index, repo in enumerate(repos):
            yield from _repo(repo, repos.item_pos(index))


def _repo(repo: Any, where: Pos) -> Iterator[Problem]:
    if not isinstance(repo, YMap):
        yield where, "each entry of repos must be a mapping"
        return
    name = str(repo.get("repo", ""))
    local = name in ("local", "meta")
    required = ("repo", "hooks") if local else ("repo", "rev", "hooks")
    yield from _required(repo, required, f"repo {name or '?'}")
    yield from _fields(repo, REPO, f"repo {name or '?'}")
    hooks = repo.get("hooks")
    if isinstance(hooks, YList):
        for index, hook in enumerate(hooks):
            yield from _hook(hook, hooks.item_pos(index), name == "local")


def _hook(hook: Any, where: Pos, local: bool) -> Iterator[Problem]:
    if not isinstance(hook, YMap):
        yield where, "each hook must be a mapping"
        return
    label = f"hook {hook.get('id', '?')}"
    yield from _required(hook, LOCAL_REQUIRED if local else ("id",), label)
    yield from _fields(hook, HOOK, label)


def _required(node: YMap, keys: tuple[str, ...], label: str) -> Iterator[Problem]:
    for key in keys:
        if key not in node:
            yield Pos(node.line, node.col), f"{label} is missing required key {key}"


def _fields(node: YMap, schema: dict[str, str], label: str) -> Iterator[Problem]:
    for key, value in node.items():
        kind = schema.get(str(key))
        if kind is None:
            yield node.key_pos(key), f"unexpected key {key} in {label}"
            continue
        message = _type_problem(kind, value)
        if message:
            yield node.pos(key), f"{key} in {label} {message}"


def _type_problem(kind: str, value: Any) -> str | None:
    expected: dict[str, type] = {
        _STR: str, _BOOL: bool, _LIST: list, _MAP: dict, _REGEX: str, _STAGES: list
    }  # fmt: skip
    if not isinstance(value, expected[kind]):
        return f"must be a {_NOUNS[kind]}"
    return _value_problem(kind, value)


def _value_problem(kind: str, value: Any) -> str | None:
    if kind == _REGEX:
        try:
            re.compile(value)
        except re.error as err:
            return f"is not a valid regular expression: {err}"
    if kind == _STAGES:
        unknown = [str(stage) for stage in value if str(stage) not in STAGES]
        if unknown:
            return f"names unknown stages: {', '.join(unknown)}"
    return None
