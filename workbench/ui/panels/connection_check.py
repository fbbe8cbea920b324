"""*Test connection* for a target: version, response format and (with credentials) its sources.

Runs on a worker thread (never the GUI's). It composes the admin client's calls
(``AdminReader.server_version``, ``format_for_version``, ``AdminReader.get``)
and turns every failure into one sentence the dialog can show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from workbench.client.admin import AdminError, AdminReader, format_for_version, has_credentials
from workbench.settings import TargetSettings

__all__ = ["ConnectionReport", "check_connection", "sources_from_listing"]

FORMAT_NAMES = {
    "current": "the current format (0.8.2 and later: ids only)",
    "0.8.1": "the 0.7.4–0.8.1 format",
    "documented": "the documented format (with the debugging object)",
}


@dataclass
class ConnectionReport:
    """What *Test connection* found out; ``error`` is None when the server answered."""

    version: str | None = None
    response_format: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    sources_error: str | None = None
    error: str | None = None

    def describe(self) -> str:
        """One or two lines for the dialog."""
        if self.error:
            return f"Could not connect: {self.error}"
        if self.version is None:
            lines = ["The server answered but did not say its version (GET /info/version)."]
        else:
            speaks = FORMAT_NAMES.get(self.response_format or "", self.response_format)
            lines = [f"Tracardi {self.version} — answers /track in {speaks}."]
        if self.sources_error:
            lines.append(f"Event sources not loaded: {self.sources_error}")
        elif self.sources:
            lines.append(f"{len(self.sources)} event sources loaded into the source picker.")
        else:
            lines.append("Add credentials to load the server's event sources.")
        return "\n".join(lines)


def sources_from_listing(listing: Any) -> list[dict[str, Any]]:
    """Flatten ``GET /event-sources`` (``{"total", "grouped": {group: [source…]}}``)."""
    if isinstance(listing, list):
        return [s for s in listing if isinstance(s, dict)]
    if not isinstance(listing, dict):
        return []
    grouped = listing.get("grouped")
    if isinstance(grouped, dict):
        return [
            s
            for group in grouped.values()
            if isinstance(group, list)
            for s in group
            if isinstance(s, dict)
        ]
    result = listing.get("result")
    return [s for s in result if isinstance(s, dict)] if isinstance(result, list) else []


def check_connection(target: TargetSettings, reader: AdminReader | None = None) -> ConnectionReport:
    """Ask *target* for its version and, with credentials, its event sources (blocking)."""
    reader = reader if reader is not None else AdminReader()
    report = ConnectionReport()
    url = target.base_url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        report.error = f"the URL must start with http:// or https:// (got {target.base_url!r})"
        return report
    try:
        with httpx.Client(
            verify=target.verify_tls, headers=dict(target.headers), timeout=target.timeout
        ) as client:
            try:
                client.get(url + "/info/version")
            except httpx.HTTPError as exc:
                report.error = f"{url} did not answer ({type(exc).__name__}: {exc})"
                return report
            report.version = reader.server_version(client, target)
            if report.version is not None:
                try:
                    report.response_format = format_for_version(report.version)
                except ValueError:
                    report.response_format = None
            if has_credentials(target):
                try:
                    report.sources = sources_from_listing(
                        reader.get(client, target, "/event-sources")
                    )
                except (AdminError, httpx.HTTPError) as exc:
                    report.sources_error = str(exc)
    except (OSError, ValueError) as exc:  # e.g. a bad CA bundle or a malformed URL
        report.error = str(exc)
    return report
