"""A cheap stand-in for :func:`dataclasses.dataclass` on the check path.

``@dataclass(frozen=True)`` costs 0.6 to 0.9 ms per class at import time (one
``exec`` per generated method, plus signature work); ``mlrig check`` on one
workflow creates a dozen such classes, a tenth of its whole budget. This module
generates the same methods (``__init__`` with defaults and default factories,
``__repr__``, ``__eq__``, ``__hash__``, ordering, frozen ``__setattr__``, a call to
``__post_init__``) with one small ``exec`` per class (``__init__``'s own).

Modules import it as ``dataclass``/``field`` only at run time; type checkers see
:mod:`dataclasses` itself (``if TYPE_CHECKING``), so the classes are typed
exactly as dataclasses. Supported: ``frozen``, ``order``, and ``field(default=,
default_factory=, init=, repr=, compare=)``; no inheritance between records.

Two more import-time savings live here: :class:`NamedTuple` (typing's, without
the per-field annotation compile) and :func:`lazy_pattern` (a regular
expression compiled when first used).
"""

from __future__ import annotations

import collections
import operator
import re
from collections.abc import Callable
from typing import Any, cast

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


def _key(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if not names:
        return lambda _: ()
    if len(names) == 1:
        get = operator.attrgetter(names[0])
        return lambda value: (get(value),)
    return operator.attrgetter(*names)


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _compare(
    key: Callable[[Any], tuple[Any, ...]], op: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return op(key(self), key(other))
        return NotImplemented

    return method


def _init(cls: type, fields: list[tuple[str, _Field]], frozen: bool) -> Callable[..., None]:
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
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or [" pass"])
    exec(source, namespace)
    init: Callable[..., None] = namespace["__init__"]
    return init


def _process(cls: type, frozen: bool, order: bool) -> type:
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
    init = _init(cls, fields, frozen)
    shown = tuple(name for name, spec in fields if spec.repr)
    key = _key(tuple(name for name, spec in fields if spec.compare))
    methods: dict[str, Callable[..., Any]] = {
        "__init__": init,
        "__repr__": _repr(shown),
        "__eq__": _compare(key, operator.eq),
    }
    if frozen:
        methods["__hash__"] = lambda self: hash(key(self))
    if order:
        for name, op in (
            ("__lt__", operator.lt),
            ("__le__", operator.le),
            ("__gt__", operator.gt),
            ("__ge__", operator.ge),
        ):
            methods[name] = _compare(key, op)
    for name, function in methods.items():
        if name in cls.__dict__:
            continue
        function.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, function)
    if not frozen:
        cls.__hash__ = None  # type: ignore[assignment]
    else:
        cls.__setattr__ = _frozen_setattr  # type: ignore[method-assign,assignment]
        cls.__delattr__ = _frozen_delattr  # type: ignore[method-assign,assignment]
    setattr(cls, "__match_args__", tuple(name for name, spec in fields if spec.init))  # noqa: B010
    return cls


# typing.NamedTuple runs typing._type_check on every field, and under
# ``from __future__ import annotations`` that compiles each annotation string
# (~20 us a field). This metaclass builds the same collections.namedtuple and
# copies the class body onto it as typing does, keeping annotations as written.
_PROHIBITED = frozenset(
    {"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults"}
    | {"_make", "_replace", "_asdict", "_source"}
)
_SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})


_namedtuple: Any = collections.namedtuple


class _NamedTupleMeta(type):
    def __new__(cls, typename: str, bases: tuple[type, ...], ns: dict[str, Any]) -> Any:
        if bases != (_NamedTupleBase,):
            raise TypeError("can only inherit from NamedTuple")
        types: dict[str, Any] = ns.get("__annotations__", {})
        default_names: list[str] = []
        for field_name in types:
            if field_name in ns:
                default_names.append(field_name)
            elif default_names:
                raise TypeError(
                    f"Non-default namedtuple field {field_name} cannot follow default field"
                    f"{'s' if len(default_names) > 1 else ''} {', '.join(default_names)}"
                )
        defaults = tuple(ns[n] for n in default_names)
        made = _namedtuple(typename, list(types), defaults=defaults, module=ns["__module__"])
        made.__annotations__ = made.__new__.__annotations__ = dict(types)
        for key, value in ns.items():
            if key in _PROHIBITED:
                raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
            if key not in _SPECIAL and key not in made._fields:
                setattr(made, key, value)
        return made


_NamedTupleBase: Any = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})


def NamedTuple(typename: str, fields: Any = None, /, **kwargs: Any) -> Any:
    """Class syntax only (``class Pos(NamedTuple): ...``), as :class:`typing.NamedTuple`."""
    raise TypeError("use the class syntax of NamedTuple")


NamedTuple.__mro_entries__ = lambda bases: (_NamedTupleBase,)  # type: ignore[attr-defined]


class _LazyPattern:
    """Compiles on first use, then serves the compiled pattern's methods directly."""

    def __init__(self, source: str, flags: int) -> None:
        self._source = (source, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._source)
        for attribute in ("match", "fullmatch", "search", "finditer", "findall", "sub", "split"):
            self.__dict__[attribute] = getattr(compiled, attribute)
        return getattr(compiled, name)


def lazy_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)`` when first used: a module's patterns that a run
    never needs cost nothing (``_pep440``'s version pattern alone compiles in ~0.8 ms).
    Call its methods only; do not hand it to ``re.sub`` and friends."""
    return cast("re.Pattern[str]", _LazyPattern(source, flags))
