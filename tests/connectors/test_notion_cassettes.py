"""The real NotionConnector replayed against cassettes shaped exactly like api.notion.com.

The sandbox tests (test_notion_connector.py) check the connector against copydesk's own Notion
sandbox. These check it against responses recorded from the real API (plus a few documented
shapes no recording covers), so neither the connector nor the sandbox can drift into a Notion
of their own. Provenance of every response: fixtures/cassettes/notion/SOURCES.md.

Replay only: record_mode="none", so any request the cassette does not hold fails the test.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request as VcrRequest

from connectors.document import Block, DocumentRef, Mention, Span
from connectors.errors import AuthError, RemoteError
from connectors.notion import NotionConnector
from connectors.pacing import RetryPolicy
from tests.connectors.replay import Replayer, json_body

CASSETTES = Path(__file__).resolve().parents[2] / "fixtures" / "cassettes" / "notion"
TOKEN = "secret_test"


REPLAY = Replayer("notion")
replay = REPLAY.replay


@pytest.fixture
def connect() -> Iterator:
    """NotionConnector against https://api.notion.com (replayed, never reached), closed after the test."""
    made: list[NotionConnector] = []

    def make(**overrides) -> NotionConnector:
        options = {"base_url": "https://api.notion.com", "rate": None} | overrides
        connector = NotionConnector(TOKEN, **options)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()


def page(remote_id: str) -> DocumentRef:
    return DocumentRef(source="notion", remote_id=remote_id, kind="page")


def utc(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)


def _request(body: str | None, uri: str = "https://api.notion.com/v1/search", method: str = "POST") -> VcrRequest:
    return VcrRequest(method, uri, body, {})


# -- the matcher, and replay-only -------------------------------------------------------------


def test_json_body_matcher_accepts_the_same_json_in_another_key_order():
    sent = _request('{"sort":{"direction":"descending","timestamp":"last_edited_time"},"page_size":2}')
    stored = _request('{"page_size": 2, "sort": {"timestamp": "last_edited_time", "direction": "descending"}}')
    json_body(sent, stored)
    json_body(_request(None, method="GET"), _request("", method="GET"))


@pytest.mark.parametrize(
    "sent, stored",
    [
        ('{"page_size":3}', '{"page_size":2}'),
        ('{"page_size":2,"start_cursor":"abc"}', '{"page_size":2}'),
        ('{"filter":{"property":"object","value":"page"}}', '{"filter":{"property":"object","value":"database"}}'),
        (None, '{"page_size":2}'),
        ("not json", '{"page_size":2}'),
    ],
    ids=["other-value", "extra-key", "nested-value", "missing-body", "not-json"],
)
def test_json_body_matcher_rejects_a_different_body(sent, stored):
    with pytest.raises(AssertionError):
        json_body(_request(sent), _request(stored))


def test_json_body_matcher_is_what_vcr_matches_on(connect):
    # Same method, URL and query as the cassette's first search; only the JSON body (page_size 3) differs.
    connector = connect(page_size=3)
    with replay("search_paginated") as cassette:
        with pytest.raises(CannotOverwriteExistingCassetteException):
            list(connector.list_changed(None))
    assert cassette.play_count == 0


def test_a_request_the_cassette_does_not_hold_fails(connect):
    connector = connect(page_size=2)
    with replay("fetch_page_paginated_children"):
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.fetch(page("393abc1e-edcd-81f5-ae94-ec2d55fe98ed"))


# -- listing: POST /v1/search -----------------------------------------------------------------

PARENT_2022 = "95ba0116-6776-4c19-9e45-54e77415f03b"
SEARCH_PAGES = [  # id, iteration in the title, last_edited_time: in the order search returned them
    ("16cabc1e-edcd-81c5-9350-c6249a62f085", 4, "2024-12-30T17:22:00.000Z"),
    ("16cabc1e-edcd-8132-90ec-d6b0dcb60179", 3, "2024-12-30T17:21:00.000Z"),
    ("16cabc1e-edcd-81d0-9183-dd216812b8b6", 2, "2024-12-30T17:21:00.000Z"),
    ("16cabc1e-edcd-8111-a758-cc50bff60655", 1, "2024-12-30T17:21:00.000Z"),
    ("16cabc1e-edcd-8109-a81c-f6130ad50062", 0, "2024-12-30T17:21:00.000Z"),
]


def test_listing_follows_search_cursors_across_three_pages(connect):
    connector = connect(page_size=2)
    with replay("search_paginated") as cassette:
        listing = connector.list_changed(None)
        refs = list(listing)
        assert cassette.all_played
    assert [r.remote_id for r in refs] == [remote_id for remote_id, _, _ in SEARCH_PAGES]
    for ref, (remote_id, iteration, edited) in zip(refs, SEARCH_PAGES):
        assert ref == DocumentRef(
            source="notion",
            remote_id=remote_id,
            kind="page",
            title=f"Test Page (test_iterate_paginated_api iteration {iteration})",
            url=f"https://www.notion.so/Test-Page-test_iterate_paginated_api-iteration-{iteration}-"
            + remote_id.replace("-", ""),
            parent=PARENT_2022,
            remote_version=edited,
            updated_at=datetime.fromisoformat(edited.replace("Z", "+00:00")),
            archived=False,
        )
    assert listing.done
    assert listing.cursor == "2024-12-30T17:22:00.000Z"
    assert connector.requests_made == 3


def test_incremental_listing_stops_at_the_cursor_minus_the_margin(connect):
    # Cursor 17:24, margin 2 min: the 17:22 page is listed, the first 17:21 page ends the listing,
    # so the second and third search pages are never asked for.
    connector = connect(page_size=2)
    with replay("search_paginated") as cassette:
        listing = connector.list_changed("2024-12-30T17:24:00.000Z")
        refs = list(listing)
        assert cassette.play_count == 1
    assert [r.remote_id for r in refs] == [SEARCH_PAGES[0][0]]
    assert listing.cursor == "2024-12-30T17:24:00.000Z"
    assert connector.requests_made == 1


def test_incremental_listing_moves_the_cursor_to_the_newest_edit(connect):
    # Cursor 17:21:30 minus the margin reaches back before every page: all five are listed
    # (the margin re-lists the cursor's own minute) and the cursor advances to 17:22.
    connector = connect(page_size=2)
    with replay("search_paginated") as cassette:
        listing = connector.list_changed("2024-12-30T17:21:30.000Z")
        refs = list(listing)
        assert cassette.all_played
    assert [r.remote_id for r in refs] == [remote_id for remote_id, _, _ in SEARCH_PAGES]
    assert listing.cursor == "2024-12-30T17:22:00.000Z"


def test_listing_a_page_at_the_workspace_root_with_an_empty_title(connect):
    connector = connect()
    with replay("search_workspace_page") as cassette:
        listing = connector.list_changed(None)
        refs = list(listing)
        assert cassette.all_played
    assert refs == [
        DocumentRef(
            source="notion",
            remote_id="393abc1e-edcd-80f3-813b-e205934558c6",
            kind="page",
            title="",
            url="https://app.notion.com/p/393abc1eedcd80f3813be205934558c6",
            parent="",
            remote_version="2026-07-04T09:11:00.000Z",
            updated_at=utc("2026-07-04T09:11"),
            archived=False,
        )
    ]
    assert listing.cursor == "2026-07-04T09:11:00.000Z"


# -- fetch: GET /v1/pages/{id} and GET /v1/blocks/{id}/children --------------------------------

PAGE_B = "393abc1e-edcd-814b-aee5-cf69471e5a43"
PARAGRAPHS_B = [
    "393abc1e-edcd-81b4-97e4-e74d4867a8a1",
    "393abc1e-edcd-813d-9f29-e8c616b0f017",
    "393abc1e-edcd-817b-900d-c75ec8d2f272",
    "393abc1e-edcd-8186-8baf-db45a5b6fdba",
    "393abc1e-edcd-81d2-b73d-feaa29f12025",
]


def test_fetch_follows_block_children_cursors(connect):
    connector = connect(page_size=2)
    with replay("fetch_page_paginated_children") as cassette:
        document = connector.fetch(page(PAGE_B))
        assert cassette.all_played
    assert connector.requests_made == 5  # the page, three children pages, its last editor (users.retrieve)
    title = "Test 2026-07-04 11:08:14.736683"
    assert document.ref == DocumentRef(
        source="notion",
        remote_id=PAGE_B,
        kind="page",
        title=title,
        url="https://app.notion.com/p/Test-2026-07-04-11-08-14-736683-393abc1eedcd814baee5cf69471e5a43",
        parent="393abc1e-edcd-80f3-813b-e205934558c6",
        remote_version="2026-07-04T09:08:00.000Z",
        updated_at=utc("2026-07-04T09:08"),
        edited_by="notion-sdk-py",  # last_edited_by 7775f3a3-…, named by GET /v1/users/{id}
        archived=False,
    )
    assert [(b.id, b.kind, b.text, b.depth, b.editable) for b in document.blocks] == [
        ("title", "title", title, 0, True),
        *[(block_id, "paragraph", f"paragraph {n}", 0, True) for n, block_id in enumerate(PARAGRAPHS_B)],
    ]
    assert document.blocks[0].spans == (Span(text=title),)
    assert all(b.spans == (Span(text=b.text),) for b in document.blocks[1:])


def test_fetch_leaves_volatile_bookkeeping_out_of_raw(connect):
    connector = connect(page_size=2)
    with replay("fetch_page_paginated_children"):
        document = connector.fetch(page(PAGE_B))
    volatile = {"last_edited_time", "last_edited_by", "request_id"}
    assert volatile.isdisjoint(document.raw)
    assert {"id", "created_time", "parent", "properties", "in_trash", "is_archived", "archived"} <= set(document.raw)
    for block in document.blocks[1:]:
        assert volatile.isdisjoint(block.raw)
        assert block.raw["id"] == block.id and block.raw["type"] == "paragraph"


# The all-types page: DERIVED block list (one page of 14, has_more) + REAL nested children + DERIVED table rows
# + a REAL second page. Ids: SOURCES.md.
PAGE_C = "16cabc1e-edcd-8130-8c6b-f9c944d8fc97"
D = "00000000-0000-4000-8000-0000000000"  # + two digits: the derived top-level blocks
ROW_1, ROW_2 = "00000000-0000-4000-9000-000000000001", "00000000-0000-4000-9000-000000000002"
NESTED_UNDER_HEADING = "16cabc1e-edcd-815e-b1d2-c2e09c9eb547"
NESTED_UNDER_TOGGLE = "16cabc1e-edcd-819c-bf82-c8fa3a922688"
EQUATION_BLOCK = "16cabc1e-edcd-8116-adb6-d3d167fb3399"
RICH_PARAGRAPH = (
    "Plain, bold, italic, inline code, red text, a link, a page mention Linked page and a date 2022-12-16"
)

ALL_TYPES = [  # id, kind, text, depth, editable, attrs: in reading order
    ("title", "title", "Test 2024-12-30 18:20:54.151558", 0, True, {}),
    (D + "01", "heading", "Heading one", 0, True, {"level": 1}),
    (D + "02", "paragraph", RICH_PARAGRAPH, 0, True, {}),
    (D + "03", "heading", "Heading two", 0, True, {"level": 2}),
    (D + "04", "heading", "Heading three (toggleable)", 0, True, {"level": 3}),
    (NESTED_UNDER_HEADING, "paragraph", "2022-12-16", 1, True, {}),
    (D + "05", "list_item", "Bullet item", 0, True, {"ordered": False}),
    (D + "06", "list_item", "Numbered item", 0, True, {"ordered": True}),
    (D + "07", "to_do", "Unchecked task", 0, True, {"checked": False}),
    (D + "08", "to_do", "Checked task", 0, True, {"checked": True}),
    (D + "09", "toggle", "Toggle summary", 0, True, {}),
    (NESTED_UNDER_TOGGLE, "paragraph", "I'm a paragraph.", 1, True, {}),
    (D + "10", "quote", "A quotation", 0, True, {}),
    (D + "11", "callout", "Callout text", 0, True, {}),
    (D + "12", "code", "print('hello')\n", 0, False, {"language": "python"}),
    (D + "13", "child_page", "A child page", 0, False, {}),
    (D + "14", "table", "", 0, False, {"width": 2, "column_header": True}),
    (f"{ROW_1}/0", "cell", "Name", 1, True, {"row": ROW_1, "column": 0}),
    (f"{ROW_1}/1", "cell", "Value", 1, True, {"row": ROW_1, "column": 1}),
    (f"{ROW_2}/0", "cell", "alpha", 1, True, {"row": ROW_2, "column": 0}),
    (f"{ROW_2}/1", "cell", "1", 1, True, {"row": ROW_2, "column": 1}),
    (EQUATION_BLOCK, "paragraph", "E = mc^2", 0, True, {}),
]


@pytest.fixture
def all_types(connect):
    connector = connect(page_size=14)
    with replay("fetch_page_all_block_types") as cassette:
        document = connector.fetch(page(PAGE_C))
        assert cassette.all_played, "the connector skipped a children request the cassette holds"
    assert connector.requests_made == 7  # the page, five children listings, its last editor
    return document


def test_fetch_all_block_types_in_reading_order_with_kinds_texts_depths_and_editability(all_types):
    assert [(b.id, b.kind, b.text, b.depth, b.editable, b.attrs) for b in all_types.blocks] == ALL_TYPES
    assert all_types.ref.remote_id == PAGE_C
    assert all_types.ref.parent == PARENT_2022
    assert all_types.ref.title == "Test 2024-12-30 18:20:54.151558"
    assert all_types.ref.edited_by == "notion-sdk-py"


ROW = "393abc1e-edcd-81f5-ae94-ec2d55fe98ed"


def test_fetch_a_database_row_makes_each_column_a_block_after_its_title(connect):
    connector = connect()
    with replay("fetch_database_row") as cassette:
        document = connector.fetch(page(ROW))
        assert cassette.all_played
    assert document.ref.parent == "393abc1e-edcd-8179-9372-000bd163e729", "a row's parent is its data source"
    assert [(b.id, b.attrs.get("label"), b.text, b.editable) for b in document.blocks[:4]] == [
        ("title", None, "Launch post", True),
        ("property:fy%3A%7B", "Tagline", "HelpHive is the chatbot for your docs.", True),
        ("property:%40Q%5BM", "Channel", "Blog", False),
        ("property:flsb", "Topics", "Launch, AI", False),
    ]
    assert all(b.readonly_reason for b in document.blocks if not b.editable)
    assert [n.element for n in document.not_captured] == ["property 'Related'", "property 'Edited'"]


def test_every_read_only_block_says_why_in_a_readers_words(all_types):
    reasons = {b.kind: b.readonly_reason for b in all_types.blocks if not b.editable}
    assert reasons == {
        "code": "A code block: copydesk never rewrites code; edit it in Notion.",
        "child_page": "The title of the sub-page 'A child page': it is tracked and edited as that page's title.",
        "table": "A table: its cells are tracked one by one.",
    }
    assert all(b.readonly_reason == "" for b in all_types.blocks if b.editable)


def test_fetch_keeps_every_rich_text_mark_link_and_mention(all_types):
    assert all_types.block(D + "02").spans == (
        Span(text="Plain, "),
        Span(text="bold", bold=True),
        Span(text=", "),
        Span(text="italic", italic=True),
        Span(text=", "),
        Span(text="inline code", code=True),
        Span(text=", "),
        Span(text="red text", color="red"),
        Span(text=", a "),
        Span(text="link", href="https://developers.notion.com/"),
        Span(text=", a page mention "),
        Span(
            text="Linked page",
            href="https://www.notion.so/7d50a1845bbe4d908f296bec57ed817b",
            mention=Mention(type="page", target="7d50a184-5bbe-4d90-8f29-6bec57ed817b"),
        ),
        Span(text=" and a date "),
        Span(text="2022-12-16", mention=Mention(type="date", target="2022-12-16")),
    )
    assert all_types.block(D + "10").spans == (Span(text="A quotation", italic=True),)
    assert all_types.block(NESTED_UNDER_HEADING).spans == (
        Span(text="2022-12-16", mention=Mention(type="date", target="2022-12-16")),
    )
    assert all_types.block(EQUATION_BLOCK).spans == (
        Span(text="E = mc^2", mention=Mention(type="equation", target="E = mc^2")),
    )
    assert all_types.block("title").spans == (Span(text="Test 2024-12-30 18:20:54.151558"),)


def test_fetch_turns_table_rows_into_one_cell_block_per_cell(all_types):
    cells = [b for b in all_types.blocks if b.kind == "cell"]
    assert [b.id for b in cells] == [f"{ROW_1}/0", f"{ROW_1}/1", f"{ROW_2}/0", f"{ROW_2}/1"]
    assert [b.spans for b in cells] == [(Span(text=t),) for t in ("Name", "Value", "alpha", "1")]
    # The row's native payload is kept once, on its first cell.
    assert cells[0].raw["row"]["id"] == ROW_1 and cells[0].raw["row"]["type"] == "table_row"
    assert "cells" not in cells[0].raw["row"]["table_row"], "the cell blocks carry the cells"
    assert [c.raw["rich_text"][0]["plain_text"] for c in cells] == ["Name", "Value", "alpha", "1"]
    assert cells[2].raw["row"]["id"] == ROW_2 and "row" not in cells[1].raw and "row" not in cells[3].raw
    assert all("last_edited_time" not in b.raw and "last_edited_time" not in b.raw.get("row", {})
               for b in all_types.blocks)


def test_fetch_keeps_each_native_block_as_raw(all_types):
    callout: Block = all_types.block(D + "11")
    assert callout.raw["callout"]["icon"] == {"type": "emoji", "emoji": "💡"}
    assert all_types.block(D + "04").raw["has_children"] is True
    assert all_types.block(D + "04").raw["heading_3"]["is_toggleable"] is True
    assert all_types.block(NESTED_UNDER_TOGGLE).raw["parent"] == {
        "type": "block_id", "block_id": D + "09"
    }


# -- errors -----------------------------------------------------------------------------------


def test_401_unauthorized_raises_auth_error(connect):
    connector = connect(retry=RetryPolicy(attempts=3, sleep=lambda seconds: None))
    with replay("error_401_unauthorized"):
        with pytest.raises(AuthError) as raised:
            list(connector.list_changed(None))
    error = raised.value
    assert (error.source, error.status, error.code, error.retryable) == ("notion", 401, "unauthorized", False)
    assert "API token is invalid" in str(error)
    assert TOKEN not in str(error)
    assert connector.requests_made == 1


def test_404_object_not_found_raises_remote_error_with_status_404(connect):
    connector = connect(retry=RetryPolicy(attempts=3, sleep=lambda seconds: None))
    with replay("error_404_object_not_found"):
        with pytest.raises(RemoteError) as raised:
            connector.fetch(page("00000000-0000-0000-0000-000000000000"))
    error = raised.value
    assert not isinstance(error, AuthError)
    assert (error.status, error.code, error.retryable) == (404, "object_not_found", False)
    assert "Could not find page with ID: 00000000-0000-0000-0000-000000000000" in str(error)
    assert connector.requests_made == 1


def test_429_rate_limited_is_retried_and_the_second_answer_is_used(connect):
    waits: list[float] = []
    connector = connect(retry=RetryPolicy(attempts=3, backoff=0.01, max_wait=0.01, sleep=waits.append))
    with replay("error_429_then_200") as cassette:
        listing = connector.list_changed(None)
        refs = list(listing)
        assert cassette.all_played
    assert [r.remote_id for r in refs] == ["393abc1e-edcd-80f3-813b-e205934558c6"]
    assert listing.cursor == "2026-07-04T09:11:00.000Z"
    assert connector.requests_made == 2
    assert waits == [0.01]  # Retry-After: 2, capped at max_wait


def test_429_retry_waits_for_the_retry_after_header(connect):
    waits: list[float] = []
    connector = connect(retry=RetryPolicy(attempts=3, sleep=waits.append))
    with replay("error_429_then_200"):
        assert len(list(connector.list_changed(None))) == 1
    assert waits == [2.0]
    assert connector.requests_made == 2


def test_429_when_retries_run_out_is_a_retryable_remote_error(connect):
    connector = connect(retry=RetryPolicy(attempts=1, sleep=lambda seconds: None))
    with replay("error_429_then_200") as cassette:
        with pytest.raises(RemoteError) as raised:
            list(connector.list_changed(None))
        assert cassette.play_count == 1
    error = raised.value
    assert (error.status, error.code, error.retryable, error.retry_after) == (429, "rate_limited", True, 2.0)


def test_400_validation_error_is_a_remote_error_that_is_not_retried(connect):
    waits: list[float] = []
    connector = connect(retry=RetryPolicy(attempts=3, sleep=waits.append))
    with replay("error_400_validation_error"):
        with pytest.raises(RemoteError) as raised:
            list(connector.list_changed(None))
    error = raised.value
    assert not isinstance(error, AuthError)
    assert (error.status, error.code, error.retryable) == (400, "validation_error", False)
    assert "body failed validation" in str(error)
    assert (connector.requests_made, waits) == (1, [])


# -- the cassette files themselves ------------------------------------------------------------

TOKEN_LIKE = re.compile(r"secret_[A-Za-z0-9]{10,}|ntn_[A-Za-z0-9]{10,}")
CASSETTE_FILES = sorted(CASSETTES.glob("*.yaml"))


def _interactions(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]


def test_every_scenario_has_a_cassette():
    assert {p.stem for p in CASSETTE_FILES} == {
        "search_paginated", "search_workspace_page", "fetch_page_paginated_children", "fetch_page_all_block_types",
        "error_401_unauthorized", "error_404_object_not_found", "error_429_then_200", "error_400_validation_error",
        "fetch_database_row",
    }


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.stem)
def test_cassettes_hold_no_credentials(path):
    text = path.read_text(encoding="utf-8")
    assert not TOKEN_LIKE.search(text)
    assert "bearer" not in text.lower()
    for interaction in _interactions(path):
        for side in ("request", "response"):
            assert "authorization" not in {name.lower() for name in interaction[side]["headers"]}


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.stem)
def test_cassette_responses_are_notion_json_with_a_true_content_length(path):
    for interaction in _interactions(path):
        request, response = interaction["request"], interaction["response"]
        assert request["uri"].startswith("https://api.notion.com/v1/")
        assert request["headers"]["Notion-Version"] == ["2025-09-03"]
        body = response["body"]["string"]
        headers = {name.lower(): values for name, values in response["headers"].items()}
        assert headers["content-type"] == ["application/json; charset=utf-8"]
        assert headers["content-length"] == [str(len(body.encode("utf-8")))]
        payload = json.loads(body)
        assert not any(key.startswith("_") for key in payload)
        if response["status"]["code"] >= 400:
            assert (payload["object"], payload["status"]) == ("error", response["status"]["code"])
        else:
            assert payload["object"] in {"list", "page", "user"}
