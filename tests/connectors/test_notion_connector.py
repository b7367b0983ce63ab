"""The real NotionConnector (notion-client SDK, httpx, pacing, retries) against the sandbox over HTTP.

Expectations are derived from the seed files, in Notion's request shapes, independently of
the normaliser: what a person wrote in the seed is what the Document must say.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
import traceback
from datetime import datetime, timedelta

import httpx
import pytest
from werkzeug.serving import make_server

from connectors.document import Document, DocumentRef, Mention, Span
from connectors.errors import AuthError, RemoteError
from connectors.notion import NotionConnector
from connectors.pacing import RetryPolicy
from connectors.sandbox import seeds
from connectors.sandbox.notion import SANDBOX_TOKEN, NotionSandbox
from connectors.sandbox.notion_workspace import NotionWorkspace

VERSION = "2025-09-03"
SEED_DIR = seeds.SEEDS / "notion"
SEEDS = [json.loads(p.read_text(encoding="utf-8")) for p in seeds.seed_files(SEED_DIR / "pages", ".json")]
DATABASES = [json.loads(p.read_text(encoding="utf-8")) for p in seeds.seed_files(SEED_DIR / "databases", ".json")]
LIVE = [s for s in SEEDS if not s.get("in_trash")]
MARGIN = timedelta(minutes=2)


def title_items_of(seed: dict) -> list[dict]:
    """The seed's title property, "title" on a page, named by its database's schema on a row."""
    return next(v["title"] for v in seed["properties"].values() if "title" in v)


def title_of(seed: dict) -> str:
    return "".join(i["text"]["content"] for i in title_items_of(seed))


def seed_titled(title: str) -> dict:
    return next(s for s in SEEDS if title_of(s) == title)


def child_pages_of(seed: dict) -> list[dict]:
    return [s for s in LIVE if s.get("parent", {}).get("page_id") == seed["id"]]


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00.000Z")


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def ref_for(seed: dict) -> DocumentRef:
    return DocumentRef(source="notion", remote_id=seed["id"], kind="page", title=title_of(seed))


PRODUCT = seed_titled("Product overview")
ONBOARDING = seed_titled("Onboarding guide")
FAQ = seed_titled("FAQ")
FEATURES = seed_titled("Feature list")
TERMS = seed_titled("Legal: Terms of Service")
GLOSSARY = seed_titled("Glossary")
NEWEST = max(LIVE, key=lambda s: s["last_edited_time"])


@pytest.fixture
def connect(sandbox):
    """sandbox.connector(...), closed after the test."""
    made: list[NotionConnector] = []

    def make(**overrides) -> NotionConnector:
        connector = sandbox.connector(**overrides)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()


def recording_policy(attempts: int = 4) -> tuple[RetryPolicy, list[float]]:
    """The default backoff (1 s, 2 s, ...) but no real sleeping: waits are recorded."""
    waits: list[float] = []
    return RetryPolicy(attempts=attempts, sleep=waits.append), waits


def http_children(sandbox, block_id: str) -> list[dict]:
    response = httpx.get(f"{sandbox.base_url}/v1/blocks/{block_id}/children",
                         headers={"Authorization": f"Bearer {sandbox.token}", "Notion-Version": VERSION}, timeout=10)
    response.raise_for_status()
    return response.json()["results"]


# -- what the seed says a Document must contain ---------------------------------------------------

KIND = {
    "paragraph": "paragraph", "heading_1": "heading", "heading_2": "heading", "heading_3": "heading",
    "heading_4": "heading", "equation": "equation", "bulleted_list_item": "list_item", "numbered_list_item": "list_item", "to_do": "to_do", "toggle": "toggle",
    "quote": "quote", "callout": "callout", "code": "code", "table": "table", "divider": "divider",
    "image": "image", "bookmark": "bookmark", "child_page": "child_page", "table_row": "cell",
    "synced_block": "synced_block", "link_preview": "link_preview",
}
EDITABLE = {"paragraph", "heading", "list_item", "to_do", "toggle", "quote", "callout", "cell"}
NOT_EDITABLE = {"code", "image", "bookmark", "child_page"}


def expected_spans(items: list[dict]) -> tuple[Span, ...]:
    spans = []
    for item in items:
        marks = item.get("annotations", {})
        color = marks.get("color", "default")
        mention, href = None, None
        if item.get("type") == "mention":
            detail = item["mention"]
            kind = detail["type"]
            target = detail[kind].get("id") or detail[kind].get("start") or detail[kind].get("href")
            mention = Mention(type=kind, target=target)
            text = item.get("plain_text") or target  # a link mention reads as its URL
            href = target if kind == "link_mention" else None
            if kind == "page":
                href = f"https://www.notion.so/{target.replace('-', '')}"
        else:
            text = item["text"]["content"]
            href = (item["text"].get("link") or {}).get("url")
        spans.append(Span(text=text, bold=marks.get("bold", False), italic=marks.get("italic", False),
                          strikethrough=marks.get("strikethrough", False), underline=marks.get("underline", False),
                          code=marks.get("code", False), color=None if color == "default" else color,
                          href=href, mention=mention))
    return tuple(spans)


def expected_blocks(seed: dict) -> list[tuple[str, int, str, tuple[Span, ...]]]:
    """(kind, depth, text, spans) in reading order, title first, child pages and databases last;
    a row's other properties are left to test_a_database_row_reads_every_column_of_its_seed."""
    out = [("title", 0, title_of(seed), expected_spans(title_items_of(seed)))]

    def walk(children: list[dict], depth: int) -> None:
        for child in children:
            native = child["type"]
            body = child.get(native, {})
            if native == "table_row":
                for cell in body["cells"]:
                    spans = expected_spans(cell)
                    out.append(("cell", depth, "".join(s.text for s in spans), spans))
            elif native == "link_preview":
                out.append(("link_preview", depth, body["url"], (Span(text=body["url"], href=body["url"]),)))
            elif native == "equation":
                out.append(("equation", depth, body["expression"], ()))
            else:
                spans = expected_spans(body.get("rich_text", []))
                out.append((KIND[native], depth, "".join(s.text for s in spans), spans))
            if body.get("caption"):
                spans = expected_spans(body["caption"])
                out.append(("caption", depth, "".join(s.text for s in spans), spans))
            synced = (body.get("synced_from") or {}).get("block_id") if native == "synced_block" else None
            walk(SYNCED_ORIGINALS[synced] if synced else body.get("children", []) + child.get("children", []), depth + 1)

    walk(seed.get("children", []), 0)
    out += [("child_page", 0, title_of(page), ()) for page in child_pages_of(seed)]
    out += [("child_database", 0, "".join(i["text"]["content"] for i in database["title"]), ())
            for database in DATABASES if database["parent"].get("page_id") == seed["id"]]
    return out


SYNCED_ORIGINALS = {c["id"]: c["synced_block"]["children"] for s in SEEDS for c in s.get("children", [])
                    if c["type"] == "synced_block" and "id" in c}


def summary(document: Document) -> list[tuple[str, int, str, tuple[Span, ...]]]:
    return [(b.kind, b.depth, b.text, b.spans) for b in document.blocks if b.kind != "property"]


# -- listing ------------------------------------------------------------------------------------------


def test_a_full_listing_yields_every_live_page_once_and_the_newest_time_as_cursor(sandbox, connect):
    connector = connect(page_size=2)
    listing = connector.list_changed(None)
    refs = list(listing)

    ids = [ref.remote_id for ref in refs]
    assert len(ids) == len(set(ids)) == len(LIVE)
    assert set(ids) == {s["id"] for s in LIVE}
    assert listing.done and listing.cursor == max(s["last_edited_time"] for s in LIVE)
    by_id = {s["id"]: s for s in LIVE}
    for ref in refs:
        seed = by_id[ref.remote_id]
        assert (ref.source, ref.kind, ref.title, ref.archived) == ("notion", "page", title_of(seed), False)
        assert ref.remote_version == seed["last_edited_time"]
        assert ref.updated_at == parse(seed["last_edited_time"])
        assert ref.parent == seed["parent"].get("page_id", seed["parent"].get("data_source_id", ""))
        assert ref.url.endswith(seed["id"].replace("-", ""))

    stats = sandbox.stats()
    assert stats["routes"] == {"POST /v1/search": math.ceil(len(LIVE) / 2)}
    assert stats["routes"]["POST /v1/search"] > 10, "page_size=2 must make the listing paginate"
    assert connector.requests_made == stats["total"]


def test_an_incremental_listing_yields_pages_edited_since_plus_the_margin(sandbox, connect):
    first = connect(page_size=2).list_changed(None)
    list(first)
    cursor = first.cursor
    edits = [sandbox.post("edit", {"id": seed["id"], "find": "HelpHive", "replace": "HelpHive Cloud"})
             for seed in (TERMS, GLOSSARY)]
    assert {e["page_id"] for e in edits} == {TERMS["id"], GLOSSARY["id"]}
    within_margin = {s["id"] for s in LIVE if parse(s["last_edited_time"]) >= parse(cursor) - MARGIN}
    assert within_margin == {NEWEST["id"]}
    searches_before = sandbox.stats()["routes"]["POST /v1/search"]

    connector = connect(page_size=2)
    listing = connector.list_changed(cursor)
    ids = [ref.remote_id for ref in listing]

    assert sorted(ids) == sorted({TERMS["id"], GLOSSARY["id"]} | within_margin)
    assert listing.cursor == max(e["last_edited_time"] for e in edits) > cursor
    searches = sandbox.stats()["routes"]["POST /v1/search"] - searches_before
    # 3 pages to yield and then the first one past the margin: two pages of two results
    assert searches == 2 == connector.requests_made


@pytest.mark.parametrize("minutes_after_newest,included", [(0, True), (1, True), (2, True), (3, False)])
def test_the_two_minute_margin_is_inclusive(connect, minutes_after_newest, included):
    since = stamp(parse(NEWEST["last_edited_time"]) + timedelta(minutes=minutes_after_newest))
    listing = connect(page_size=2).list_changed(since)
    ids = [ref.remote_id for ref in listing]
    assert ids == ([NEWEST["id"]] if included else [])
    assert listing.cursor == since, "nothing newer than the cursor: the cursor stays"


# -- fetch ---------------------------------------------------------------------------------------------


def test_fetch_reproduces_every_seed_page(connect):
    connector = connect()
    for seed in LIVE:
        document = connector.fetch(ref_for(seed))
        assert document.ref.remote_id == seed["id"]
        assert summary(document) == expected_blocks(seed), title_of(seed)


def test_fetch_puts_the_title_block_first(connect):
    document = connect(page_size=2).fetch(ref_for(PRODUCT))
    title = document.blocks[0]
    assert (title.id, title.kind, title.text, title.depth) == ("title", "title", "Product overview", 0)
    assert [b.id for b in document.blocks].count("title") == 1
    assert document.ref.title == "Product overview"
    assert document.ref.remote_version == PRODUCT["last_edited_time"]


def test_fetch_keeps_nesting_depth(connect):
    document = connect(page_size=2).fetch(ref_for(ONBOARDING))
    depths = {b.depth for b in document.blocks}
    assert {0, 1, 2} <= depths
    # seed children[13] holds children[0] which holds two list items: depth 2
    deep_seed = ONBOARDING["children"][13]
    middle = deep_seed[deep_seed["type"]]["children"][0]
    leaf_texts = ["".join(s.text for s in expected_spans(c[c["type"]]["rich_text"]))
                  for c in middle[middle["type"]]["children"]]
    deep = [b for b in document.blocks if b.depth == 2]
    assert [b.text for b in deep][: len(leaf_texts)] == leaf_texts
    # every nested block follows its parent: depth never jumps by more than one
    for before, after in zip(document.blocks, document.blocks[1:]):
        assert after.depth <= before.depth + 1


def test_table_rows_become_cells_named_row_slash_column(sandbox, connect):
    document = connect(page_size=2).fetch(ref_for(PRODUCT))
    table_position = next(i for i, c in enumerate(PRODUCT["children"]) if c["type"] == "table")
    table_seed = PRODUCT["children"][table_position]["table"]
    table_native = http_children(sandbox, PRODUCT["id"])[table_position]
    rows = http_children(sandbox, table_native["id"])
    assert len(rows) == len(table_seed["children"]) > 1

    table = document.block(table_native["id"])
    assert table is not None and table.kind == "table" and table.editable is False
    assert table.attrs == {"width": table_seed["table_width"], "column_header": table_seed["has_column_header"]}
    cells = [b for b in document.blocks if b.kind == "cell"]
    assert [b.id for b in cells] == [f"{row['id']}/{n}" for row in rows for n in range(table_seed["table_width"])]
    for row, row_seed in zip(rows, table_seed["children"]):
        for n, cell_seed in enumerate(row_seed["table_row"]["cells"]):
            cell = document.block(f"{row['id']}/{n}")
            assert cell.attrs == {"row": row["id"], "column": n}
            assert cell.text == "".join(s.text for s in expected_spans(cell_seed))
            assert cell.depth == table.depth + 1
            assert cell.editable is True
            assert [i["plain_text"] for i in cell.raw["rich_text"]] == [s.text for s in expected_spans(cell_seed)]
            assert cell.raw.get("row", {}).get("id") == (row["id"] if n == 0 else None)


def test_code_is_not_editable_and_copy_is(connect):
    document = connect().fetch(ref_for(ONBOARDING))
    code = [b for b in document.blocks if b.kind == "code"]
    seeded_code = [c["code"] for c in ONBOARDING["children"] if c["type"] == "code"]
    assert len(code) == len(seeded_code) >= 2
    for block, seed in zip(code, seeded_code):
        assert block.editable is False
        assert block.attrs == {"language": seed["language"]}
        assert block.text == "".join(i["text"]["content"] for i in seed["rich_text"])
    paragraphs = [b for b in document.blocks if b.kind == "paragraph"]
    assert paragraphs and all(b.editable for b in paragraphs)
    for block in document.blocks[1:]:
        if block.kind in EDITABLE:
            assert block.editable, block
        if block.kind in NOT_EDITABLE:
            assert not block.editable, block


def test_spans_carry_marks_links_and_mentions(connect):
    connector = connect()
    product = connector.fetch(ref_for(PRODUCT))
    paragraph = next(b for b in product.blocks if b.text.startswith("Customers get answers"))
    assert paragraph.spans[0] == Span(text="Customers get ")
    assert paragraph.spans[1] == Span(text="answers from your docs in seconds", bold=True)
    link = next(s for s in paragraph.spans if s.text == "why citations matter")
    assert link.href == "https://developers.fernhill.example/adr/0011-citations" and not link.bold

    related = next(b for b in product.blocks if b.text.startswith("Feature list"))
    assert related.spans[0].mention == Mention(type="page", target=FEATURES["id"])
    owner = next(b for b in product.blocks if b.text.startswith("Owner:"))
    assert owner.spans[0].italic
    user = next(s for s in owner.spans if s.mention is not None)
    assert user.mention.type == "user" and user.mention.target == PRODUCT["children"][23]["paragraph"][
        "rich_text"][2]["mention"]["user"]["id"]

    features = connector.fetch(ref_for(FEATURES))
    beta = next(s for b in features.blocks for s in b.spans if s.text == "Notion (beta)")
    assert beta.color == "blue"
    terms = connector.fetch(ref_for(TERMS))
    date = next(s for b in terms.blocks for s in b.spans if s.mention is not None and s.mention.type == "date")
    assert date.mention.target == "2024-02-01" and date.text == "2024-02-01"
    onboarding = connector.fetch(ref_for(ONBOARDING))
    inline_code = next(s for b in onboarding.blocks for s in b.spans if s.text == "script-src")
    assert inline_code.code and not inline_code.bold
    code_block_spans = [s for b in onboarding.blocks if b.kind == "code" for s in b.spans]
    assert code_block_spans and not any(s.code for s in code_block_spans), "a code block is not inline code"


def test_child_pages_are_blocks_not_descended_into(sandbox, connect):
    document = connect().fetch(ref_for(PRODUCT))
    child_ids = [s["id"] for s in child_pages_of(PRODUCT)]
    blocks = [b for b in document.blocks if b.kind == "child_page"]
    assert [b.id for b in blocks] == child_ids
    assert all(not b.editable for b in blocks)
    natives = [b.raw for b in document.blocks if "id" in b.raw]
    ids = {raw["id"] for raw in natives}
    parents = {raw["parent"].get("page_id") or raw["parent"]["block_id"] for raw in natives}
    assert parents <= {PRODUCT["id"]} | ids, "no block of a child page is part of its parent"
    assert not set(child_ids) & (parents - {PRODUCT["id"]})


def test_raw_is_kept_without_edit_times(connect):
    document = connect().fetch(ref_for(PRODUCT))
    assert document.raw["id"] == PRODUCT["id"]
    assert document.raw["properties"]["title"]["title"][0]["plain_text"] == "Product overview"
    assert document.raw["created_time"] == PRODUCT["created_time"]
    assert not {"last_edited_time", "last_edited_by", "request_id"} & set(document.raw)
    assert document.block("title").raw == {"property": "title",
                                           "rich_text": document.raw["properties"]["title"]["title"]}
    with_raw = [b for b in document.blocks if b.kind not in ("title", "cell")]
    assert len(with_raw) > 20
    for block in with_raw:
        assert block.raw["object"] == "block" and block.raw["type"] in KIND
        assert "created_time" in block.raw
        assert not {"last_edited_time", "last_edited_by"} & set(block.raw)


def test_an_unchanged_page_fetched_twice_gives_equal_documents(sandbox, connect):
    first = connect(page_size=2).fetch(ref_for(PRODUCT))
    sandbox.post("edit", {"id": FAQ["id"], "find": "HelpHive", "replace": "HelpHive Cloud"})  # another page
    second = connect(page_size=7).fetch(ref_for(PRODUCT))
    assert second == first
    assert second.model_dump_json() == first.model_dump_json()

    sandbox.post("edit", {"id": PRODUCT["id"], "find": "Setup in 5 minutes", "replace": "Setup in 10 minutes"})
    third = connect().fetch(ref_for(PRODUCT))
    assert third != first
    changed = [b.id for b, old in zip(third.blocks, first.blocks) if b != old]
    assert len(changed) == 1 and "Setup in 10 minutes" in third.block(changed[0]).text


# -- requests, retries, errors ---------------------------------------------------------------------------


def test_requests_made_counts_every_request_including_retries(sandbox, connect):
    clean = connect()
    clean.fetch(ref_for(FAQ))
    baseline = clean.requests_made
    assert baseline == sandbox.stats()["total"] > 2

    sandbox.post("faults", {"status": 500, "count": 2})
    retried = connect()
    document = retried.fetch(ref_for(FAQ))
    assert retried.requests_made == baseline + 2
    stats = sandbox.stats()
    assert (stats["total"], stats["faults_served"]) == (2 * baseline + 2, 2)
    assert summary(document) == expected_blocks(FAQ)


def test_a_429_storm_is_retried_after_retry_after(sandbox, connect):
    sandbox.post("faults", {"status": 429, "count": 3, "retry_after": 0})
    policy, waits = recording_policy(attempts=4)
    connector = connect(page_size=2, retry=policy)
    ids = [ref.remote_id for ref in connector.list_changed(None)]
    assert sorted(ids) == sorted(s["id"] for s in LIVE)
    assert waits == [0.0, 0.0, 0.0], "Retry-After: 0 is honoured instead of the 1 s backoff"
    assert connector.requests_made == math.ceil(len(LIVE) / 2) + 3 == sandbox.stats()["total"]
    assert sandbox.stats()["faults_served"] == 3


def test_500_then_503_then_success(sandbox, connect):
    sandbox.post("faults", {"status": 500})
    sandbox.post("faults", {"status": 503})
    policy, waits = recording_policy(attempts=4)
    connector = connect(retry=policy)
    document = connector.fetch(ref_for(PRODUCT))
    assert summary(document) == expected_blocks(PRODUCT)
    assert len(waits) == 2
    assert 1.0 <= waits[0] <= 2.0 and 2.0 <= waits[1] <= 3.0, "no Retry-After: exponential backoff"
    assert sandbox.stats()["faults_served"] == 2


def test_a_persistent_500_gives_a_retryable_remote_error_after_the_policys_attempts(sandbox, connect):
    sandbox.post("faults", {"status": 500, "count": 50})
    policy, waits = recording_policy(attempts=4)
    connector = connect(retry=policy)
    with pytest.raises(RemoteError) as caught:
        connector.fetch(ref_for(PRODUCT))
    error = caught.value
    assert not isinstance(error, AuthError)
    assert (error.status, error.code, error.retryable, error.source) == (500, "internal_server_error", True, "notion")
    assert "gave up" in str(error)
    assert connector.requests_made == 4 == sandbox.stats()["total"]
    assert len(waits) == 3


def test_a_hang_longer_than_the_timeout_is_retried(sandbox, connect):
    sandbox.post("faults", {"hang": 1.0, "count": 1})
    connector = connect(timeout=0.3)
    started = time.monotonic()
    document = connector.fetch(ref_for(PRODUCT))
    elapsed = time.monotonic() - started
    assert summary(document) == expected_blocks(PRODUCT)
    assert 0.3 <= elapsed < 0.95, "gave up on the hanging request at the timeout, not when it answered"
    clean = connect()
    clean.fetch(ref_for(PRODUCT))
    assert connector.requests_made == clean.requests_made + 1


def test_hangs_until_the_attempts_run_out_give_a_timeout_error(sandbox, connect):
    sandbox.post("faults", {"hang": 1.0, "count": 2})
    connector = connect(timeout=0.3, retry=RetryPolicy(attempts=2, sleep=lambda _: None))
    with pytest.raises(RemoteError) as caught:
        list(connector.list_changed(None))
    assert (caught.value.code, caught.value.retryable) == ("timeout", True)
    assert connector.requests_made == 2


def _everything_said(error: BaseException) -> str:
    return "".join(traceback.format_exception(error)) + repr(error.args)


def test_a_wrong_token_is_an_auth_error_that_does_not_show_the_token(sandbox):
    token = "ntn_not_the_right_token_4f2a9c"
    connector = NotionConnector(token, base_url=sandbox.base_url, rate=None, retry=RetryPolicy(sleep=lambda _: None))
    try:
        with pytest.raises(AuthError) as caught:
            list(connector.list_changed(None))
    finally:
        connector.close()
    error = caught.value
    assert (error.status, error.code, error.retryable) == (401, "unauthorized", False)
    assert token not in _everything_said(error)
    assert "token" in str(error).lower()
    assert connector.requests_made == 1, "a 401 is not retried"


def test_a_401_does_not_show_the_valid_token_either(sandbox, connect):
    sandbox.post("faults", {"status": 401})
    with pytest.raises(AuthError) as caught:
        connect().fetch(ref_for(PRODUCT))
    assert sandbox.token not in _everything_said(caught.value)


def test_an_unreachable_base_url_fails_fast_with_unreachable(connect):
    connector = connect(base_url="http://127.0.0.1:9")
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        list(connector.list_changed(None))
    assert time.monotonic() - started < 2.0
    error = caught.value
    assert (error.code, error.retryable, error.status) == ("unreachable", False, None)
    assert "http://127.0.0.1:9" in str(error)
    assert connector.requests_made == 1


# -- client-side rate limit against the sandbox's ----------------------------------------------------------

RATE_LIMITED_PAGES = (ONBOARDING, FAQ, seed_titled("Objection handling"))


def _full_fetch(connector: NotionConnector) -> list[Document]:
    wanted = {s["id"] for s in RATE_LIMITED_PAGES}
    refs = [ref for ref in connector.list_changed(None) if ref.remote_id in wanted]
    assert len(refs) == 3
    return [connector.fetch(ref) for ref in refs]


def test_the_workload_exceeds_the_sandbox_limit_without_client_pacing(sandbox, connect):
    """Control for the next test: unpaced, the same workload is refused."""
    sandbox.post("rate_limit", {"enabled": True, "rate": 20, "window_seconds": 1})
    connector = connect(rate=None, retry=RetryPolicy(attempts=1))
    with pytest.raises(RemoteError) as caught:
        _full_fetch(connector)
    assert (caught.value.status, caught.value.code, caught.value.retry_after) == (429, "rate_limited", 1.0)
    assert caught.value.retryable is True
    assert sandbox.stats()["rate_limited"] == 1


def _assert_paced_without_429(sandbox, connector: NotionConnector) -> None:
    started = time.monotonic()
    documents = _full_fetch(connector)
    elapsed = time.monotonic() - started
    stats = sandbox.stats()
    assert stats["rate_limited"] == 0
    assert stats["total"] == connector.requests_made > 20, "more requests than one window allows"
    assert elapsed >= 0.9, "the 21st request waited for the window"
    newest_first = sorted(RATE_LIMITED_PAGES, key=lambda s: s["last_edited_time"], reverse=True)
    assert [summary(d) for d in documents] == [expected_blocks(s) for s in newest_first]


def test_client_pacing_just_under_the_sandbox_rate_gets_no_429(sandbox, connect):
    sandbox.post("rate_limit", {"enabled": True, "rate": 20, "window_seconds": 1})
    _assert_paced_without_429(sandbox, connect(rate=18, retry=RetryPolicy(attempts=1)))


def test_client_pacing_at_the_sandbox_rate_gets_no_429(sandbox, connect):
    sandbox.post("rate_limit", {"enabled": True, "rate": 20, "window_seconds": 1})
    connector = connect(rate=20, retry=RetryPolicy(attempts=1))
    # The first request reaches the server 20 ms after the pacer let it go (as a new connection does);
    # every other request goes at once. The hook runs after the pacer's, on the connector's own httpx client.
    slowed: list[httpx.Request] = []

    def first_request_is_slow(request: httpx.Request) -> None:
        if not slowed:
            slowed.append(request)
            time.sleep(0.02)

    connector._client.client.event_hooks["request"].append(first_request_is_slow)
    _assert_paced_without_429(sandbox, connector)


def test_a_page_nested_deeper_than_pythons_recursion_limit_is_read_whole():
    """A colleague (or a script) can indent blocks without end; the connector walks the
    tree without recursing, so a page nested deeper than the recursion limit reads like any other."""
    depth = 500
    children = [{"type": "paragraph", "paragraph": {"rich_text": [{"type": "text", "text": {"content": "leaf"}}]}}]
    for level in range(depth):
        children = [{"type": "bulleted_list_item", "children": children, "bulleted_list_item": {
            "rich_text": [{"type": "text", "text": {"content": f"level {depth - level}"}}]}}]
    seed = {"id": "8f1c6a52-4a3e-4d2b-9c55-0f6e2b7d1a90", "parent": {"type": "workspace", "workspace": True},
            "properties": {"title": {"title": [{"type": "text", "text": {"content": "Deep"}}]}},
            "created_time": "2025-01-01T00:00:00.000Z", "last_edited_time": "2026-01-01T00:00:00.000Z",
            "children": children}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)  # the sandbox, standing in for Notion, builds the tree recursively
    try:
        app = NotionSandbox(lambda: NotionWorkspace.from_seeds([seed], []))
    finally:
        sys.setrecursionlimit(limit)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    connector = NotionConnector(SANDBOX_TOKEN, base_url=f"http://127.0.0.1:{server.server_port}", rate=None)
    try:
        ref = next(iter(connector.list_changed(None)))
        sys.setrecursionlimit(400)  # fewer frames than this page has levels: no recursion may walk it
        try:
            doc = connector.fetch(ref)
        finally:
            sys.setrecursionlimit(limit)
    finally:
        connector.close()
        server.shutdown()
        server.server_close()
    assert [b.depth for b in doc.blocks[1:]] == list(range(depth + 1))
    assert doc.blocks[1].text == "level 1" and doc.blocks[-1].text == "leaf"
