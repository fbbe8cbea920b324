"""A fresh, in-memory embedded collector for one run of journeys (what CI uses).

Nothing is written to disk and nothing else needs to be installed or started:
the collector binds a free port on 127.0.0.1, optionally loads the demo event
flow or a flow file, and stops (thread and socket gone) when the block ends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.collector import CollectorConfig, CollectorServer
from workbench.collector.flow_routes import flow_store_of
from workbench.core.flow.operations import DefinitionError

__all__ = ["FlowFileError", "fresh_collector"]


class FlowFileError(ValueError):
    """The flow file given to the collector cannot be used; the message says why."""


@contextmanager
def fresh_collector(
    *, flow: str | Path | None = None, response_format: str = "documented"
) -> Iterator[CollectorServer]:
    """A started in-memory collector; *flow* is ``"demo"`` or the path of a flow file."""
    server = CollectorServer(
        CollectorConfig(port=0, data_dir=None, response_format=response_format)  # type: ignore[arg-type]
    )
    try:
        if flow is not None:
            store = flow_store_of(server.app)
            try:
                if flow == "demo":
                    store.load_pack("demo")
                else:
                    path = Path(flow)
                    store.replace(json.loads(path.read_text(encoding="utf-8")))
            except OSError as exc:
                raise FlowFileError(
                    f"cannot read the flow file {flow}: {exc.strerror or exc}"
                ) from None
            except json.JSONDecodeError as exc:
                raise FlowFileError(
                    f"{flow} is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
                ) from None
            except DefinitionError as exc:
                raise FlowFileError(f"{flow} is not a valid event flow: {exc}") from None
        server.start()
        yield server
    finally:
        server.stop()
