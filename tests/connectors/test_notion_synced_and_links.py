"""Synced blocks, link chips and partial reads of a Notion page: the normaliser on payloads,
then the sandbox over HTTP and the real connector (notion-client) against it.

The seed's "Brand boilerplate" holds a synced block original; "Press kit" shows a reference
to it, a paragraph with a `link_mention` chip and a `link_preview` block
(connectors/sandbox/seeds/notion/README.md).
"""

from __future__ import annotations

import json

import httpx
import pytest

from connectors.document import Block, Document, DocumentRef, Edit, Mention
from connectors.errors import ConfigError, LossyEdit, RemoteError, RemoteNotFound
from connectors.notion.normalise import document_from_payload
from connectors.sandbox import seeds
from tests.connectors.journals import RecordingJournal
from tests.connectors.test_notion_sandbox import assert_notion_error, call, children, ok

SEED_DIR = seeds.SEEDS / "notion" / "pages"
BOILERPLATE = json.loads((SEED_DIR / "36-brand-boilerplate.json").read_text(encoding="utf-8"))
PRESS = json.loads((SEED_DIR / "37-press-kit.json").read_text(encoding="utf-8"))
ORIGINAL = next(c for c in BOILERPLATE["children"] if c["type"] == "synced_block")["id"]
TAGLINE = "HelpHive is the chatbot for your docs."


def ref(seed: dict) -> DocumentRef:
    return DocumentRef(source="notion", remote_id=seed["id"], kind="page")


def _block(block_id: str, kind: str, body: dict, **extra) -> dict:
    return {"object": "block", "id": block_id, "type": kind, kind: body, "has_children": False, **extra}


def _para(block_id: str, text: str) -> dict:
    return _block(block_id, "paragraph", {"rich_text": [{"type": "text", "text": {"content": text, "link": None},
                                                          "plain_text": text, "href": None, "annotations": {}}]})


PAGE = {"object": "page", "id": "p1", "properties": {"title": {"type": "title", "title": []}}}


# -- normaliser -------------------------------------------------------------------------------------


def test_a_references_children_are_read_only_copies_with_their_own_ids_and_the_originals_page():
    reference = _block("ref", "synced_block", {"synced_from": {"type": "block_id", "block_id": "orig"}},
                       has_children=True)
    tree = [(0, _para("a", "Before")), (0, reference), (1, _para("c1", "Copied text")), (0, _para("b", "After"))]
    doc = document_from_payload(PAGE, tree, synced_pages={"orig": "Brand boilerplate"})
    frame, copy = doc.block("ref"), doc.block("ref/c1")
    assert frame is not None and copy is not None and doc.block("c1") is None
    assert (copy.text, copy.editable, copy.depth) == ("Copied text", False, 1)
    assert copy.readonly_reason == "A synced copy: edit the original on page 'Brand boilerplate'"
    assert copy.attrs["synced_original"] == "orig" and copy.attrs["synced_block"] == "c1"
    assert not frame.editable and frame.readonly_reason == copy.readonly_reason
    assert doc.block("a").editable and doc.block("b").editable, "blocks after the reference are the page's own"


def test_a_copy_of_a_page_copydesk_cannot_read_says_so_without_ids():
    reference = _block("ref", "synced_block", {"synced_from": {"type": "block_id", "block_id": "orig"}})
    doc = document_from_payload(PAGE, [(0, reference), (1, _para("c1", "Copied"))], synced_pages={"orig": ""})
    assert doc.block("ref/c1").readonly_reason == ("A synced copy of a block on a page copydesk cannot read: "
                                                   "edit the original in Notion")


def test_an_originals_children_stay_editable_and_say_they_are_synced():
    original = _block("orig", "synced_block", {"synced_from": None}, has_children=True)
    doc = document_from_payload(PAGE, [(0, original), (1, _para("c1", "Shared text")), (0, _para("b", "Own"))])
    child = doc.block("c1")
    assert child.editable and child.attrs == {"synced_original": "orig"}
    assert doc.block("orig").attrs == {"synced": "original"} and doc.block("orig").readonly_reason
    assert "synced_original" not in doc.block("b").attrs


def test_a_link_preview_block_is_read_only_with_its_url_and_a_link_mention_is_a_span():
    preview = _block("lp", "link_preview", {"url": "https://example.com/x"})
    chip = {"type": "mention", "mention": {"type": "link_mention", "link_mention": {"href": "https://e.com/a"}},
            "plain_text": "https://e.com/a", "href": "https://e.com/a", "annotations": {}}
    paragraph = _block("p", "paragraph", {"rich_text": [chip]})
    doc = document_from_payload(PAGE, [(0, preview), (0, paragraph)])
    block = doc.block("lp")
    assert (block.text, block.editable, block.attrs["url"]) == ("https://example.com/x", False, "https://example.com/x")
    assert "Notion" in block.readonly_reason
    assert doc.block("p").spans[0].mention == Mention(type="link_mention", target="https://e.com/a")


# -- sandbox ----------------------------------------------------------------------------------------


def _press_children(sandbox) -> list[dict]:
    return children(sandbox, PRESS["id"])


def test_a_reference_lists_its_originals_children_with_the_same_ids(sandbox):
    reference = next(b for b in _press_children(sandbox) if b["type"] == "synced_block")
    assert reference["synced_block"]["synced_from"] == {"type": "block_id", "block_id": ORIGINAL}
    assert reference["has_children"] is True
    original = ok(call(sandbox, "GET", f"/v1/blocks/{ORIGINAL}"))
    assert original["synced_block"]["synced_from"] is None
    assert [b["id"] for b in children(sandbox, reference["id"])] == [b["id"] for b in children(sandbox, ORIGINAL)]


def _chip_paragraph(sandbox) -> dict:
    return next(b for b in _press_children(sandbox)
                if b["type"] == "paragraph" and any(i["type"] == "mention" for i in b["paragraph"]["rich_text"]))


def test_a_link_mention_reads_as_notion_returns_it(sandbox):
    chip = next(i for i in _chip_paragraph(sandbox)["paragraph"]["rich_text"] if i["type"] == "mention")
    url = "https://techcrunch.com/2026/09/22/helphive-answers-from-your-docs/"
    assert chip["mention"]["type"] == "link_mention" and chip["mention"]["link_mention"]["href"] == url
    assert chip["plain_text"] == chip["href"] == url


def test_a_patch_sending_a_link_mention_back_is_refused_whole(sandbox):
    block = _chip_paragraph(sandbox)
    items = [{k: v for k, v in i.items() if k not in ("plain_text", "href")}
             for i in json.loads(json.dumps(block["paragraph"]["rich_text"]))]
    items[0]["text"]["content"] = "Changed words "
    response = call(sandbox, "PATCH", f"/v1/blocks/{block['id']}", body={"paragraph": {"rich_text": items}})
    body = assert_notion_error(response, 400, "validation_error")
    assert "rich_text[1].mention" in body["message"]
    now = ok(call(sandbox, "GET", f"/v1/blocks/{block['id']}"))
    assert now["paragraph"] == block["paragraph"], "nothing was written"


def test_a_link_preview_block_cannot_be_updated(sandbox):
    preview = next(b for b in _press_children(sandbox) if b["type"] == "link_preview")
    response = call(sandbox, "PATCH", f"/v1/blocks/{preview['id']}", body={"link_preview": {"url": "https://x.y"}})
    assert_notion_error(response, 400, "validation_error")


def test_gaps_leave_pages_out_of_search_and_fail_child_listings_by_id(sandbox):
    sandbox.post("gaps", {"omit_ids": [PRESS["id"]], "fail_ids": [BOILERPLATE["id"]], "children_status": 404})
    found = ok(call(sandbox, "POST", "/v1/search", body={"page_size": 100}))["results"]
    assert PRESS["id"] not in {p["id"] for p in found} and BOILERPLATE["id"] in {p["id"] for p in found}
    assert_notion_error(call(sandbox, "GET", f"/v1/blocks/{BOILERPLATE['id']}/children"), 404, "object_not_found")
    ok(call(sandbox, "GET", f"/v1/pages/{PRESS['id']}"))
    sandbox.post("gaps", {"children_fail": 1.0, "children_status": 503})
    assert_notion_error(call(sandbox, "GET", f"/v1/blocks/{PRESS['id']}/children"), 503, "service_unavailable")
    sandbox.post("gaps", {"clear": True})
    assert len(ok(call(sandbox, "POST", "/v1/search", body={"page_size": 100}))["results"]) == len(found) + 1


def test_random_search_gaps_hold_for_one_listing_and_change_between_listings(sandbox):
    sandbox.post("gaps", {"search_omits": 0.3, "seed": 5})

    def listing() -> set[str]:
        ids, cursor = set(), None
        while True:
            page = ok(call(sandbox, "POST", "/v1/search", body={"page_size": 5, "start_cursor": cursor}))
            ids |= {p["id"] for p in page["results"]}
            if not page["has_more"]:
                return ids
            cursor = page["next_cursor"]

    first, second = listing(), listing()
    total = len(ok(call(sandbox, "POST", "/v1/search", body={"page_size": 100}))["results"])
    assert first != second and 0 < len(first) < total + 5


def test_a_removed_page_is_404_everywhere(sandbox):
    sandbox.post("remove", {"id": PRESS["id"]})
    assert_notion_error(call(sandbox, "GET", f"/v1/pages/{PRESS['id']}"), 404, "object_not_found")
    assert_notion_error(call(sandbox, "GET", f"/v1/blocks/{PRESS['id']}/children"), 404, "object_not_found")


# -- connector --------------------------------------------------------------------------------------


def test_fetch_makes_the_press_kits_boilerplate_a_read_only_copy_named_after_the_originals_page(sandbox):
    connector = sandbox.connector()
    press, boilerplate = connector.fetch(ref(PRESS)), connector.fetch(ref(BOILERPLATE))
    originals = [b for b in boilerplate.blocks if b.attrs.get("synced_original") == ORIGINAL]
    copies = [b for b in press.blocks if b.attrs.get("synced_original") == ORIGINAL and b.kind != "synced_block"]
    assert [b.text for b in copies] == [b.text for b in originals] and TAGLINE in copies[0].text
    assert all(b.editable for b in originals) and not any(b.editable for b in copies)
    assert {b.readonly_reason for b in copies} == {"A synced copy: edit the original on page 'Brand boilerplate'"}
    assert {b.id for b in press.blocks} & {b.id for b in boilerplate.blocks} == {"title"}, "no id repeats"
    mine = [b for doc in (press, boilerplate) for b in doc.blocks if b.kind in ("synced_block", "link_preview")]
    assert len(mine) == 3 and all(not b.editable and b.readonly_reason for b in mine + copies)


def test_the_originals_page_is_looked_up_once_per_listing(sandbox):
    connector = sandbox.connector()
    connector.list_changed(None)
    before = sandbox.stats()["routes"]
    connector.fetch(ref(PRESS))
    connector.fetch(ref(PRESS))
    after = sandbox.stats()["routes"]
    assert after.get("GET /v1/blocks/{id}", 0) - before.get("GET /v1/blocks/{id}", 0) == 1
    assert after["GET /v1/pages/{id}"] - before.get("GET /v1/pages/{id}", 0) == 3, "two fetches and one title"


def _chip_block(document: Document) -> Block:
    return next(b for b in document.blocks if any(s.mention and s.mention.type == "link_mention" for s in b.spans))


def test_an_edit_of_a_paragraph_with_a_link_mention_is_refused_as_lossy_before_any_write(sandbox):
    connector = sandbox.connector()
    block = _chip_block(connector.fetch(ref(PRESS)))
    writes = sandbox.stats()["routes"].get("PATCH /v1/blocks/{id}", 0)
    edit = Edit(block_id=block.id, before=block.text, after=block.text.replace("chatbot", "AI support engineer"))
    journal = RecordingJournal()
    with pytest.raises(LossyEdit, match="link preview") as refused:
        connector.apply(ref(PRESS), [edit], journal)
    assert "--allow-lossy" in str(refused.value) and list(refused.value.losses) == [block.id]
    assert block.id not in str(refused.value) and block.id not in refused.value.in_app, "no internal id in what a person reads"
    assert sandbox.stats()["routes"].get("PATCH /v1/blocks/{id}", 0) == writes and not journal.intents


def test_with_allow_lossy_the_chip_goes_as_a_text_run_with_the_same_link(sandbox):
    connector = sandbox.connector()
    block = _chip_block(connector.fetch(ref(PRESS)))
    after = block.text.replace("chatbot", "AI support engineer")
    written = connector.apply(ref(PRESS), [Edit(block_id=block.id, before=block.text, after=after, allow_lossy=True)],
                              RecordingJournal())
    now = written.block(block.id)
    chip = next(s for s in block.spans if s.mention)
    assert now.text == after and not any(s.mention for s in now.spans)
    assert any(s.text == chip.text and s.href == chip.href for s in now.spans)


def test_an_apply_on_a_synced_copy_is_refused_before_any_write_naming_the_original(sandbox):
    connector = sandbox.connector()
    copy = next(b for b in connector.fetch(ref(PRESS)).blocks if TAGLINE in b.text)
    writes = sandbox.stats()["routes"].get("PATCH /v1/blocks/{id}", 0)
    edit = Edit(block_id=copy.id, before=copy.text, after=copy.text.replace("chatbot", "AI support engineer"))
    with pytest.raises(ConfigError, match="edit the original on page 'Brand boilerplate'"):
        connector.apply(ref(PRESS), [edit], RecordingJournal())
    assert sandbox.stats()["routes"].get("PATCH /v1/blocks/{id}", 0) == writes


def test_a_404_on_a_child_listing_is_not_the_pages_not_found(sandbox):
    nested = next(b for b in children(sandbox, PRESS["id"]) if b["type"] == "synced_block")
    sandbox.post("gaps", {"fail_ids": [nested["id"]], "children_status": 404})
    with pytest.raises(RemoteError) as caught:
        sandbox.connector().fetch(ref(PRESS))
    assert not isinstance(caught.value, RemoteNotFound) and not caught.value.retryable
    assert "not for the page itself" in str(caught.value) and "Press kit" in str(caught.value)


def test_a_page_404_is_remote_not_found_and_a_trashed_page_is_archived_without_its_blocks(sandbox):
    httpx.patch(f"{sandbox.base_url}/v1/pages/{BOILERPLATE['id']}", json={"in_trash": True},
                headers={"Authorization": f"Bearer {sandbox.token}", "Notion-Version": "2025-09-03"}
                ).raise_for_status()
    sandbox.post("gaps", {"fail_ids": [BOILERPLATE["id"]]})
    trashed = sandbox.connector().fetch(ref(BOILERPLATE))
    assert trashed.ref.archived and [b.kind for b in trashed.blocks] == ["title"]
    sandbox.post("remove", {"id": PRESS["id"]})
    with pytest.raises(RemoteNotFound):
        sandbox.connector().fetch(ref(PRESS))
