from __future__ import annotations

from workbench.core.masking import MASK, mask_headers, mask_json, mask_text, mask_url


def test_headers() -> None:
    out = mask_headers({"Authorization": "Bearer abc", "Content-Type": "json", "X-Api-Key": "k"})
    assert out == {"Authorization": MASK, "Content-Type": "json", "X-Api-Key": MASK}


def test_json_nested_and_input_untouched() -> None:
    doc = {"user": {"password": "pw", "name": "n"}, "items": [{"access_token": "t"}]}
    assert mask_json(doc) == {
        "user": {"password": MASK, "name": "n"},
        "items": [{"access_token": MASK}],
    }
    assert doc["user"]["password"] == "pw"


def test_url_and_text() -> None:
    assert mask_url("https://u:pw@h/x?token=1&a=2") == f"https://u:{MASK}@h/x?token={MASK}&a=2"
    assert mask_text("id pw123 here", ["pw123"]) == f"id {MASK} here"
