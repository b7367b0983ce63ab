"""The admin routes that add a page (Notion) or an item (Webflow) to a running sandbox, as the
hostile-content tests load fixtures/hostile/: what they add is served like the seed."""

from __future__ import annotations

import json

import httpx

from tests.conftest import REPO
from tests.connectors.test_notion_sandbox import call, children, ok, plain
from tests.connectors.test_webflow_sandbox import FEATURES, assert_in_spec

HOSTILE = REPO / "fixtures" / "hostile"


def test_an_added_notion_page_is_searched_and_read_like_a_seed_page(sandbox):
    seed = json.loads((HOSTILE / "notion-page.json").read_text(encoding="utf-8"))
    added = sandbox.post("pages", seed)
    assert added == {"id": seed["id"], "blocks": 3}
    found = ok(call(sandbox, "POST", "/v1/search", body={}))["results"][0]
    assert found["id"] == seed["id"] and plain(found["properties"]["title"]["title"]).startswith("Partner FAQ ![x]")
    texts = [plain(block[block["type"]]["rich_text"]) for block in children(sandbox, seed["id"])]
    assert texts[1].startswith("Our chatbot answers from your docs.") and "\x1b[8mhidden" in texts[1]


def test_adding_a_notion_page_twice_or_without_a_uuid_is_refused(sandbox):
    seed = json.loads((HOSTILE / "notion-page.json").read_text(encoding="utf-8"))
    sandbox.post("pages", seed)
    for body, status in ((seed, 409), ({**seed, "id": "not-a-uuid"}, 400), ({"id": seed["id"][:-1] + "0"}, 400)):
        response = httpx.post(f"{sandbox.base_url}/_sandbox/pages", json=body, timeout=10)
        assert response.status_code == status and "error" in response.json()


def test_an_added_webflow_item_is_staged_and_live_in_webflows_shape(webflow):
    body = json.loads((HOSTILE / "webflow-item.json").read_text(encoding="utf-8"))
    item = webflow.post("items", body)
    staged = assert_in_spec(webflow.response(f"/collections/{FEATURES}/items/{item['id']}"),
                            "/collections/{collection_id}/items/{item_id}")
    live = assert_in_spec(webflow.response(f"/collections/{FEATURES}/items/{item['id']}/live"),
                          "/collections/{collection_id}/items/{item_id}/live")
    assert staged["fieldData"] == live["fieldData"] == body["fieldData"]
    assert staged["lastPublished"] and not staged["isDraft"]


def test_an_item_for_no_collection_or_with_bad_fields_is_refused(webflow):
    body = json.loads((HOSTILE / "webflow-item.json").read_text(encoding="utf-8"))
    for wrong, status in (({**body, "collection": "nope"}, 404), ({**body, "fieldData": {"colour": "red"}}, 400),
                          ({**body, "fieldData": {**body["fieldData"], "name": ""}}, 400)):
        response = httpx.post(f"{webflow.base_url}/_sandbox/items", json=wrong, timeout=10)
        assert response.status_code == status, response.text
