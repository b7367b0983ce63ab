"""The Notion sandbox over real HTTP: Notion's errors, shapes and pagination, and the admin API.

Expectations come from the seed files (connectors/sandbox/seeds/notion/) and from Notion's own
responses recorded for API version 2025-09-03 (fixtures/api-shapes/notion/).
"""

from __future__ import annotations

import atexit
import json
import math
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from connectors.sandbox import seeds
from connectors.sandbox.notion_workspace import BOT_USER_ID, OUTSIDE_EDITOR_ID

VERSION = "2025-09-03"
SEED_DIR = seeds.SEEDS / "notion"
EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "api-shapes" / "notion"
SEEDS = [json.loads(p.read_text(encoding="utf-8")) for p in seeds.seed_files(SEED_DIR / "pages", ".json")]
DATABASES = [json.loads(p.read_text(encoding="utf-8")) for p in seeds.seed_files(SEED_DIR / "databases", ".json")]
LIVE = [s for s in SEEDS if not s.get("in_trash")]
# What search returns with no filter: the live pages and each database's data source.
SEARCHED = len(LIVE) + len(DATABASES)
TRASHED = [s for s in SEEDS if s.get("in_trash")]
ERROR_KEYS = {"object", "status", "code", "message", "request_id"}
# One client for the process: a new httpx client per request costs ~30 ms (its SSL context).
# Closed at exit, not with this module: other test modules call the sandbox through `call`.
HTTP = httpx.Client(timeout=10)
atexit.register(HTTP.close)


def seed_title_items(seed: dict) -> list[dict]:
    """The seed's title property: "title" on a page, named by the database's schema on a row."""
    return next(v["title"] for v in seed["properties"].values() if "title" in v)


def seed_titled(title: str) -> dict:
    return next(s for s in SEEDS if "".join(i["text"]["content"] for i in seed_title_items(s)) == title)


PRODUCT = seed_titled("Product overview")
ARCHIVE = seed_titled("Archive")
FAQ = seed_titled("FAQ")


def call(sandbox, method: str, path: str, *, token: str | None = "default", version: str | None = VERSION,
         body: dict | None = None, params: dict | None = None) -> httpx.Response:
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {sandbox.token if token == 'default' else token}"
    if version is not None:
        headers["Notion-Version"] = version
    return HTTP.request(method, f"{sandbox.base_url}{path}", headers=headers, json=body, params=params)


def ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def children(sandbox, block_id: str) -> list[dict]:
    return ok(call(sandbox, "GET", f"/v1/blocks/{block_id}/children"))["results"]


def plain(rich_text: list[dict]) -> str:
    return "".join(item["plain_text"] for item in rich_text)


def seed_plain(rich_text: list[dict]) -> str:
    return "".join(i.get("plain_text") or i.get("text", {}).get("content", "") for i in rich_text)


def assert_notion_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert (body["object"], body["status"], body["code"]) == ("error", status, code)
    assert isinstance(body["message"], str) and body["message"]
    uuid.UUID(body["request_id"])
    return body


def minute_bounds() -> tuple[str, str]:
    """Notion-format stamps of the current minute and the next one (an edit lands in between)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M:00.000Z"
    return now.strftime(fmt), (now + timedelta(minutes=1)).strftime(fmt)


# -- auth, headers, routes, validation ----------------------------------------------------------


@pytest.mark.parametrize("token", ["ntn_wrong_token", "upper", None], ids=["wrong", "wrong-case", "missing"])
def test_a_wrong_or_missing_token_gets_401_with_notions_error_body(sandbox, token):
    token = sandbox.token.upper() if token == "upper" else token
    response = call(sandbox, "POST", "/v1/search", token=token, body={})
    assert_notion_error(response, 401, "unauthorized")


def test_a_basic_auth_header_is_not_a_bearer_token(sandbox):
    response = HTTP.get(f"{sandbox.base_url}/v1/pages/{PRODUCT['id']}", auth=("user", sandbox.token),
                         headers={"Notion-Version": VERSION})
    assert_notion_error(response, 401, "unauthorized")


def test_missing_notion_version_is_400_missing_version(sandbox):
    body = assert_notion_error(call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}", version=None), 400, "missing_version")
    assert "Notion-Version" in body["message"]


@pytest.mark.parametrize(
    "method,path",
    [("GET", "/v1/comments"), ("GET", "/v2/search"), ("POST", "/v1/pages"), ("DELETE", "/v1/blocks/{id}")],
)
def test_an_unknown_route_is_400_invalid_request_url(sandbox, method, path):
    response = call(sandbox, method, path.format(id=PRODUCT["id"]))
    assert_notion_error(response, 400, "invalid_request_url")


@pytest.mark.parametrize("size", [101, 0, "ten"])
def test_search_page_size_outside_1_to_100_is_400_validation_error(sandbox, size):
    assert_notion_error(call(sandbox, "POST", "/v1/search", body={"page_size": size}), 400, "validation_error")


def test_children_page_size_101_is_400_validation_error(sandbox):
    response = call(sandbox, "GET", f"/v1/blocks/{PRODUCT['id']}/children", params={"page_size": 101})
    assert_notion_error(response, 400, "validation_error")


def test_page_size_100_is_accepted(sandbox):
    assert len(ok(call(sandbox, "POST", "/v1/search", body={"page_size": 100}))["results"]) == SEARCHED


@pytest.mark.parametrize(
    "path,field",
    [("/v1/pages/not-a-uuid", "page_id"), ("/v1/blocks/1234", "block_id"), ("/v1/blocks/xyz/children", "block_id")],
)
def test_a_malformed_id_is_400_validation_error(sandbox, path, field):
    body = assert_notion_error(call(sandbox, "GET", path), 400, "validation_error")
    assert f"path.{field} should be a valid uuid" in body["message"]


@pytest.mark.parametrize("path", ["/v1/pages/{id}", "/v1/blocks/{id}", "/v1/blocks/{id}/children"])
def test_an_unknown_id_is_404_object_not_found(sandbox, path):
    missing = str(uuid.uuid4())
    body = assert_notion_error(call(sandbox, "GET", path.format(id=missing)), 404, "object_not_found")
    assert missing in body["message"]


def test_a_block_id_is_not_a_page(sandbox):
    block = children(sandbox, PRODUCT["id"])[0]
    assert_notion_error(call(sandbox, "GET", f"/v1/pages/{block['id']}"), 404, "object_not_found")


def test_ids_without_dashes_are_accepted(sandbox):
    page = ok(call(sandbox, "GET", f"/v1/pages/{PRODUCT['id'].replace('-', '')}"))
    assert page["id"] == PRODUCT["id"]


# -- search -------------------------------------------------------------------------------------


def test_search_returns_every_live_page_and_no_trashed_one(sandbox):
    results = ok(call(sandbox, "POST", "/v1/search", body={"filter": {"property": "object", "value": "page"}}))["results"]
    ids = [page["id"] for page in results]
    assert sorted(ids) == sorted(s["id"] for s in LIVE)
    assert TRASHED and not {s["id"] for s in TRASHED} & set(ids)
    assert all(page["object"] == "page" and page["in_trash"] is False for page in results)


def test_search_is_sorted_by_last_edited_time_descending(sandbox):
    body = {"sort": {"direction": "descending", "timestamp": "last_edited_time"}}
    times = [page["last_edited_time"] for page in ok(call(sandbox, "POST", "/v1/search", body=body))["results"]]
    seeded = [s["last_edited_time"] for s in LIVE + DATABASES]
    assert times == sorted(seeded, reverse=True)
    assert len(set(times)) > 1


def test_search_paginates_with_has_more_and_next_cursor(sandbox):
    everything = [p["id"] for p in ok(call(sandbox, "POST", "/v1/search", body={}))["results"]]
    collected, cursor, calls = [], None, 0
    while True:
        body = {"page_size": 7} | ({"start_cursor": cursor} if cursor else {})
        page = ok(call(sandbox, "POST", "/v1/search", body=body))
        calls += 1
        assert page["object"] == "list" and len(page["results"]) <= 7
        collected += [p["id"] for p in page["results"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        assert len(page["results"]) == 7
        assert page["next_cursor"] == everything[len(collected)], "the cursor is the next page's first id"
        cursor = page["next_cursor"]
    assert collected == everything
    assert calls == math.ceil(SEARCHED / 7)


def test_search_with_an_unknown_start_cursor_is_400(sandbox):
    response = call(sandbox, "POST", "/v1/search", body={"start_cursor": str(uuid.uuid4())})
    assert_notion_error(response, 400, "validation_error")


def test_search_query_matches_titles_case_insensitively(sandbox):
    results = ok(call(sandbox, "POST", "/v1/search", body={"query": "PRICING"}))["results"]
    expected = {s["id"] for s in LIVE if "pricing" in seed_plain(seed_title_items(s)).lower()}
    assert len(expected) >= 2
    assert {p["id"] for p in results} == expected


# -- block children -----------------------------------------------------------------------------


def test_children_are_the_seed_blocks_in_order_then_child_pages(sandbox):
    results = children(sandbox, PRODUCT["id"])
    seeded = PRODUCT["children"]
    assert [b["type"] for b in results[: len(seeded)]] == [c["type"] for c in seeded]
    child_pages = [s for s in LIVE if s.get("parent", {}).get("page_id") == PRODUCT["id"]]
    tail = results[len(seeded):]
    assert [b["type"] for b in tail] == ["child_page"] * len(child_pages)
    assert [b["id"] for b in tail] == [s["id"] for s in child_pages]
    assert [b["child_page"]["title"] for b in tail] == [seed_plain(s["properties"]["title"]["title"]) for s in child_pages]


def test_a_trashed_page_is_not_a_child_page_of_its_parent(sandbox):
    titles = [b["child_page"]["title"] for b in children(sandbox, ARCHIVE["id"]) if b["type"] == "child_page"]
    expected = [seed_plain(s["properties"]["title"]["title"]) for s in LIVE
                if s.get("parent", {}).get("page_id") == ARCHIVE["id"]]
    assert titles == expected
    assert seed_plain(TRASHED[0]["properties"]["title"]["title"]) not in titles


def test_list_children_paginates(sandbox):
    everything = [b["id"] for b in children(sandbox, PRODUCT["id"])]
    assert len(everything) > 10
    collected, cursor, calls = [], None, 0
    while True:
        params = {"page_size": 4} | ({"start_cursor": cursor} if cursor else {})
        page = ok(call(sandbox, "GET", f"/v1/blocks/{PRODUCT['id']}/children", params=params))
        calls += 1
        assert page["type"] == "block"
        collected += [b["id"] for b in page["results"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        assert page["next_cursor"] == everything[len(collected)]
        cursor = page["next_cursor"]
    assert collected == everything
    assert calls == math.ceil(len(everything) / 4)


def test_nested_blocks_are_listed_under_their_parent_block(sandbox):
    toggle_position = next(i for i, c in enumerate(FAQ["children"]) if c["type"] == "toggle")
    toggle = children(sandbox, FAQ["id"])[toggle_position]
    seeded = FAQ["children"][toggle_position]["toggle"]["children"]
    assert toggle["type"] == "toggle" and toggle["has_children"] is True
    nested = children(sandbox, toggle["id"])
    assert [plain(b[b["type"]]["rich_text"]) for b in nested] == [seed_plain(c[c["type"]]["rich_text"]) for c in seeded]
    assert all(b["parent"] == {"type": "block_id", "block_id": toggle["id"]} for b in nested)


# -- shapes against Notion's recorded responses -------------------------------------------------


def _keys(payload: dict) -> set[str]:
    return set(payload) - {"request_id", "_request"}


def test_retrieve_page_shape_matches_notions(sandbox):
    real = json.loads((EXAMPLES / "retrieve_page.json").read_text())
    page = ok(call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}"))
    assert _keys(page) == _keys(real)
    assert "request_id" in page
    for key in ("parent", "created_by", "last_edited_by"):
        assert set(page[key]) == set(real[key]), key
    assert set(page["properties"]["title"]) == set(real["properties"]["title"])
    item, real_item = page["properties"]["title"]["title"][0], real["properties"]["title"]["title"][0]
    assert set(item) == set(real_item)
    assert set(item["annotations"]) == set(real_item["annotations"])
    assert page["object"] == "page" and page["in_trash"] is False and page["archived"] is False


def _real_block() -> dict:
    return json.loads((EXAMPLES / "list_block_children_paginated_p1.json").read_text())["results"][0]


def _sandbox_paragraph(sandbox) -> dict:
    return next(b for b in children(sandbox, PRODUCT["id"]) if b["type"] == "paragraph")


def test_block_shape_matches_notions(sandbox):
    real, block = _real_block(), _sandbox_paragraph(sandbox)
    assert real["type"] == "paragraph"
    assert set(block) == set(real)
    assert set(block["parent"]) == set(real["parent"])
    item, real_item = block["paragraph"]["rich_text"][0], real["paragraph"]["rich_text"][0]
    assert set(item) == set(real_item)
    assert set(item["text"]) == set(real_item["text"])
    assert set(item["annotations"]) == set(real_item["annotations"])


def test_paragraph_body_keys_match_notions(sandbox):
    assert set(_sandbox_paragraph(sandbox)["paragraph"]) == set(_real_block()["paragraph"])


# -- writes ---------------------------------------------------------------------------------------


def test_patch_block_rich_text_updates_text_and_minute_precision_edit_times(sandbox):
    toggle_position = next(i for i, c in enumerate(FAQ["children"]) if c["type"] == "toggle")
    toggle = children(sandbox, FAQ["id"])[toggle_position]
    block = next(b for b in children(sandbox, toggle["id"]) if b["type"] == "paragraph")
    before, _ = minute_bounds()
    response = call(sandbox, "PATCH", f"/v1/blocks/{block['id']}", body={"paragraph": {"rich_text": [
        {"text": {"content": "Rewritten answer. "}, "annotations": {"bold": True}},
        {"text": {"content": "Read more", "link": {"url": "https://fernhill.example/faq"}}},
    ]}})
    _, after = minute_bounds()
    updated = ok(response)
    fetched = ok(call(sandbox, "GET", f"/v1/blocks/{block['id']}"))
    for payload in (updated, fetched):
        rich_text = payload["paragraph"]["rich_text"]
        assert plain(rich_text) == "Rewritten answer. Read more"
        assert rich_text[0]["annotations"] == {"bold": True, "italic": False, "strikethrough": False,
                                               "underline": False, "code": False, "color": "default"}
        assert rich_text[1]["href"] == "https://fernhill.example/faq"
    stamp = fetched["last_edited_time"]
    assert stamp.endswith(":00.000Z")
    assert before <= stamp <= after
    assert stamp != block["last_edited_time"]
    assert fetched["last_edited_by"]["id"] == BOT_USER_ID
    page = ok(call(sandbox, "GET", f"/v1/pages/{FAQ['id']}"))
    assert page["last_edited_time"] == stamp, "a nested block's edit touches its page"
    assert ok(call(sandbox, "GET", f"/v1/blocks/{toggle['id']}"))["last_edited_time"] == toggle["last_edited_time"]
    assert ok(call(sandbox, "POST", "/v1/search", body={}))["results"][0]["id"] == FAQ["id"]


def test_patch_block_with_the_wrong_type_body_is_400(sandbox):
    block = _sandbox_paragraph(sandbox)
    response = call(sandbox, "PATCH", f"/v1/blocks/{block['id']}",
                    body={"heading_1": {"rich_text": [{"text": {"content": "x"}}]}})
    assert_notion_error(response, 400, "validation_error")
    assert ok(call(sandbox, "GET", f"/v1/blocks/{block['id']}"))["paragraph"] == block["paragraph"]


def test_patch_page_title(sandbox):
    before, _ = minute_bounds()
    updated = ok(call(sandbox, "PATCH", f"/v1/pages/{PRODUCT['id']}", body={
        "properties": {"title": {"title": [{"text": {"content": "HelpHive product overview"}}]}}}))
    _, after = minute_bounds()
    page = ok(call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}"))
    for payload in (updated, page):
        assert plain(payload["properties"]["title"]["title"]) == "HelpHive product overview"
    assert page["last_edited_time"].endswith(":00.000Z") and before <= page["last_edited_time"] <= after
    found = ok(call(sandbox, "POST", "/v1/search", body={"query": "helphive product"}))["results"]
    assert [p["id"] for p in found] == [PRODUCT["id"]]


def test_patch_page_title_must_be_an_array(sandbox):
    response = call(sandbox, "PATCH", f"/v1/pages/{PRODUCT['id']}",
                    body={"properties": {"title": {"title": "plain string"}}})
    assert_notion_error(response, 400, "validation_error")


def test_renaming_a_page_renames_its_child_page_block(sandbox):
    call(sandbox, "PATCH", f"/v1/pages/{FAQ['id']}",
         body={"properties": {"title": {"title": [{"text": {"content": "Questions & answers"}}]}}})
    block = ok(call(sandbox, "GET", f"/v1/blocks/{FAQ['id']}"))
    assert block["child_page"]["title"] == "Questions & answers"


def test_patch_page_in_trash_removes_it_from_search(sandbox):
    ok(call(sandbox, "PATCH", f"/v1/pages/{FAQ['id']}", body={"in_trash": True}))
    ids = [p["id"] for p in ok(call(sandbox, "POST", "/v1/search", body={}))["results"]]
    assert FAQ["id"] not in ids and len(ids) == SEARCHED - 1


# -- admin: stats ---------------------------------------------------------------------------------


def test_stats_count_api_calls_per_route_and_not_admin_calls(sandbox):
    assert sandbox.stats()["total"] == 0
    call(sandbox, "POST", "/v1/search", body={})
    call(sandbox, "POST", "/v1/search", body={}, token="wrong")
    call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}")
    for _ in range(3):
        call(sandbox, "GET", f"/v1/blocks/{PRODUCT['id']}/children")
    call(sandbox, "GET", "/v1/users")
    # admin calls in between must not count
    sandbox.stats()
    sandbox.post("edit", {"id": PRODUCT["id"], "find": "HelpHive", "replace": "HelpHive"})
    sandbox.post("faults", {"clear": True})
    stats = sandbox.stats()
    assert stats["routes"] == {
        "GET /v1/blocks/{id}/children": 3,
        "GET /v1/pages/{id}": 1,
        "GET invalid": 1,
        "POST /v1/search": 2,
    }
    assert stats["total"] == 7
    assert (stats["rate_limited"], stats["faults_served"], stats["rate_limit"]) == (0, 0, None)


# -- admin: edit ----------------------------------------------------------------------------------


def _product_paragraph(sandbox) -> dict:
    """Seed: "Customers get " + bold "answers from your docs in seconds" + ", with ..." + link + ")..."."""
    block = children(sandbox, PRODUCT["id"])[2]
    assert plain(block["paragraph"]["rich_text"]).startswith("Customers get answers from your docs")
    return block


def test_edit_replaces_text_in_the_first_matching_block(sandbox):
    block = _product_paragraph(sandbox)
    before, _ = minute_bounds()
    result = sandbox.post("edit", {"id": PRODUCT["id"], "find": "trust what the bot says",
                                   "replace": "rely on every answer"})
    _, after = minute_bounds()
    assert result["block_id"] == block["id"] and result["page_id"] == PRODUCT["id"]
    assert before <= result["last_edited_time"] <= after
    fetched = ok(call(sandbox, "GET", f"/v1/blocks/{block['id']}"))
    text = plain(fetched["paragraph"]["rich_text"])
    assert "rely on every answer" in text and "trust what the bot says" not in text
    assert text == plain(block["paragraph"]["rich_text"]).replace("trust what the bot says", "rely on every answer")
    assert fetched["last_edited_by"]["id"] == OUTSIDE_EDITOR_ID
    page = ok(call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}"))
    assert page["last_edited_time"] == result["last_edited_time"]
    assert sandbox.stats()["total"] == 3, "edit itself is not an API call"


def test_edit_keeps_the_formatting_of_runs_after_the_match(sandbox):
    block = _product_paragraph(sandbox)
    original = block["paragraph"]["rich_text"]
    sandbox.post("edit", {"id": block["id"], "find": "Customers get", "replace": "Support teams give customers"})
    rich_text = ok(call(sandbox, "GET", f"/v1/blocks/{block['id']}"))["paragraph"]["rich_text"]
    assert rich_text[0]["plain_text"] == "Support teams give customers "
    assert rich_text[0]["annotations"]["bold"] is False
    assert rich_text[1:] == original[1:], "the bold run, the link and the rest are untouched"
    assert rich_text[1]["annotations"]["bold"] is True


def test_edit_across_runs_gives_the_new_words_the_first_runs_marks(sandbox):
    block = _product_paragraph(sandbox)
    original = block["paragraph"]["rich_text"]
    sandbox.post("edit", {"id": block["id"], "find": "get answers from", "replace": "see answers straight from"})
    rich_text = ok(call(sandbox, "GET", f"/v1/blocks/{block['id']}"))["paragraph"]["rich_text"]
    assert rich_text[0]["plain_text"] == "Customers see answers straight from"
    assert rich_text[0]["annotations"]["bold"] is False
    assert rich_text[1]["plain_text"] == " your docs in seconds"
    assert rich_text[1]["annotations"]["bold"] is True
    assert rich_text[2:] == original[2:]


def test_edit_is_404_when_the_text_or_the_id_is_not_found(sandbox):
    for body in ({"id": PRODUCT["id"], "find": "no such words anywhere", "replace": "x"},
                 {"id": str(uuid.uuid4()), "find": "HelpHive", "replace": "x"}):
        response = HTTP.post(f"{sandbox.base_url}/_sandbox/edit", json=body)
        assert response.status_code == 404
        assert "error" in response.json()


# -- admin: faults ---------------------------------------------------------------------------------


def test_faults_fail_the_next_count_requests_with_status_then_stop(sandbox):
    sandbox.post("faults", {"status": 503, "count": 2})
    first = call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}")
    second = call(sandbox, "POST", "/v1/search", body={})
    assert_notion_error(first, 503, "service_unavailable")
    assert_notion_error(second, 503, "service_unavailable")
    assert "retry-after" not in first.headers
    ok(call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}"))
    stats = sandbox.stats()
    assert (stats["faults_served"], stats["total"]) == (2, 3)


def test_faults_run_in_the_order_queued_and_even_hit_bad_requests(sandbox):
    sandbox.post("faults", {"status": 500})
    sandbox.post("faults", {"status": 409, "code": "conflict_error"})
    assert_notion_error(call(sandbox, "GET", "/v1/users", token="wrong"), 500, "internal_server_error")
    assert_notion_error(call(sandbox, "POST", "/v1/search", body={}), 409, "conflict_error")
    assert_notion_error(call(sandbox, "GET", "/v1/users", token="wrong"), 401, "unauthorized")


def test_a_fault_can_carry_retry_after(sandbox):
    sandbox.post("faults", {"status": 429, "retry_after": 7})
    response = call(sandbox, "POST", "/v1/search", body={})
    assert_notion_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "7"


def test_a_hanging_fault_answers_late(sandbox):
    sandbox.post("faults", {"status": 504, "hang": 0.5})
    started = time.monotonic()
    response = call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}")
    assert time.monotonic() - started >= 0.45
    assert_notion_error(response, 504, "gateway_timeout")
    started = time.monotonic()
    ok(call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}"))
    assert time.monotonic() - started < 0.4


def test_a_matching_fault_skips_other_routes_and_the_first_matches(sandbox):
    block = _sandbox_paragraph(sandbox)
    patch = {"paragraph": {"rich_text": [{"text": {"content": "Changed."}}]}}
    sandbox.post("faults", {"status": 502, "match": "PATCH /v1/blocks", "skip": 1})
    ok(call(sandbox, "GET", f"/v1/blocks/{block['id']}"))
    ok(call(sandbox, "PATCH", f"/v1/blocks/{block['id']}", body=patch))
    assert_notion_error(call(sandbox, "PATCH", f"/v1/blocks/{block['id']}", body=patch), 502, "internal_server_error")
    ok(call(sandbox, "PATCH", f"/v1/blocks/{block['id']}", body=patch))
    assert sandbox.stats()["faults_served"] == 1


def test_a_fault_with_status_0_only_slows_the_request(sandbox):
    sandbox.post("faults", {"status": 0, "hang": 0.3})
    started = time.monotonic()
    page = ok(call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}"))
    assert time.monotonic() - started >= 0.25
    assert page["id"] == PRODUCT["id"]


def test_faults_clear(sandbox):
    sandbox.post("faults", {"status": 500, "count": 5})
    assert sandbox.post("faults", {"clear": True}) == {"cleared": True}
    ok(call(sandbox, "POST", "/v1/search", body={}))
    assert sandbox.stats()["faults_served"] == 0


# -- admin: rate limit -------------------------------------------------------------------------------


def test_rate_limit_answers_a_burst_beyond_the_window_with_429(sandbox):
    result = sandbox.post("rate_limit", {"enabled": True, "rate": 5, "window_seconds": 1})
    assert result == {"rate_limit": {"rate": 5.0, "window_seconds": 1}}
    responses = [call(sandbox, "POST", "/v1/search", body={"page_size": 1}) for _ in range(8)]
    assert [r.status_code for r in responses] == [200] * 5 + [429] * 3
    for limited in responses[5:]:
        body = assert_notion_error(limited, 429, "rate_limited")
        assert limited.headers["Retry-After"] == "1"
        assert "requests" in body["message"]
    stats = sandbox.stats()
    assert (stats["rate_limited"], stats["total"]) == (3, 8)
    assert stats["rate_limit"] == {"rate": 5.0, "window_seconds": 1}

    sandbox.post("rate_limit", {"enabled": False})
    assert all(call(sandbox, "POST", "/v1/search", body={"page_size": 1}).status_code == 200 for _ in range(10))


def test_rate_limit_retry_after_is_configurable(sandbox):
    sandbox.post("rate_limit", {"enabled": True, "rate": 1, "window_seconds": 1, "retry_after": 3})
    assert call(sandbox, "POST", "/v1/search", body={}).status_code == 200
    limited = call(sandbox, "POST", "/v1/search", body={})
    assert_notion_error(limited, 429, "rate_limited")
    assert limited.headers["Retry-After"] == "3"


# -- admin: reset, generate -------------------------------------------------------------------------


def test_reset_restores_the_seed_text_and_clears_stats_and_faults(sandbox):
    block = _product_paragraph(sandbox)
    seeded = seed_plain(PRODUCT["children"][2]["paragraph"]["rich_text"])
    sandbox.post("edit", {"id": block["id"], "find": "Customers", "replace": "Visitors"})
    call(sandbox, "PATCH", f"/v1/pages/{FAQ['id']}", body={"in_trash": True})
    assert plain(ok(call(sandbox, "GET", f"/v1/blocks/{block['id']}"))["paragraph"]["rich_text"]) != seeded
    sandbox.post("faults", {"status": 500, "count": 3})

    assert sandbox.post("reset") == {"reset": True, "pages": len(SEEDS)}

    stats = sandbox.stats()
    assert (stats["total"], stats["routes"], stats["faults_served"]) == (0, {}, 0)
    restored = ok(call(sandbox, "GET", f"/v1/blocks/{block['id']}"))
    assert plain(restored["paragraph"]["rich_text"]) == seeded
    assert restored["last_edited_time"] == PRODUCT["last_edited_time"]
    assert len(ok(call(sandbox, "POST", "/v1/search", body={}))["results"]) == SEARCHED
    assert sandbox.stats()["faults_served"] == 0


def test_generate_replaces_the_workspace_with_synthetic_pages(sandbox):
    call(sandbox, "POST", "/v1/search", body={})
    assert sandbox.post("generate", {"pages": 50}) == {"pages": 50}
    assert sandbox.stats()["total"] == 0
    page = ok(call(sandbox, "POST", "/v1/search", body={"page_size": 100}))
    assert len(page["results"]) == 50 and page["has_more"] is False
    titles = {plain(p["properties"]["title"]["title"]) for p in page["results"]}
    assert titles == {f"Synthetic page {n:04d}" for n in range(1, 51)}
    assert_notion_error(call(sandbox, "GET", f"/v1/pages/{PRODUCT['id']}"), 404, "object_not_found")
    first = page["results"][0]
    assert [b for b in children(sandbox, first["id"]) if b["type"] != "child_page"], "synthetic pages have prose"
