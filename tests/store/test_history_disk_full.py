"""History on a full disk (a real tmpfs filled to ENOSPC): a clear error, no half line, and
appends resume once there is room; nothing that was acknowledged is lost."""

from __future__ import annotations

import errno

import pytest

from tests.small_disk import SmallDisk, small_disk
from workbench.core.exchange import Exchange
from workbench.store.history import HistoryStore

__all__ = ["small_disk"]


def _exchange(marker: str) -> Exchange:
    return Exchange.from_dict(
        {
            "id": f"id-{marker}",
            "request": {
                "method": "POST",
                "url": "http://127.0.0.1:8686/track",
                "body": {"m": marker},
            },
            "response": {"status": 200, "json": {"profile": {"id": "p"}, "pad": "x" * 2000}},
        }
    )


def test_a_full_disk_refuses_an_append_cleanly_and_appends_resume(small_disk: SmallDisk) -> None:
    folder = small_disk.path / "history"
    store = HistoryStore(folder, segment_size=8)
    try:
        acknowledged = []
        for i in range(12):  # one sealed segment and some journal lines
            acknowledged.append(store.append(_exchange(f"before-{i}")).id)
        journal = folder / "journal.jsonl"
        size = journal.stat().st_size
        small_disk.fill()
        assert small_disk.is_full()
        with pytest.raises(OSError) as raised:
            for i in range(20):  # fill the last page too
                store.append(_exchange(f"full-{i}"))
        assert raised.value.errno == errno.ENOSPC
        assert "No space left on device" in str(raised.value)
        assert journal.read_bytes().endswith(b"\n")  # no half line left behind
        assert journal.stat().st_size >= size
        small_disk.free()
        acknowledged.append(store.append(_exchange("after")).id)
    finally:
        store.close()
    reopened = HistoryStore(folder, segment_size=8)
    try:
        assert reopened.notices == []  # nothing damaged to move aside
        for entry_id in acknowledged:
            assert reopened.get(entry_id) is not None, entry_id
    finally:
        reopened.close()
