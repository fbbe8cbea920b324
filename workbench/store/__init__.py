"""Storage: TinyDB behind classes of ours, and atomic file writes."""

from workbench.store.atomic import StoreNotice, atomic_write_bytes, atomic_write_json, move_aside

__all__ = ["StoreNotice", "atomic_write_bytes", "atomic_write_json", "move_aside"]
