"""The collector on a full disk (a real tmpfs filled to ENOSPC): tracking is refused with a
503 that says why, nothing is acknowledged that is not on disk, and tracking resumes once
there is room again."""

from __future__ import annotations

from typing import Any

import httpx

from tests.collector.helpers import minimal
from tests.small_disk import SmallDisk, small_disk
from workbench.collector import CollectorConfig, CollectorServer
from workbench.store.collector.store import CollectorStore

__all__ = ["small_disk"]


def _marked(marker: str) -> dict[str, Any]:
    return minimal(
        events=[{"type": "page-view", "properties": {"marker": marker, "pad": "x" * 500}}]
    )


def test_a_full_disk_gets_503_and_tracking_resumes_after(small_disk: SmallDisk) -> None:
    data = small_disk.path / "collector"
    server = CollectorServer(CollectorConfig(port=0, data_dir=data, accept_any_source=True))
    server.start()
    acknowledged: list[str] = []
    refused = 0
    try:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            for i in range(3):
                assert http.post("/track", json=_marked(f"before-{i}")).status_code == 200
                acknowledged.append(f"before-{i}")
            small_disk.fill()
            answers = []
            for i in range(5):  # the last page of the journal fills too
                answer = http.post("/track", json=_marked(f"full-{i}"))
                answers.append(answer)
                if answer.status_code == 200:
                    acknowledged.append(f"full-{i}")
            refused = sum(1 for a in answers if a.status_code == 503)
            assert refused >= 1
            failed = next(a for a in answers if a.status_code == 503)
            assert "could not write" in failed.json()["detail"]
            assert "No space left on device" in failed.json()["detail"]
            assert failed.headers["retry-after"] == "1"
            stats = http.get("/_workbench/stats").json()
            assert "No space left on device" in stats["write_error"]
            small_disk.free()
            assert http.post("/track", json=_marked("after")).status_code == 200
            acknowledged.append("after")
            assert http.get("/_workbench/stats").json()["write_error"] is None
    finally:
        server.stop()
    store = CollectorStore(data)
    try:
        markers = {e["properties"].get("marker") for e in store.list_events(limit=1000)}
        assert set(acknowledged) <= markers
        assert store.notice is None  # no damaged line: the journal reads back clean
    finally:
        store.close()
    print(f"\nfull disk: {len(acknowledged)} acknowledged and kept, {refused} refused with 503")
