"""Per-file results as plain data for the cache: no pickle, nothing that runs on load.

A per-file result (:meth:`toolkit.check.project.Project.each_file`) is a list of
small records (mentions, installs, step inputs) and plain values. :func:`encode`
turns it into nested tuples of strings and numbers that :mod:`marshal` stores;
:func:`decode` rebuilds it, creating only record classes defined in mlrig's own
view and rule modules (frozen dataclasses and named tuples, built from their
fields), and raises :class:`ValueError` for anything else. Unpickling a cache
file could run any code its writer chose; decoding one can only give data.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

PLAIN = (str, int, float, bool, bytes, type(None))
_MODULE = re.compile(r"toolkit\.(check\.views|check|rules)(\.[a-z_][a-z0-9_]*)*\Z")
MAX_DEPTH = 40


def encode(value: Any) -> Any:
    """``value`` as nested tuples of plain values (``ValueError`` when it cannot be)."""
    return _encode(value, 0)


def _encode(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError("too deeply nested to store")
    if isinstance(value, PLAIN):
        return value
    fields = _fields(type(value))
    if fields is not None:
        name = f"{type(value).__module__}:{type(value).__qualname__}"
        return ("r", name, tuple(_encode(getattr(value, f), depth + 1) for f in fields))
    if isinstance(value, (tuple, list, frozenset)):
        tag = {tuple: "t", list: "l", frozenset: "f"}.get(type(value))
        if tag is None:
            raise ValueError(f"cannot store a {type(value).__name__}")
        return (tag, tuple(_encode(item, depth + 1) for item in value))
    if type(value) is dict:
        items = tuple((_encode(k, depth + 1), _encode(v, depth + 1)) for k, v in value.items())
        return ("d", items)
    raise ValueError(f"cannot store a {type(value).__name__}")


def _fields(cls: type) -> tuple[str, ...] | None:
    """The constructor's fields of a record class (``None``: not a record)."""
    if not cls.__module__.startswith("toolkit."):
        return None
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return tuple(cls._fields)
    names = getattr(cls, "__match_args__", None)
    if names is not None and (
        hasattr(cls, "__dataclass_fields__") or "__match_args__" in cls.__dict__
    ):
        return tuple(names)
    return None


def decode(stored: Any) -> Any:
    """The value :func:`encode` stored (``ValueError`` for anything it could not have made)."""
    return _decode(stored, 0)


def _decode(stored: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError("too deeply nested")
    if isinstance(stored, PLAIN):
        return stored
    if type(stored) is not tuple or not stored:
        raise ValueError("not a stored value")
    tag = stored[0]
    if tag == "r" and len(stored) == 3 and type(stored[2]) is tuple:
        cls = _record_class(stored[1])
        values = [_decode(item, depth + 1) for item in stored[2]]
        if len(values) != len(_fields(cls) or ()):
            raise ValueError("a stored record with other fields")
        return cls(*values)
    if len(stored) != 2 or type(stored[1]) is not tuple:
        raise ValueError("not a stored value")
    if tag == "d":
        return {_decode(k, depth + 1): _decode(v, depth + 1) for k, v in _pairs(stored[1])}
    items = [_decode(item, depth + 1) for item in stored[1]]
    kinds: dict[Any, Any] = {"t": tuple, "l": list, "f": frozenset}
    if tag not in kinds:
        raise ValueError("not a stored value")
    return kinds[tag](items)


def _pairs(items: tuple[Any, ...]) -> list[tuple[Any, Any]]:
    if not all(type(item) is tuple and len(item) == 2 for item in items):
        raise ValueError("not a stored mapping")
    return list(items)


def _record_class(name: Any) -> type:
    """A record class of mlrig's own check modules, by ``module:qualname``."""
    if not isinstance(name, str):
        raise ValueError("not a record name")
    module_name, _, qualname = name.partition(":")
    if not _MODULE.match(module_name) or not qualname.isidentifier():
        raise ValueError(f"not a record of mlrig's: {name[:80]}")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise ValueError(f"no module {module_name}") from None
    cls = module.__dict__.get(qualname)
    if not isinstance(cls, type) or cls.__module__ != module_name or _fields(cls) is None:
        raise ValueError(f"not a record of mlrig's: {name[:80]}")
    return cls
