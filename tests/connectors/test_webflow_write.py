"""Edits → Webflow writes: RichText patched byte for byte, page nodes, and the primary locale's manual steps."""

from __future__ import annotations

import pytest

from connectors.document import Document, Edit
from connectors.errors import LossyEdit
from connectors.preflight import preflight
from connectors.webflow.normalise import Locale, collection_from_payload, item_document, page_document, page_ref
from connectors.webflow.write import manual_steps, plan_item_write, plan_nodes_write, plan_settings_write

COLLECTION = collection_from_payload({"id": "col1", "slug": "blog", "displayName": "Blog posts", "fields": [
    {"slug": "name", "type": "PlainText"}, {"slug": "slug", "type": "PlainText"},
    {"slug": "summary", "type": "PlainText"}, {"slug": "post-body", "type": "RichText"}]})
BODY = ('<h2 id="intro" class="h-big">Support that <em>scales</em></h2>\n'
        '<p data-w-id="a1">Read <a href="/guide?x=1&amp;y=2" target="_blank"><strong>the full</strong> guide</a>'
        ' &mdash; it&#39;s <em>free</em>.<br>Second&nbsp;line.</p>'
        '<ul><li>Fast <b>setup</b></li><li>No <i>lock-in</i></li></ul>')


def item(body: str = BODY, summary: str = "Short & sweet") -> dict:
    return {"id": "it1", "lastUpdated": "2026-01-01T00:00:00.000Z", "isArchived": False, "isDraft": False,
            "fieldData": {"name": "Launch", "slug": "launch", "summary": summary, "post-body": body}}


def write(doc: Document, *edits: Edit):
    return plan_item_write("col1", "it1", doc, preflight(doc, edits))


def edited(doc: Document, block_id: str, after: str, **options) -> Edit:
    return Edit(block_id=block_id, before=doc.block(block_id).text, after=after, **options)


@pytest.mark.parametrize("block_id, after", [
    ("field:post-body:1", "Read the whole guide \u2014 it's free.\nSecond\xa0line."),  # inside link + strong
    ("field:post-body:1", "Read the full guide \u2014 it's totally free.\nSecond\xa0line."),  # inside emphasis
    ("field:post-body:1", "Read our guide today \u2014 it's free.\nSecond\xa0line."),  # across tags
    ("field:post-body:0", "Support that grows"),
    ("field:post-body:3", "No lock-in, ever"),
])
def test_apply_then_revert_leaves_the_field_byte_identical(block_id, after):
    original = item_document(item(), COLLECTION, None)
    change = write(original, edited(original, block_id, after))
    assert list(change.field_data) == ["post-body"]
    new_body = change.field_data["post-body"]
    applied = item_document(item(new_body), COLLECTION, None)
    assert applied.block(block_id).text == after
    # Every other element is untouched, byte for byte.
    others = [b.raw["html"] for b in original.blocks if b.id != block_id and "html" in b.raw]
    assert all(raw in new_body for raw in others)
    revert = Edit(block_id=block_id, before=after, after=original.block(block_id).text,
                  target=original.block(block_id))
    assert write(applied, revert).field_data["post-body"] == BODY


def test_an_edit_keeps_tags_attributes_and_entity_spellings_of_its_element():
    doc = item_document(item(), COLLECTION, None)
    body = write(doc, edited(doc, "field:post-body:1", "Read the full manual \u2014 it's free.\nSecond\xa0line.")) \
        .field_data["post-body"]
    assert ('<p data-w-id="a1">Read <a href="/guide?x=1&amp;y=2" target="_blank"><strong>the full</strong> manual</a>'
            ' &mdash; it&#39;s <em>free</em>.<br>Second&nbsp;line.</p>') in body
    # Reworded inside the link: the new words take the link's and the bold run's formatting.
    doc = item_document(item(body), COLLECTION, None)
    assert doc.block("field:post-body:1").spans[2].href == "/guide?x=1&y=2"


def test_new_text_is_escaped_and_emptied_inline_tags_are_dropped():
    doc = item_document(item(), COLLECTION, None)
    body = write(doc, edited(doc, "field:post-body:2", "Fast & <simple>")).field_data["post-body"]
    assert "<li>Fast <b>&amp; &lt;simple&gt;</b></li>" in body  # the new words replace bold ones: bold
    body = write(doc, edited(doc, "field:post-body:2", "Fast")).field_data["post-body"]
    assert "<li>Fast</li>" in body  # "setup" was bold; its <b> had nothing left


def test_two_edits_to_one_field_and_a_plain_text_field_make_one_write():
    doc = item_document(item(), COLLECTION, None)
    change = write(doc, edited(doc, "field:post-body:0", "Support that grows"),
                   edited(doc, "field:post-body:3", "No lock-in at all"),
                   edited(doc, "field:summary", "Short, sweet & <b>"))
    assert change.field_data["summary"] == "Short, sweet & <b>"  # plain text is sent as text
    assert '<h2 id="intro" class="h-big">Support that <em>grows</em></h2>' in change.field_data["post-body"]
    assert "<li>No <i>lock-in at all</i></li>" in change.field_data["post-body"]
    assert change.as_request() == {"method": "PATCH", "path": "/v2/collections/col1/items/it1",
                                   "body": {"fieldData": change.field_data}}
    assert change.block_ids == ("field:post-body:0", "field:post-body:3", "field:summary")


def test_removing_a_line_break_is_lossy_unless_allowed():
    doc = item_document(item(), COLLECTION, None)
    after = "Read the full guide \u2014 it's free. Second\xa0line."
    with pytest.raises(LossyEdit):
        preflight(doc, [edited(doc, "field:post-body:1", after)])
    body = write(doc, edited(doc, "field:post-body:1", after, allow_lossy=True)).field_data["post-body"]
    assert "free</em>. Second&nbsp;line.</p>" in body and "<br>" not in body


FRENCH = Locale(id="loc-fr", cms_locale_id="cms-fr", tag="fr-FR", name="French", subdirectory="fr", primary=False)
ENGLISH = Locale(id="loc-en", cms_locale_id="cms-en", tag="en", name="English", subdirectory="", primary=True)
PAGE = {"id": "pg1", "title": "Pricing", "slug": "pricing", "lastUpdated": "2026-01-01T00:00:00Z"}
NODES = [{"id": "n1", "type": "text", "text": {"html": '<h1 data-w-id="z">Simple <strong>pricing</strong></h1>',
                                              "text": "Simple pricing"}},
         {"id": "n2", "type": "text", "text": {"html": "<div><h3>Plans</h3><p>Pick one.</p></div>", "text": None}}]


def page(locale: Locale) -> Document:
    return page_document(page_ref(PAGE, locale, None), PAGE, NODES, locale)


def test_a_secondary_locale_node_is_written_with_its_tags():
    doc = page(FRENCH)
    planned = preflight(doc, [edited(doc, "node:n1", "Des prix simples"),
                              edited(doc, "node:n2", "Plans\nChoisissez-en un.")])
    [request] = plan_nodes_write("pg1", "loc-fr", planned, doc)
    assert request.nodes == [
        {"nodeId": "n1", "text": '<h1 data-w-id="z">Des <strong>prix simples</strong></h1>'},
        {"nodeId": "n2", "text": "<div><h3>Plans</h3><p>Choisissez-en un.</p></div>"},
    ]
    assert request.as_request()["path"] == "/v2/pages/pg1/dom?localeId=loc-fr"


def test_the_primary_locale_becomes_manual_steps_with_copy_ready_text():
    doc = page(ENGLISH)
    planned = preflight(doc, [edited(doc, "node:n1", "Simple, fair pricing")])
    assert manual_steps(doc, planned) == [{
        "block_id": "node:n1",
        "where": "Webflow page “Pricing” (/pricing), English (en), primary locale",
        "section": "at the top of the page",
        "editor": "the Webflow Designer",
        "before": "Simple pricing",
        "after": "Simple, fair pricing",
        "node_id": "n1",
        "page": "Pricing",
        "slug": "pricing",
        "locale": "English (en), primary locale",
        "html": '<h1 data-w-id="z">Simple, fair <strong>pricing</strong></h1>',
    }]


def test_a_manual_step_says_the_section_by_its_heading_never_a_node_id():
    """The Designer shows headings, not node ids: each step is placed under the nearest
    heading above it, a node above the first heading at the top of the page above it."""
    nodes = [{"id": "e1", "type": "text", "text": {"html": "<div>THE CHATBOT FOR YOUR DOCS</div>"}},
             {"id": "h1", "type": "text", "text": {"html": "<h1>Answers from your docs</h1>"}},
             {"id": "img", "type": "image", "image": {}},
             {"id": "p1", "type": "text", "text": {"html": "<p>HelpHive is the chatbot.</p>"}},
             {"id": "c1", "type": "text", "text": {"html": "<div><h3>Setup in <em>5</em> minutes</h3><p>Connect.</p></div>"}},
             {"id": "p2", "type": "text", "text": {"html": "<p>Works with Zendesk.</p>"}},
             {"id": "h2", "type": "text", "text": {"html": "<div><h2>Why teams choose it</h2></div>"}},
             {"id": "p3", "type": "text", "text": {"html": "<p>Fast.</p>"}}]
    doc = page_document(page_ref(PAGE, ENGLISH, None), PAGE, nodes, ENGLISH)
    planned = preflight(doc, [edited(doc, f"node:{n}", "New text.", allow_lossy=True) for n in ("e1", "p1", "c1", "p2", "p3")])
    steps = manual_steps(doc, planned)
    assert [s["section"] for s in steps] == [
        "at the top of the page, above “Answers from your docs”",
        "under the heading “Answers from your docs”",
        "under the heading “Answers from your docs”",
        "under the heading “Answers from your docs”",  # a card's own heading opens no section
        "under the heading “Why teams choose it”",
    ]
    assert not any(s["node_id"] in s["where"] + s["section"] for s in steps)


SETTINGS_PAGE = {**PAGE, "seo": {"title": "Pricing | HelpHive", "description": "Plans for every team."},
                 "openGraph": {"title": "Pricing | HelpHive", "titleCopied": True,
                               "description": "Pick a plan.", "descriptionCopied": False}}
FORM_NODES = [{"id": "f1", "type": "select", "choices": [{"value": "s", "text": "Small"}, {"value": "l", "text": "Large"}]},
              {"id": "f2", "type": "submit-button", "value": "Send", "waitingText": "Sending..."}]


def settings_page(locale: Locale) -> Document:
    return page_document(page_ref(SETTINGS_PAGE, locale, None), SETTINGS_PAGE, FORM_NODES, locale)


def test_an_seo_title_edit_sends_the_whole_seo_object_and_keeps_a_copied_open_graph_copied():
    doc = settings_page(ENGLISH)
    write = plan_settings_write("pg1", "", doc, preflight(doc, [edited(doc, "seo:title", "Plans | HelpHive")]))
    assert write.body() == {"seo": {"title": "Plans | HelpHive", "description": "Plans for every team."}}
    assert write.as_request()["method"] == "PUT" and write.as_request()["path"] == "/v2/pages/pg1"


def test_an_open_graph_edit_sends_only_the_page_s_own_open_graph_values():
    doc = settings_page(FRENCH)
    write = plan_settings_write("pg1", "loc-fr", doc, preflight(doc, [edited(doc, "og:description", "Choisissez.")]))
    assert write.body() == {"openGraph": {"description": "Choisissez.", "descriptionCopied": False}}
    assert write.as_request()["path"] == "/v2/pages/pg1?localeId=loc-fr"


def test_form_edits_write_every_choice_and_merge_a_button_s_texts_into_one_node():
    doc = settings_page(FRENCH)
    planned = preflight(doc, [edited(doc, "node:f1:choice:1", "Grande"), edited(doc, "node:f2:value", "Envoyer"),
                              edited(doc, "node:f2:waitingText", "Envoi...")])
    [request] = plan_nodes_write("pg1", "loc-fr", planned, doc)
    assert request.nodes == [{"nodeId": "f1", "choices": [{"value": "s", "text": "Small"}, {"value": "l", "text": "Grande"}]},
                             {"nodeId": "f2", "value": "Envoyer", "waitingText": "Envoi..."}]
    assert request.block_ids == ("node:f1:choice:1", "node:f2:value", "node:f2:waitingText")


def test_in_the_primary_locale_only_node_edits_become_manual_steps():
    doc = settings_page(ENGLISH)
    planned = preflight(doc, [edited(doc, "seo:title", "Plans"), edited(doc, "node:f2:value", "Go")])
    steps = manual_steps(doc, planned)
    assert [(s["block_id"], s["after"], s["label"]) for s in steps] == [("node:f2:value", "Go", "Label of a submit button")]


EMBED = '<div class="w-embed"><iframe src="https://player.example/v/1" title="Demo"></iframe></div>'


def test_a_field_with_an_embed_round_trips_and_is_written():
    doc = item_document(item(BODY + EMBED), COLLECTION, None)
    body = write(doc, edited(doc, "field:post-body:0", "Support that grows")).field_data["post-body"]
    assert body.endswith(EMBED)


def test_an_embed_webflow_answered_empty_refuses_the_write_even_when_lossy_is_allowed():
    doc = item_document(item(BODY + '<div class="w-embed"></div>'), COLLECTION, None)
    with pytest.raises(LossyEdit, match="custom-code embed.*empty.*Nothing was written") as refused:
        write(doc, edited(doc, "field:post-body:0", "Support that grows", allow_lossy=True))
    assert list(refused.value.losses) == ["field:post-body"]
