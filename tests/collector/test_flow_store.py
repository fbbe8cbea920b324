"""The flow store: checked puts in order, persistence, packs, corrupt files moved aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.core.flow import DefinitionError, FlowConfig
from workbench.store.flow_store import FLOW_FILE, FlowStore

RULE = {
    "id": "views",
    "event_type": "page-view",
    "operations": [{"op": "increment", "target": "profile@stats.views"}],
}
SEGMENT = {"id": "engaged", "condition": "profile@stats.views >= 3"}
SCHEMA = {"event_type": "search", "properties": {"type": "object", "required": ["query"]}}


def test_put_get_list_delete_in_memory() -> None:
    store = FlowStore(None)
    assert store.config == FlowConfig()
    assert store.path is None
    store.put("rules", RULE)
    store.put("rules", {**RULE, "id": "second"})
    store.put("rules", {**RULE, "name": "renamed"})  # replaced in place
    assert [r["id"] for r in store.list("rules")] == ["views", "second"]
    assert store.get("rules", "views")["name"] == "renamed"
    assert store.get("rules", "nope") is None
    store.put("segments", SEGMENT)
    store.put("schemas", SCHEMA, item_id="search")
    assert store.config.schema_for("search") is not None
    assert store.delete("rules", "second") is True
    assert store.delete("rules", "second") is False
    assert [r.id for r in store.config.rules] == ["views"]


def test_put_rejects_bad_definitions_and_changes_nothing() -> None:
    store = FlowStore(None)
    store.put("segments", SEGMENT)
    before = store.config
    with pytest.raises(DefinitionError, match=r"condition: .*at character 21"):
        store.put("segments", {**SEGMENT, "condition": "profile@stats.views = 3"})
    with pytest.raises(DefinitionError, match="does not match 'other'"):
        store.put("segments", SEGMENT, item_id="other")
    with pytest.raises(KeyError, match="unknown kind 'flows'"):
        store.list("flows")
    assert store.config is before


def test_observers_see_each_change() -> None:
    store = FlowStore(None)
    seen: list[int] = []
    store.add_observer(lambda config: seen.append(len(config.rules)))
    store.put("rules", RULE)
    store.delete("rules", "views")
    assert seen == [1, 0]


def test_persists_across_reopen(tmp_path: Path) -> None:
    store = FlowStore(tmp_path)
    store.load_pack("demo")
    store.put("rules", RULE)
    expected = store.export()
    store.close()
    reopened = FlowStore(tmp_path)
    assert reopened.export() == expected
    assert reopened.notice is None
    assert [r["id"] for r in reopened.list("rules")][-1] == "views"
    reopened.close()


def test_packs() -> None:
    store = FlowStore(None)
    assert len(store.load_pack("demo").segments) == 11
    assert {r.id for r in store.load_pack("predefined").rules} >= {"predefined-page-view"}
    assert store.load_pack("empty").empty
    with pytest.raises(DefinitionError, match="unknown pack 'nope'"):
        store.load_pack("nope")


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"rules": {"1": {"id": "x", "position": 1, "definition": {"id": "x"}}}}),
        json.dumps({"rules": {"1": {"nothing": True}}}),
        "[1, 2]",
    ],
)
def test_corrupt_file_is_moved_aside(tmp_path: Path, content: str) -> None:
    (tmp_path / FLOW_FILE).write_text(content, encoding="utf-8")
    store = FlowStore(tmp_path)
    assert store.config.empty
    assert store.notice is not None
    assert "moved aside" in store.notice.message
    moved = list(tmp_path.glob(f"{FLOW_FILE}.corrupt-*"))
    assert len(moved) == 1
    assert moved[0].read_text(encoding="utf-8") == content
    store.put("rules", RULE)
    assert FlowStore(tmp_path).list("rules")[0]["id"] == "views"


def test_puts_after_a_whole_replace_keep_every_definition(tmp_path: Path) -> None:
    store = FlowStore(tmp_path)
    store.put("rules", RULE)  # TinyDB would now cache its next document id
    store.load_pack("demo")
    store.put("rules", {**RULE, "id": "after-replace"})
    store.put("segments", SEGMENT)
    ids = [r["id"] for r in store.list("rules")]
    assert len(ids) == 13
    assert ids[-1] == "after-replace"
    assert FlowStore(tmp_path).export() == store.export()


def test_a_put_that_conflicts_with_other_rules_names_its_own_field() -> None:
    store = FlowStore(None)
    store.put(
        "rules",
        {
            **RULE,
            "id": "text",
            "operations": [
                {"op": "set", "target": "profile@stats.counters.x", "from": "event@properties.x"},
                {"op": "set", "target": "profile@traits.level", "value": "gold"},
            ],
        },
    )
    with pytest.raises(DefinitionError) as info:
        store.put(
            "rules", {**RULE, "operations": [{"op": "increment", "target": "profile@traits.level"}]}
        )
    assert info.value.field == "operations[0].target"
    assert "sets profile@traits.level to a string" in info.value.message
    counting = {
        **RULE,
        "id": "count",
        "operations": [{"op": "increment", "target": "profile@traits.points"}],
    }
    store.put("rules", counting)
    with pytest.raises(DefinitionError) as info:
        store.put(
            "rules",
            {
                **RULE,
                "id": "text",
                "operations": [{"op": "set", "target": "profile@traits.points", "value": "many"}],
            },
        )
    assert info.value.field == ""
    assert info.value.message.startswith("conflicts with the stored flow at rules[1]")
