"""Real embedded collectors, one per answer format, for the suites that send to each."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from workbench.collector import CollectorConfig, CollectorServer

__all__ = ["collectors_per_format"]


@contextmanager
def collectors_per_format(formats: Iterable[str]) -> Iterator[dict[str, CollectorServer]]:
    """A started in-memory collector on 127.0.0.1 (port 0) for each format, stopped after."""
    servers = {
        fmt: CollectorServer(CollectorConfig(port=0, data_dir=None, response_format=fmt))
        for fmt in formats
    }
    try:
        for server in servers.values():
            server.start()
        yield servers
    finally:
        for server in servers.values():
            server.stop()
