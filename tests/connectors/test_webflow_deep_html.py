"""A RichText field as deep as a remote likes: read, pulled and written back byte for byte
through the Webflow sandbox over real HTTP with the official SDK (the HTML walks keep their
own stacks; Python's ended in RecursionError at about 1,000 levels)."""

from __future__ import annotations

from connectors.document import Edit
from connectors.webflow import html
from staging import changesets
from staging.pull import pull
from tests.conftest import WebflowAdmin
from tests.connectors.test_webflow_connector import BLOG, WHY, WHY_ID, Journal

DEPTH = 3_000
PHRASE = "the chatbot for your docs"
DEEP = "<span>" * DEPTH + PHRASE + "</span>" * DEPTH


def _post_body(webflow: WebflowAdmin) -> str:
    return webflow.get(f"/collections/{BLOG}/items/{WHY}")["fieldData"]["post-body"]


def test_3000_nested_spans_are_pulled_edited_and_reverted_byte_for_byte(webflow, store):
    connector = webflow.connector()
    webflow.post("edit", {"item": WHY, "field": "post-body", "find": PHRASE, "replace": DEEP})
    injected = _post_body(webflow)
    assert DEEP in injected

    report = pull(store, connector)
    assert report.new and WHY_ID not in [row["remote_id"] for row in report.not_captured]
    tracked = store.document_by_remote("webflow", WHY_ID)
    stored = store.load(changesets.revision_of(store, tracked.head_revision_id))
    block = stored.block("field:post-body:2")
    assert block.text.startswith(f"So we built HelpHive, {PHRASE}.") and block.editable

    ref = next(r for r in connector.list_changed(None) if r.remote_id == WHY_ID)
    after = block.text.replace(PHRASE, "the docs chatbot")
    written = connector.apply(ref, [Edit(block_id=block.id, before=block.text, after=after)], Journal())
    assert written.block(block.id).text == after
    assert _post_body(webflow) == injected.replace(DEEP, DEEP.replace(PHRASE, "the docs chatbot"))

    connector.apply(ref, [Edit(block_id=block.id, before=after, after=block.text, target=block)], Journal())
    assert _post_body(webflow) == injected


def test_a_deeper_tree_still_parses_reads_and_patches_without_recursion():
    source = "<p>" + "<em><span>" * 20_000 + "deep words" + "</span></em>" * 20_000 + "</p><ul>" \
        + "<li>item<ul>" * 2_000 + "<li>leaf</li>" + "</ul></li>" * 2_000 + "</ul>"
    root = html.parse(source)
    units = html.field_units(root)
    assert [u.kind for u in units[:2]] == ["paragraph", "list_item"] and units[-1].depth == 2_000
    runs = html.runs(units[0].node)
    assert html.text_of(runs) == "deep words" and runs[0].span.italic
    from connectors.text import rewrite

    patched = html.patch_unit(units[0].node, rewrite(html.spans(runs), "deeper words").pieces)
    assert patched == units[0].node.source.replace("deep words", "deeper words")
    assert html.offset_of(root, units[1].node) == source.index("<li>")
