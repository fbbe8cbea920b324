"""The embedded collector's data: profiles, sessions, events and sources, kept in memory.

:mod:`~workbench.store.collector.store` holds :class:`CollectorStore` (re-exported
here); :mod:`~workbench.store.collector.journal` makes it durable;
:mod:`~workbench.store.collector.codec` is the fast JSON both use;
:mod:`~workbench.store.collector.sources` is the event-source model.
"""

from typing import Final

from workbench.store.collector.store import CollectorStore

__all__ = ["PRODUCTION_FOLDER", "CollectorStore"]

#: The subfolder of a collector's folder that holds its production data set (the
#: folder itself holds the staging one; see :mod:`workbench.collector.contexts`).
PRODUCTION_FOLDER: Final = "production"
