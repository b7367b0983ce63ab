"""The Webflow connector against the Webflow sandbox over real HTTP, through the official SDK."""

from __future__ import annotations

import json
import socket
import time
from typing import Iterator

import pytest

from connectors.document import DocumentRef, Edit
from connectors.errors import AuthError, Conflict, ManualStep, RemoteError
from connectors.pacing import RetryPolicy
from connectors.protocol import Publisher
from connectors.sandbox.webflow import WEBFLOW_FRENCH_LOCALE_ID, WEBFLOW_SITE_ID
from connectors.webflow import RemoteNotFound, WebflowConnector
from staging.pull import pull

BLOG = "63fe95809593bd04cf658cda"
WHY = "642b6880d1e01f50575051c1"  # "Why we built HelpHive", published
WHY_ID = f"item:{BLOG}:{WHY}"
PRICING = "63e194801f90c192cff28c10"
ITEM_PATCH = "PATCH /v2/collections/{id}/items/{id}"
ITEM_GET = "GET /v2/collections/{id}/items/{id}"
DOM_POST = "POST /v2/pages/{id}/dom"


@pytest.fixture
def connector(webflow) -> Iterator[WebflowConnector]:
    connector = webflow.connector()
    yield connector
    connector.close()


class Journal:
    def __init__(self) -> None:
        self.entries: list[tuple] = []

    def intent(self, block_ids, request, previous) -> None:
        self.entries.append(("intent", tuple(block_ids), request))

    def done(self, block_ids) -> None:
        self.entries.append(("done", tuple(block_ids)))


def node_id(doc, startswith: str) -> str:
    return next(b.id for b in doc.blocks if b.text.startswith(startswith))


def test_it_is_a_publisher(connector):
    assert isinstance(connector, Publisher) and connector.source == "webflow"


def test_a_full_listing_reads_list_endpoints_only_and_items_come_from_it(webflow, connector):
    listing = connector.list_changed(None)
    refs = list(listing)
    kinds = {kind: sum(r.kind == kind for r in refs) for kind in ("item", "page")}
    assert kinds == {"item": 17, "page": 8}  # 16 items and one French variant; 4 pages × (English + French)
    assert {r.remote_id for r in refs if r.archived} == {f"item:{BLOG}:6534660010aa05e11a0f8808"}
    assert json.loads(listing.cursor)[WHY_ID] == next(r for r in refs if r.remote_id == WHY_ID).remote_version
    before = connector.requests_made
    for ref in refs:
        if ref.kind == "item":
            connector.fetch(ref)
    assert connector.requests_made - before == 3  # one schema read per collection, no item read
    assert webflow.routes().get(ITEM_GET, 0) == 0
    assert connector.requests_made == sum(webflow.routes().values())  # every request counted


def test_an_incremental_pull_fetches_only_what_changed(webflow, connector, store):
    first = pull(store, connector)
    assert (first.listed, first.new) == (25, 25)
    webflow.post("edit", {"item": WHY, "field": "summary", "find": "in seconds", "replace": "at once"})
    second = pull(store, connector)
    assert (second.listed, second.fetched, second.changed) == (1, 1, 1)
    assert second.changed_titles == ["Why we built HelpHive, the chatbot for your docs"]
    assert second.requests <= 8  # the listing calls (site, collections, 3 item lists, 2 page lists), no item read
    third = pull(store, connector)
    assert (third.listed, third.fetched) == (0, 0)


def test_a_designer_edit_of_a_french_page_lists_that_page_again(webflow, connector):
    listing = connector.list_changed(None)
    list(listing)
    webflow.post("edit", {"page": PRICING, "locale": WEBFLOW_FRENCH_LOCALE_ID, "find": "14 jours",
                          "replace": "30 jours"})
    changed = {r.remote_id for r in connector.list_changed(listing.cursor)}
    assert f"page:{PRICING}@{WEBFLOW_FRENCH_LOCALE_ID}" in changed
    assert not any(r.startswith("item:") for r in changed)


def test_an_item_gone_from_the_listing_reads_as_deleted(connector):
    listing = connector.list_changed(None)
    list(listing)
    cursor = json.loads(listing.cursor) | {f"item:{BLOG}:deadbeefdeadbeefdeadbeef": "2024-01-01T00:00:00.000Z"}
    gone = [r for r in connector.list_changed(json.dumps(cursor))]
    assert [(r.remote_id, r.archived, r.remote_version) for r in gone] == [
        (f"item:{BLOG}:deadbeefdeadbeefdeadbeef", True, "")]
    with pytest.raises(RemoteNotFound) as caught:
        connector.fetch(gone[0])
    assert caught.value.status == 404


def test_apply_writes_staged_only_until_published_and_revert_is_byte_identical(webflow, connector):
    ref = next(r for r in connector.list_changed(None) if r.remote_id == WHY_ID)
    doc = connector.fetch(ref)
    block = doc.block("field:post-body:2")
    assert block.text.startswith("So we built HelpHive, the chatbot for your docs.")
    original_html = webflow.get(f"/collections/{BLOG}/items/{WHY}")["fieldData"]["post-body"]
    after = block.text.replace("the chatbot for your docs", "the docs chatbot")
    journal = Journal()
    written = connector.apply(ref, [Edit(block_id=block.id, before=block.text, after=after)], journal)
    assert written.block(block.id).text == after
    assert [e[0] for e in journal.entries] == ["intent", "done"]
    assert journal.entries[0][2]["method"] == "PATCH"
    staged = webflow.get(f"/collections/{BLOG}/items/{WHY}")["fieldData"]["post-body"]
    assert "<em>the docs chatbot</em>" in staged
    live = webflow.get(f"/collections/{BLOG}/items/{WHY}/live")["fieldData"]["post-body"]
    assert live == original_html  # staged, never live
    assert connector.publish([ref]) == {"published": [WHY_ID], "errors": []}
    assert webflow.get(f"/collections/{BLOG}/items/{WHY}/live")["fieldData"]["post-body"] == staged

    revert = Edit(block_id=block.id, before=after, after=block.text, target=block)
    reverted = connector.apply(ref, [revert], Journal())
    assert reverted.block(block.id) == block
    assert webflow.get(f"/collections/{BLOG}/items/{WHY}")["fieldData"]["post-body"] == original_html


def test_after_a_write_the_same_connector_never_answers_from_its_old_listing(connector):
    refs = {r.remote_id: r for r in connector.list_changed(None)}
    item, page = refs[WHY_ID], refs[f"page:{PRICING}@{WEBFLOW_FRENCH_LOCALE_ID}"]
    for ref, block_id, old, new in ((item, "field:post-body:2", "the chatbot for your docs", "the docs chatbot"),
                                    (page, None, "14 jours", "30 jours")):
        doc = connector.fetch(ref)
        block = doc.block(block_id) if block_id else doc.block(node_id(doc, "Chaque offre"))
        after = block.text.replace(old, new)
        connector.apply(ref, [Edit(block_id=block.id, before=block.text, after=after)], Journal())
        assert connector.fetch(ref).block(block.id).text == after, "read with the version it was listed at"


def test_a_conflicting_edit_in_webflow_writes_nothing(webflow, connector):
    ref = next(r for r in connector.list_changed(None) if r.remote_id == WHY_ID)
    block = connector.fetch(ref).block("field:summary")
    webflow.post("edit", {"item": WHY, "field": "summary", "find": "in seconds", "replace": "instantly"})
    with pytest.raises(Conflict) as caught:
        connector.apply(ref, [Edit(block_id=block.id, before=block.text, after="Something new.")], Journal())
    assert "instantly" in caught.value.remote["field:summary"]
    assert webflow.routes().get(ITEM_PATCH, 0) == 0


def test_dry_run_sends_nothing(webflow, connector):
    ref = next(r for r in connector.list_changed(None) if r.remote_id == WHY_ID)
    block = connector.fetch(ref).block("field:summary")
    journal = Journal()
    connector.apply(ref, [Edit(block_id=block.id, before=block.text, after="New.")], journal, dry_run=True)
    assert journal.entries[0][2]["body"] == {"fieldData": {"summary": "New."}}
    assert [e[0] for e in journal.entries] == ["intent"] and webflow.routes().get(ITEM_PATCH, 0) == 0


def test_a_secondary_locale_page_is_written_and_reverted(webflow, connector):
    refs = {r.remote_id: r for r in connector.list_changed(None)}
    ref = refs[f"page:{PRICING}@{WEBFLOW_FRENCH_LOCALE_ID}"]
    doc = connector.fetch(ref)
    block = doc.block(node_id(doc, "Chaque offre"))
    original = block.raw["html"]
    after = block.text.replace("14 jours", "30 jours")
    written = connector.apply(ref, [Edit(block_id=block.id, before=block.text, after=after)], Journal())
    assert written.block(block.id).text == after
    assert written.block(block.id).raw["html"] == original.replace("14 jours", "30 jours")  # tags kept
    english = connector.fetch(refs[f"page:{PRICING}"]).block(block.id)
    assert "14-day" in english.text  # the primary locale is untouched
    reverted = connector.apply(ref, [Edit(block_id=block.id, before=after, after=block.text, target=block)],
                               Journal())
    assert reverted.block(block.id).raw["html"] == original


def test_the_primary_locale_is_a_manual_step_and_nothing_is_written(webflow, connector):
    refs = {r.remote_id: r for r in connector.list_changed(None)}
    ref = refs[f"page:{PRICING}"]
    doc = connector.fetch(ref)
    block = doc.block(node_id(doc, "Every plan includes"))
    after = block.text.replace("14-day", "30-day")
    journal = Journal()
    with pytest.raises(ManualStep) as caught:
        connector.apply(ref, [Edit(block_id=block.id, before=block.text, after=after)], journal)
    [step] = caught.value.steps
    assert (step["block_id"], step["page"], step["slug"], step["after"]) == (block.id, "Pricing", "pricing", after)
    assert step["node_id"] == block.attrs["node"] and "primary locale" in step["where"]
    assert step["before"] == block.text
    assert "<strong>setup in 5 minutes</strong>" in step["html"] and "30-day" in step["html"]
    assert "Webflow Designer" in str(caught.value) and "next pull" in str(caught.value)
    assert journal.entries == [] and webflow.routes().get(DOM_POST, 0) == 0


def test_rate_limit_answers_are_retried_honouring_retry_after(webflow):
    sleeps: list[float] = []
    connector = webflow.connector(retry=RetryPolicy(attempts=3, backoff=0.01, sleep=sleeps.append))
    webflow.post("faults", {"status": 429, "retry_after": 2, "count": 1})
    refs = list(connector.list_changed(None))
    assert len(refs) == 25 and sleeps == [2.0]
    webflow.post("faults", {"status": 429, "retry_after": 1, "count": 5})
    with pytest.raises(RemoteError) as caught:
        list(connector.list_changed(None))
    assert caught.value.retryable and caught.value.status == 429 and caught.value.code == "too_many_requests"
    connector.close()


def test_server_errors_are_retried_then_reported_retryable(webflow, connector):
    webflow.post("faults", {"status": 500, "count": 3})
    with pytest.raises(RemoteError) as caught:
        list(connector.list_changed(None))
    assert caught.value.retryable and caught.value.status == 500


def test_a_bad_token_is_an_auth_error_that_never_shows_the_token(webflow):
    connector = webflow.connector(token="wf-wrong-token-1234")
    with pytest.raises(AuthError) as caught:
        list(connector.list_changed(None))
    assert caught.value.status == 401 and "token" in str(caught.value)
    assert "wf-wrong-token-1234" not in str(caught.value)
    connector.close()


def test_an_unknown_item_is_not_found(connector):
    with pytest.raises(RemoteNotFound):
        connector.fetch(DocumentRef(source="webflow", remote_id=f"item:{BLOG}:ffffffffffffffffffffffff", kind="item"))


def test_a_remote_that_is_down_says_so():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connector = WebflowConnector("t", base_url=f"http://127.0.0.1:{port}/webflow", site_id=WEBFLOW_SITE_ID, rate=None,
                                 retry=RetryPolicy(attempts=1))
    with pytest.raises(RemoteError) as caught:
        list(connector.list_changed(None))
    assert caught.value.code == "unreachable" and "down" in str(caught.value)
    connector.close()


def test_site_publish_is_limited_to_one_a_minute(webflow, connector):
    answer = connector.publish_site()
    assert answer["customDomains"]
    before = connector.requests_made
    with pytest.raises(RemoteError) as caught:
        connector.publish_site()
    assert caught.value.retryable and "wait" in str(caught.value) and caught.value.retry_after > 0
    assert connector.requests_made == before  # refused without asking Webflow
    other = webflow.connector()  # another process: Webflow's own 429 says the same
    with pytest.raises(RemoteError) as caught:
        other.publish_site()
    assert caught.value.retryable and "wait" in str(caught.value)
    other.close()


def test_publishing_a_page_is_a_page_scoped_site_publish(webflow, connector):
    refs = {r.remote_id: r for r in connector.list_changed(None)}
    answer = connector.publish([refs[f"page:{PRICING}@{WEBFLOW_FRENCH_LOCALE_ID}"]])
    assert answer["published"] == [f"page:{PRICING}@{WEBFLOW_FRENCH_LOCALE_ID}"]


def test_pacing_spaces_requests_at_the_rate(webflow):
    connector = webflow.connector(rate=20.0)
    started = time.monotonic()
    list(connector.list_changed(None))
    elapsed = time.monotonic() - started
    assert connector.requests_made == 7 and elapsed >= 6 / 20 * 0.9
    connector.close()
