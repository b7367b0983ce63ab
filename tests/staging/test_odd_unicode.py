"""Odd Unicode from a remote (a lone surrogate, NUL, U+FFFF, a very long line) is stored
and read back safely, through the Notion sandbox and the real SDK; what cannot be stored
is shown as U+FFFD and never written back."""

from __future__ import annotations

import json

import httpx

from connectors.storable import REASON
from staging.pull import pull
from staging.render import to_markdown


def _first_paragraph(sandbox) -> dict:
    headers = {"Authorization": f"Bearer {sandbox.token}", "Notion-Version": "2025-09-03"}
    pages = httpx.post(f"{sandbox.base_url}/v1/search", json={"page_size": 100}, headers=headers).json()["results"]
    for page in pages:
        children = httpx.get(f"{sandbox.base_url}/v1/blocks/{page['id']}/children", headers=headers).json()["results"]
        for block in children:
            if block["type"] == "paragraph" and block["paragraph"]["rich_text"]:
                return {"page": page["id"], "text": block["paragraph"]["rich_text"][0]["plain_text"]}
    raise AssertionError("the seed workspace has no paragraph")


def test_a_lone_surrogate_and_a_nul_in_a_block_do_not_break_pulls(store, sandbox):
    pull(store, sandbox.connector())
    target = _first_paragraph(sandbox)
    word = target["text"].split()[0]
    odd = {"id": target["page"], "find": word, "replace": word + "\ud800\x00\uffff" + "x" * 20_000}
    # As a JSON API sends it: the surrogate escaped (httpx's json= cannot even encode it).
    httpx.post(f"{sandbox.base_url}/_sandbox/edit", content=json.dumps(odd),
               headers={"Content-Type": "application/json"}).raise_for_status()

    for _ in range(2):  # every later pull too
        pull(store, sandbox.connector())
    tracked = store.document_by_remote("notion", target["page"])
    doc = store.load(store.revision(tracked.head_revision_id))
    [block] = [b for b in doc.blocks if "\ufffd" in b.text]
    assert block.text.startswith(word + "\ufffd\ufffd\uffff" + "x" * 20_000)
    assert not block.editable and block.attrs["unstorable"] == block.readonly_reason == REASON
    assert "\ufffd\ufffd\uffff" in to_markdown(doc)
    untouched = [b for b in doc.blocks if b.kind == "paragraph" and b.id != block.id]
    assert all(b.editable for b in untouched)
