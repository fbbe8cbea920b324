"""The embedded, Tracardi-compatible collector (Starlette app + uvicorn in a thread).

Public API: :class:`CollectorConfig`, :class:`CollectorServer` (``start``, ``stop``,
``url``, ``port``, ``port_note``, ``running``, ``store``, ``reconfigure``,
``add_listener``/``remove_listener``), :class:`CollectorStartError`,
:class:`RequestRecord`, :class:`EventSource` and :func:`create_app`. Event
processing plugs in at :mod:`workbench.collector.processing`.
"""

from workbench.collector.app import create_app
from workbench.collector.config import CollectorConfig
from workbench.collector.records import RequestRecord
from workbench.collector.server import CollectorServer, CollectorStartError
from workbench.collector.sources import EventSource

__all__ = [
    "CollectorConfig",
    "CollectorServer",
    "CollectorStartError",
    "EventSource",
    "RequestRecord",
    "create_app",
]
