"""A cheap stand-in for :func:`dataclasses.dataclass` on the check path.

``@dataclass(frozen=True)`` costs 0.6 to 0.9 ms per class at import time (one
``exec`` per generated method, plus signature work); ``mlrig check`` on one
workflow creates a dozen such classes, a tenth of its whole budget. This module
generates the same methods (``__init__`` with defaults and default factories,
``__repr__``, ``__eq__``, ``__hash__``, ordering, frozen ``__setattr__``, a call to
``__post_init__``) in one ``exec`` per class.

Modules import it as ``dataclass``/``field`` only at run time; type checkers see
:mod:`dataclasses` itself (``if TYPE_CHECKING``), so the classes are typed
exactly as dataclasses. Supported: ``frozen``, ``order``, and ``field(default=,
default_factory=, init=, repr=, compare=)``; no inheritance between records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_MISSING: Any = object()


class _Field:
    __slots__ = ("compare", "default", "default_factory", "init", "repr")

    def __init__(
        self,
        default: Any = _MISSING,
        default_factory: Any = _MISSING,
        init: bool = True,
        repr: bool = True,
        compare: bool = True,
    ) -> None:
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Any = _MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """Like :func:`dataclasses.field`, for the options listed in the module docstring."""
    return _Field(default, default_factory, init, repr, compare)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    import dataclasses

    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    import dataclasses

    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def dataclass(cls: type | None = None, /, *, frozen: bool = False, order: bool = False) -> Any:
    """Like :func:`dataclasses.dataclass` with ``eq=True``."""

    def wrap(klass: type) -> type:
        return _process(klass, frozen, order)

    return wrap if cls is None else wrap(cls)


def _tuple(names: list[str], owner: str) -> str:
    return "(" + "".join(f"{owner}.{name}," for name in names) + ")"


def _process(cls: type, frozen: bool, order: bool) -> type:  # noqa: PLR0912, PLR0915
    fields: list[tuple[str, _Field]] = []
    for name in cls.__dict__.get("__annotations__", {}):  # noqa: RUF063 (own fields only)
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, _Field) else _Field(default=value)
        if isinstance(value, _Field):
            if value.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, value.default)
        fields.append((name, spec))
    namespace: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body = [], []
    for name, spec in fields:
        if spec.init:
            if spec.default is not _MISSING:
                namespace[f"_d_{name}"] = spec.default
                params.append(f"{name}=_d_{name}")
            elif spec.default_factory is not _MISSING:
                namespace[f"_f_{name}"] = spec.default_factory
                params.append(f"{name}=_MISSING")
                body.append(f" if {name} is _MISSING: {name} = _f_{name}()")
            else:
                params.append(name)
            value = name
        elif spec.default_factory is not _MISSING:
            namespace[f"_f_{name}"] = spec.default_factory
            value = f"_f_{name}()"
        elif spec.default is not _MISSING:
            value = f"_d_{name}"
            namespace[value] = spec.default
        else:
            continue
        body.append(f" _set(self, {name!r}, {value})" if frozen else f" self.{name} = {value}")
    if "__post_init__" in cls.__dict__:
        body.append(" self.__post_init__()")
    shown = [f"{name}={{self.{name}!r}}" for name, spec in fields if spec.repr]
    compared = [name for name, spec in fields if spec.compare]
    own, other = _tuple(compared, "self"), _tuple(compared, "other")
    lines = [
        f"def __init__(self, {', '.join(params)}):" if params else "def __init__(self):",
        *(body or [" pass"]),
        "def __repr__(self):",
        " return f'{self.__class__.__qualname__}(" + ", ".join(shown) + ")'",
        "def __eq__(self, other):",
        " if other.__class__ is self.__class__:",
        f"  return {own} == {other}",
        " return NotImplemented",
    ]
    if frozen:
        lines += ["def __hash__(self):", f" return hash({own})"]
    if order:
        for method, op in (("__lt__", "<"), ("__le__", "<="), ("__gt__", ">"), ("__ge__", ">=")):
            lines += [
                f"def {method}(self, other):",
                " if other.__class__ is self.__class__:",
                f"  return {own} {op} {other}",
                " return NotImplemented",
            ]
    exec("\n".join(lines), namespace)
    names = [line[4 : line.index("(")] for line in lines if line.startswith("def ")]
    methods: dict[str, Callable[..., Any]] = {key: namespace[key] for key in names}
    for key, function in methods.items():
        if key in cls.__dict__:
            continue
        function.__qualname__ = f"{cls.__qualname__}.{key}"
        setattr(cls, key, function)
    if not frozen:
        cls.__hash__ = None  # type: ignore[assignment]
    else:
        cls.__setattr__ = _frozen_setattr  # type: ignore[method-assign,assignment]
        cls.__delattr__ = _frozen_delattr  # type: ignore[method-assign,assignment]
    setattr(cls, "__match_args__", tuple(name for name, spec in fields if spec.init))  # noqa: B010
    return cls
