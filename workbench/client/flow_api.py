"""The embedded collector's event-flow API (``/_workbench/flow``) as plain method calls.

The window's flow editor, "Why not?" and the presenter use it, on the task
runner (every call is blocking I/O). A definition the collector refuses comes
back as :class:`FlowApiError` with the field it names (``loc`` without the
leading ``body``), the message and, for a condition, the character of the
mistake, so an editor marks the right field without reading the text. Nothing
is half-applied: the collector checks a definition whole before it stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["FlowApi", "FlowApiError", "FlowProblem"]

_PREFIX = "/_workbench/flow"


@dataclass(frozen=True)
class FlowProblem:
    """One refusal: ``field`` is a path such as ``operations[0].target`` ('' for the whole)."""

    field: str
    message: str
    position: int | None = None
    pointer: str | None = None


@dataclass
class FlowApiError(Exception):
    """The collector refused a call (or could not be reached: ``status`` is None)."""

    status: int | None
    message: str
    problems: list[FlowProblem] = field(default_factory=list)

    def __str__(self) -> str:
        if self.problems:
            first = self.problems[0]
            where = f"{first.field}: " if first.field else ""
            return f"{where}{first.message}"
        return self.message


def _field_of(loc: list[Any]) -> str:
    parts = [p for p in loc if p != "body"]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _error(response: httpx.Response) -> FlowApiError:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = response.text[:300]
    if isinstance(detail, list):
        problems = [
            FlowProblem(
                field=_field_of(list(item.get("loc") or [])),
                message=str(item.get("msg", "")),
                position=item.get("position") if isinstance(item.get("position"), int) else None,
                pointer=item.get("pointer") if isinstance(item.get("pointer"), str) else None,
            )
            for item in detail
            if isinstance(item, dict)
        ]
        message = "; ".join(p.message for p in problems) or f"HTTP {response.status_code}"
        return FlowApiError(response.status_code, message, problems)
    return FlowApiError(response.status_code, str(detail or f"HTTP {response.status_code}"))


class FlowApi:
    """Calls on one collector (``base_url``); each call opens a short-lived client."""

    def __init__(self, base_url: str, *, timeout: float = 10.0, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # A collector bound beyond loopback requires its token on /_workbench/* routes.
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            with httpx.Client(
                base_url=self.base_url, timeout=self.timeout, headers=self.headers
            ) as client:
                response = client.request(
                    method, path, json=body if body is not None or method != "GET" else None
                )
        except httpx.HTTPError as exc:
            raise FlowApiError(
                None, f"the collector at {self.base_url} did not answer: {exc}"
            ) from None
        if response.status_code >= 400:
            raise _error(response)
        return response.json()

    def get_flow(self) -> dict[str, Any]:
        """``{"schemas", "rules", "segments", "notice"}``."""
        result: dict[str, Any] = self._call("GET", _PREFIX)
        return result

    def replace_flow(self, flow: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._call("PUT", _PREFIX, flow)
        return result

    def load_pack(self, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", f"{_PREFIX}/packs/{name}")
        return result

    def put(self, kind: str, item: dict[str, Any], item_id: str | None = None) -> dict[str, Any]:
        """Create or replace one definition; with *item_id* the one stored under that id."""
        path = f"{_PREFIX}/{kind}" + (f"/{item_id}" if item_id else "")
        result: dict[str, Any] = self._call("PUT" if item_id else "POST", path, item)
        return result

    def delete(self, kind: str, item_id: str) -> None:
        self._call("DELETE", f"{_PREFIX}/{kind}/{item_id}")

    def check_condition(self, condition: str, target: str = "segment") -> None:
        """Raise :class:`FlowApiError` (with the position) when *condition* does not parse."""
        self._call("POST", f"{_PREFIX}/check", {"condition": condition, "for": target})

    def evaluate(
        self,
        *,
        profile_id: str | None = None,
        profile: dict[str, Any] | None = None,
        event: dict[str, Any] | None = None,
        condition: str | None = None,
    ) -> dict[str, Any]:
        """Every segment's verdict (and the rules for *event*) on a profile; changes nothing."""
        body: dict[str, Any] = {}
        if profile is not None:
            body["profile"] = profile
        elif profile_id is not None:
            body["profile_id"] = profile_id
        if event is not None:
            body["event"] = event
        if condition is not None:
            body["condition"] = condition
        result: dict[str, Any] = self._call("POST", f"{_PREFIX}/evaluate", body)
        return result
