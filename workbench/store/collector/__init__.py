"""The embedded collector's data: profiles, sessions, events and sources, kept in memory.

:mod:`~workbench.store.collector.store` holds :class:`CollectorStore` (re-exported
here); :mod:`~workbench.store.collector.journal` makes it durable;
:mod:`~workbench.store.collector.codec` is the fast JSON both use;
:mod:`~workbench.store.collector.sources` is the event-source model.
"""

from workbench.store.collector.store import CollectorStore

__all__ = ["CollectorStore"]
