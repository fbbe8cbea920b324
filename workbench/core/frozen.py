"""A quicker ``__init__`` for the frozen dataclasses every send builds.

A frozen dataclass's generated ``__init__`` sets each field with its own
``object.__setattr__`` call (its ``__setattr__`` refuses); for a value of twenty
fields, built on every send, those calls are most of its cost. :func:`set_at_once`
gives such a class an ``__init__`` with the same parameters, defaults and default
factories that fills the instance's ``__dict__`` in one ``update``, then runs
``__post_init__`` as the generated one does. Type checkers still see the
dataclass's own signature; the values are the same (``tests/core/test_frozen.py``
builds each class both ways and compares).
"""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass
from typing import Any, TypeVar

__all__ = ["set_at_once"]

T = TypeVar("T")

_NO_VALUE = object()  # a parameter left out, for a field with a default factory


def set_at_once(cls: type[T]) -> type[T]:
    """Give the frozen dataclass *cls* the one-update ``__init__`` (module docstring)."""
    params = getattr(cls, "__dataclass_params__", None)
    if not is_dataclass(cls) or params is None or not params.frozen or not params.init:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with an __init__")
    if "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__name__} has slots: there is no __dict__ to fill")
    namespace: dict[str, Any] = {"_NO_VALUE": _NO_VALUE}
    arguments: list[str] = []
    values: list[str] = []
    for f in fields(cls):
        if f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name}: keyword-only fields are not handled")
        name = f.name
        if f.default is not MISSING:
            namespace[f"_default_{name}"] = f.default
            value = f"_default_{name}"
        elif f.default_factory is not MISSING:
            namespace[f"_factory_{name}"] = f.default_factory
            value = f"_factory_{name}()"
        else:
            value = ""
        if not f.init:
            # Set from its factory, not from a parameter; a plain default stays on the
            # class, as the generated __init__ leaves it.
            if f.default_factory is not MISSING:
                values.append(f"{name!r}: {value}")
            continue
        if f.default_factory is not MISSING:
            arguments.append(f"{name}=_NO_VALUE")
            values.append(f"{name!r}: {value} if {name} is _NO_VALUE else {name}")
        else:
            arguments.append(f"{name}={value}" if value else name)
            values.append(f"{name!r}: {name}")
    body = f"    self.__dict__.update({{{', '.join(values)}}})\n"
    if hasattr(cls, "__post_init__"):
        body += "    self.__post_init__()\n"
    source = f"def __init__(self, {', '.join(arguments)}) -> None:\n{body}"
    exec(source, namespace)  # the source is built from the class's own fields
    init = namespace["__init__"]
    if _parameters(init) != _parameters(cls.__init__):  # e.g. an InitVar
        raise TypeError(f"{cls.__name__}: its __init__ takes what fields() does not list")
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


def _parameters(function: Any) -> tuple[tuple[str, ...], int, int]:
    """The names of *function*'s parameters, and how many are keyword-only and ``*``/``**``."""
    code = function.__code__
    count = code.co_argcount + code.co_kwonlyargcount
    return code.co_varnames[:count], code.co_kwonlyargcount, code.co_flags & 0x0C
