"""The one-update ``__init__`` builds the same values as the dataclass's own."""

from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, InitVar, dataclass, field, fields, replace
from typing import Any

import pytest

from workbench.core.debug_view import DebugView
from workbench.core.exchange import Exchange, ExchangeTarget, SendError, SentRequest
from workbench.core.frozen import set_at_once


def _both() -> tuple[type, type]:
    """The same frozen dataclass twice: as dataclasses makes it, and set at once."""

    def make() -> type:
        @dataclass(frozen=True)
        class Value:
            name: str
            count: int = 0
            tags: list[str] = field(default_factory=list)
            meta: dict[str, Any] = field(default_factory=dict, compare=False)
            fixed: str = field(default="fixed", init=False)
            made: list[str] = field(default_factory=lambda: ["made"], init=False)
            derived: str = field(init=False)

            def __post_init__(self) -> None:
                object.__setattr__(self, "derived", f"{self.name}:{self.count}:{self.fixed}")

        return Value

    return make(), set_at_once(make())


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("a",), {}),
        (("a", 2), {}),
        (("a",), {"tags": ["x"], "meta": {"k": 1}}),
        ((), {"name": "a", "count": 3, "tags": []}),
    ],
)
def test_the_same_fields_in_the_same_order(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    plain, quick = _both()
    expected = plain(*args, **kwargs).__dict__
    got = quick(*args, **kwargs).__dict__
    assert got == expected
    assert list(got) == list(expected)


def test_each_instance_gets_its_own_factory_values() -> None:
    _, quick = _both()
    first, second = quick("a"), quick("b")
    assert first.tags is not second.tags
    assert first.made is not second.made


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), (("a",), {"bogus": 1}), (("a", 1, [], {}, "extra"), {}), (("a",), {"fixed": "x"})],
)
def test_wrong_arguments_are_refused_as_by_the_dataclass(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    plain, quick = _both()
    with pytest.raises(TypeError):
        plain(*args, **kwargs)
    with pytest.raises(TypeError):
        quick(*args, **kwargs)


def test_the_value_stays_frozen_and_replace_works() -> None:
    _, quick = _both()
    value = quick("a", 1)
    with pytest.raises(FrozenInstanceError):
        value.count = 2  # type: ignore[misc]
    changed = replace(value, count=5)
    assert changed.count == 5
    assert changed.derived == "a:5:fixed"


def test_what_it_cannot_do_it_refuses() -> None:
    @dataclass(frozen=True)
    class WithInitVar:
        name: str
        seed: InitVar[int] = 0

        def __post_init__(self, seed: int) -> None:
            pass

    @dataclass
    class NotFrozen:
        name: str

    @dataclass(frozen=True, slots=True)
    class Slotted:
        name: str

    for cls in (WithInitVar, NotFrozen, Slotted):
        with pytest.raises(TypeError):
            set_at_once(cls)


@pytest.mark.parametrize("cls", [DebugView, SentRequest, Exchange])
def test_the_values_built_on_every_send_fill_every_field(cls: type) -> None:
    required = {
        DebugView: {"format": "current"},
        SentRequest: {
            "method": "POST",
            "url": "http://h/track",
            "route": "/track",
            "headers": {},
            "body": {"events": [{"type": "page-view"}]},
            "body_text": "{}",
        },
        Exchange: {
            "id": "x",
            "started_at": "2026-12-03T07:00:00.000Z",
            "target": ExchangeTarget(),
            "request": None,
            "error": SendError("network", "down"),
        },
    }[cls]
    value = cls(**required)
    assert set(value.__dict__) == {f.name for f in fields(cls)}
    for f in fields(cls):
        if f.name in required or not f.init:
            continue
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        assert getattr(value, f.name) == default, f.name
