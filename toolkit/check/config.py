"""``[tool.mlrig]`` in ``pyproject.toml``, or ``mlrig.toml``: what to check and how.

Keys: ``select`` and ``ignore`` (codes, code prefixes or rule names),
``per-file-ignores`` (glob -> codes), ``exclude`` (globs of files not to check),
``rules`` (code or name -> that rule's options) and ``severity`` (code, prefix
or name -> ``error``, ``warning`` or ``note``). Anything unknown is a
:class:`~toolkit.errors.ConfigError` (exit 2) naming the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import ParseError
from toolkit.check.rules import Rule, check_selectors, find_rule
from toolkit.errors import ConfigError

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

KEYS = ("select", "ignore", "per-file-ignores", "exclude", "rules", "severity")
LEVELS = ("error", "warning", "note")


_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Config(NamedTuple):
    """The validated configuration; ``path`` is where it came from (``None``: defaults)."""

    path: str | None = None
    select: list[str] | None = None
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, list[str]] = _EMPTY
    exclude: tuple[str, ...] = ()
    rules: Mapping[str, dict[str, Any]] = _EMPTY
    severity: Mapping[str, str] = _EMPTY

    def options_for(self, rule: Rule) -> dict[str, Any]:
        """The rule's defaults, overridden by ``[rules.<code>]`` or ``[rules.<name>]``."""
        return {**rule.options, **self.rules.get(rule.code, {})}


def load_config(root: Path) -> Config:
    """The configuration of the repository at ``root``: ``mlrig.toml`` first, then pyproject.

    Read through the trust boundary, like every checked file: a configuration file
    that is a link leaving the repository, a FIFO or a device is a configuration
    error (exit 2), never opened.
    """
    for name, table_path in (("mlrig.toml", ()), ("pyproject.toml", ("tool", "mlrig"))):
        if os.path.lexists(root / name) and not (root / name).is_dir():
            text = _text(root, name)
            table = _table(text, name, table_path)
            if table is not None:
                return _validate(table, name, _Lines(text))
    return Config()


def _text(root: Path, name: str) -> str:
    from toolkit.check.project import decode, read_limited

    try:
        data = read_limited(Path(os.path.realpath(root)), name)
        return "" if data is None else decode(data)
    except ParseError as err:
        raise ConfigError(f"{name}:{err.line}:{err.column}: {err.message}") from None


def _table(text: str, name: str, table_path: tuple[str, ...]) -> dict[str, Any] | None:
    from toolkit.check.views.toml_file import loads

    try:
        data: Any = loads(text)
    except ParseError as err:
        raise ConfigError(f"{name}:{err.line}:{err.column}: {err.message}") from None
    for key in table_path:
        data = data.get(key) if isinstance(data, dict) else None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{name}: [{'.'.join(table_path)}] must be a table")
    return data


class _Lines:
    """Finds the line of a key in a config file, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def of(self, needle: str) -> int:
        for number, line in enumerate(self.lines, start=1):
            if needle in line:
                return number
        return 1


def _validate(table: dict[str, Any], name: str, lines: _Lines) -> Config:
    def where(needle: str) -> str:
        return f"{name}:{lines.of(needle)}"

    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{where(key)}: unknown key {key!r} (known: {', '.join(KEYS)})")
    pfi = _mapping(table.get("per-file-ignores", {}), "per-file-ignores", where)
    rules = _mapping(table.get("rules", {}), "rules", where)
    return Config(
        path=name,
        select=_codes(table["select"], "select", where) if "select" in table else None,
        ignore=tuple(_codes(table.get("ignore", []), "ignore", where)),
        per_file_ignores={g: _codes(c, g, where) for g, c in pfi.items()},
        exclude=tuple(_strings(table.get("exclude", []), "exclude", where)),
        rules=dict(_rule_options(key, value, where) for key, value in rules.items()),
        severity=_severities(table.get("severity", {}), where),
    )


def _severities(value: Any, where: Any) -> dict[str, str]:
    levels = _mapping(value, "severity", where)
    for selector, level in levels.items():
        check_selectors([selector], where(selector))
        if level not in LEVELS:
            raise ConfigError(
                f"{where(selector)}: severity of {selector} must be error, warning or note"
            )
    return dict(levels)


def _strings(value: Any, key: str, where: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where(key)}: {key} must be a list of strings")
    return list(value)


def _codes(value: Any, key: str, where: Any) -> list[str]:
    codes = _strings(value, key, where)
    for code in codes:
        check_selectors([code], where(code))
    return codes


def _mapping(value: Any, key: str, where: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where(key)}: {key} must be a table")
    return value


def _rule_options(key: str, value: Any, where: Any) -> tuple[str, dict[str, Any]]:
    rule = find_rule(key)
    if rule is None:
        raise ConfigError(f"{where(key)}: unknown rule {key!r} in [rules]")
    options = _mapping(value, key, where)
    for option, setting in options.items():
        if option not in rule.options:
            known = ", ".join(rule.options) or "none"
            message = f"rule {rule.code} has no option {option!r} (options: {known})"
            raise ConfigError(f"{where(option)}: {message}")
        default = rule.options[option]
        if default is not None and type(setting) is not type(default):
            expected = type(default).__name__
            raise ConfigError(f"{where(option)}: {rule.code} option {option!r} must be {expected}")
    return rule.code, dict(options)
