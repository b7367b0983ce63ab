"""Webflow payloads → documents: the spec's own examples, and RichText HTML with nested inline tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.document import Span
from connectors.webflow import html
from connectors.webflow.normalise import (
    collection_from_payload,
    item_document,
    item_ref,
    page_document,
    page_ref,
    parse_remote_id,
    site_from_payload,
)

SHAPES = Path(__file__).resolve().parents[2] / "fixtures" / "api-shapes" / "webflow"


def shape(name: str) -> dict:
    return json.loads((SHAPES / name).read_text())


SITE = site_from_payload(shape("get_site.json")["SiteWithLocales"]["value"])
FRENCH = SITE.locales[1]
# The spec's item example (get-item-live) uses these field slugs; its collection-details
# example describes another collection, so the schema is written to match the item.
COLLECTION = collection_from_payload({"id": "c0ffee", "slug": "guides", "displayName": "Guides", "fields": [
    {"slug": "name", "type": "PlainText", "displayName": "Name"},
    {"slug": "slug", "type": "PlainText", "displayName": "Slug"},
    {"slug": "plain-text", "type": "PlainText", "displayName": "Tagline"},
    {"slug": "rich-text", "type": "RichText", "displayName": "Body"},
    {"slug": "main-image", "type": "Image", "displayName": "Image"},
    {"slug": "answer-to-everything", "type": "Number", "displayName": "Answer"},
]})


def test_site_locales_and_domain():
    assert SITE.base_url == "https://hitchhikersguide.galaxy"
    assert [(locale.tag, locale.primary) for locale in SITE.locales] == [("en-US", True), ("fr-FR", False), ("es-MX", False)]
    assert SITE.custom_domain_ids == ("589a331aa51e760df7ccb89d", "589a331aa51e760df7ccb89e")


def test_an_item_from_the_spec_becomes_title_field_and_rich_text_blocks():
    item = shape("get_item_live.json")
    doc = item_document(item, COLLECTION, SITE)
    assert doc.ref.remote_id == "item:c0ffee:42b720ef280c7a7a3be8cabe"
    assert (doc.ref.kind, doc.ref.title, doc.ref.parent) == ("item", "The Hitchhiker's Guide to the Galaxy", "c0ffee")
    assert doc.ref.url == "https://hitchhikersguide.galaxy/guides/hitchhikers-guide-to-the-galaxy"
    assert doc.ref.remote_version == "2022-11-17T17:19:43.282Z" and doc.ref.updated_at.year == 2022
    assert not doc.ref.archived
    assert [(b.id, b.kind, b.editable) for b in doc.blocks] == [
        ("field:name", "title", True),
        ("field:slug", "slug", False),
        ("field:plain-text", "field", True),
        ("field:rich-text:0", "heading_3", True),
        ("field:rich-text:1", "paragraph", True),
    ]
    paragraph = doc.block("field:rich-text:1")
    assert paragraph.spans == (
        Span(text="A towel is about the most massively useful thing an interstellar hitchhiker can have. "),
        Span(text="Don't forget yours!", bold=True),
    )
    assert paragraph.raw["html"] == ("<p>A towel is about the most massively useful thing an interstellar "
                                     "hitchhiker can have. <strong>Don't forget yours!</strong></p>")
    assert doc.block("field:rich-text:0").attrs["level"] == 3
    # Bookkeeping that changes without the copy changing stays out of the stored payload.
    assert "lastUpdated" not in doc.raw and "lastPublished" not in doc.raw
    assert doc.raw["fieldData"]["answer-to-everything"] == 42


def test_listed_items_are_refs_and_archived_items_say_so():
    listing = shape("list_collection_items.json")
    refs = [item_ref(item, COLLECTION, SITE) for item in listing["items"]]
    assert [r.title for r in refs] == ["Senior Data Analyst", "Product Manager"]
    archived = item_ref({**listing["items"][0], "isArchived": True}, COLLECTION, SITE)
    draft = item_ref({**listing["items"][0], "isDraft": True}, COLLECTION, SITE)
    assert archived.archived and not draft.archived


def test_rich_text_with_nested_inline_tags_lists_and_quotes():
    source = ('<h2 id="why">Why <em>Fernhill</em></h2>\n'
              '<p>Read <a href="https://x.example/a?b=1&amp;c=2" data-w-id="k1"><strong>the <em>full</em> guide</strong>'
              ' now</a>, or <code>copy</code>&nbsp;it.<br>Next line.</p>'
              '<ul><li>One <b>bold</b><ul><li>Nested <i>item</i></li></ul></li><li>Two</li></ul>'
              '<ol><li>First</li></ol><blockquote>Quoted &amp; kept</blockquote>'
              '<figure class="w-richtext-figure-type-image"><div><img src="/a.png" alt=""></div>'
              '<figcaption>Caption</figcaption></figure>')
    root = html.parse(source)
    assert root.source == source
    units = html.field_units(root)
    assert [(u.kind, u.depth, dict(u.attrs).get("ordered")) for u in units] == [
        ("heading_2", 0, None), ("paragraph", 0, None), ("list_item", 0, False), ("list_item", 1, False),
        ("list_item", 0, False), ("list_item", 0, True), ("quote", 0, None), ("figure", 0, None)]
    paragraph = html.runs(units[1].node)
    href = "https://x.example/a?b=1&c=2"
    assert html.spans(paragraph) == (
        Span(text="Read "),
        Span(text="the ", bold=True, href=href),
        Span(text="full", bold=True, italic=True, href=href),
        Span(text=" guide", bold=True, href=href),
        Span(text=" now", href=href),
        Span(text=", or "),
        Span(text="copy", code=True),
        Span(text="\xa0it."),
        Span(text="\n", mention=html.LINE_BREAK),
        Span(text="Next line."),
    )
    outer_item = html.runs(units[2].node, skip_lists=True)
    assert html.text_of(outer_item) == "One bold"
    assert html.text_of(html.runs(units[3].node, skip_lists=True)) == "Nested item"
    assert html.text_of(html.runs(units[6].node)) == "Quoted & kept"


def test_a_page_node_with_several_elements_reads_as_lines():
    dom = shape("page_dom.json")
    meta = shape("get_page_metadata.json")
    ref = page_ref(meta, SITE.locales[0], SITE)
    doc = page_document(ref, meta, dom["nodes"], SITE.locales[0])
    assert ref.remote_id == "page:6596da6045e56dee495bcbba" and ref.kind == "page"
    assert ref.url == "https://hitchhikersguide.galaxy/en-us/guide-to-the-galaxy"
    assert ref.remote_version == "2024-03-11T10:42:42.000Z"  # as Webflow writes it, whatever the SDK parsed
    assert [(b.id, b.kind, b.text, b.editable) for b in doc.blocks if b.kind not in ("setting", "form_text",
                                                                                      "alt_text")] == [
        ("node:a245c12d-995b-55ee-5ec7-aa36a6cad623", "heading_1", "The Hitchhiker's Guide to the Galaxy", True),
        ("node:a245c12d-995b-55ee-5ec7-aa36a6cad627", "text", "Don't Panic!\nAlways know where your towel is.", True),
        ("node:a245c12d-995b-55ee-5ec7-aa36a6cad631:a245c12d-995b-55ee-5ec7-aa36a6cad633", "component_text",
         "Don't Panic!", False),
        ("node:a245c12d-995b-55ee-5ec7-aa36a6cad631:a245c12d-995b-55ee-5ec7-aa36a6cad635", "component_text",
         "Always know where your towel is.", False),
    ]
    assert doc.block("node:a245c12d-995b-55ee-5ec7-aa36a6cad623").attrs["manual"] is True  # written by a person
    assert doc.raw["writable"] is False and "lastUpdated" not in doc.raw["page"]


def test_a_secondary_locale_is_its_own_document_under_the_primary_page():
    meta = shape("get_page_metadata.json")
    ref = page_ref({**meta, "publishedPath": None}, FRENCH, SITE)
    assert ref.remote_id == f"page:6596da6045e56dee495bcbba@{FRENCH.id}"
    assert ref.title == "Guide to the Galaxy [fr-FR]" and ref.parent == "page:6596da6045e56dee495bcbba"
    assert ref.url == "https://hitchhikersguide.galaxy/fr-fr/guide-to-the-galaxy"
    doc = page_document(ref, meta, shape("page_dom.json")["nodes"], FRENCH)
    assert doc.raw["writable"] is True and "manual" not in doc.blocks[0].attrs
    assert parse_remote_id(ref.remote_id) == ("page", "6596da6045e56dee495bcbba", FRENCH.id)


@pytest.mark.parametrize("remote_id", ["item:abc", "page:", "site:1", ""])
def test_foreign_ids_are_refused(remote_id):
    with pytest.raises(ValueError):
        parse_remote_id(remote_id)


def test_page_settings_from_the_spec_example_are_the_first_editable_blocks():
    meta = shape("get_page_metadata.json")
    doc = page_document(page_ref(meta, SITE.locales[0], SITE), meta, [], SITE.locales[0])
    assert [(b.id, b.text, b.editable, b.attrs.get("manual")) for b in doc.blocks] == [
        ("seo:title", "The Ultimate Hitchhiker's Guide to the Galaxy", True, None),
        ("seo:description", "Everything you need to know about the galaxy, from avoiding Vogon poetry to the "
                            "importance of towels.", True, None),
        ("og:title", "Explore the Cosmos with The Ultimate Guide", True, None),
        ("og:description", "Dive deep into the mysteries of the universe with your guide to everything galactic.",
         True, None),
    ]


def test_an_open_graph_value_copied_from_seo_is_read_only_and_says_where_to_edit():
    meta = shape("get_page_metadata.json")
    meta["openGraph"] = {"title": meta["seo"]["title"], "titleCopied": True,
                         "description": "Own description", "descriptionCopied": False}
    doc = page_document(page_ref(meta, FRENCH, SITE), meta, [], FRENCH)
    copied, own = doc.block("og:title"), doc.block("og:description")
    assert not copied.editable and copied.readonly_reason.startswith("Copies the SEO title: edit the SEO title")
    assert own.editable and not own.readonly_reason


def test_form_image_and_unknown_nodes_of_the_spec_example():
    dom = shape("page_dom.json")
    meta = shape("get_page_metadata.json")
    doc = page_document(page_ref(meta, FRENCH, SITE), meta, dom["nodes"], FRENCH)
    forms = [(b.id.split(":", 2)[2], b.text, b.editable) for b in doc.blocks if b.kind in ("form_text", "alt_text")]
    assert forms == [("alt", "Marvin, the Paranoid Android", False),
                     ("choice:0", "First choice", True), ("choice:1", "Second choice", True),
                     ("placeholder", "Enter something here...", True),
                     ("value", "Submit", True), ("waitingText", "Submitting...", True)]  # the example's `submit`
    alt = doc.block("node:a245c12d-995b-55ee-5ec7-aa36a6cad629:alt")
    assert "Webflow Designer" in alt.readonly_reason
    assert all(b.readonly_reason for b in doc.blocks if not b.editable)
    assert [(n.element, n.chars) for n in doc.not_captured] == [("custom attribute 'number' of a text node", 9)]
    odd = {"id": "x1", "type": "video-caption", "caption": {"text": "Twelve chars"}}
    doc = page_document(page_ref(meta, FRENCH, SITE), meta, [odd], FRENCH)
    assert [(n.element, n.chars) for n in doc.not_captured] == [("video-caption node", 12)]


def test_a_secondary_cms_locale_variant_is_its_own_document_under_the_primary_item():
    item = {**shape("get_item_live.json"), "cmsLocaleId": FRENCH.cms_locale_id}
    doc = item_document(item, COLLECTION, SITE)
    primary = item_document({**item, "cmsLocaleId": SITE.locales[0].cms_locale_id}, COLLECTION, SITE)
    assert primary.ref.remote_id == "item:c0ffee:42b720ef280c7a7a3be8cabe"
    assert doc.ref.remote_id == f"item:c0ffee:42b720ef280c7a7a3be8cabe@{FRENCH.cms_locale_id}"
    assert doc.ref.parent == primary.ref.remote_id and doc.ref.title.endswith("[fr-FR]")
    assert doc.ref.url.startswith(f"https://hitchhikersguide.galaxy/{FRENCH.subdirectory}/guides/")
    assert parse_remote_id(doc.ref.remote_id) == ("item", "c0ffee", f"42b720ef280c7a7a3be8cabe@{FRENCH.cms_locale_id}")
    assert [b.id for b in doc.blocks] == [b.id for b in primary.blocks]


def test_a_rich_text_embed_is_a_read_only_block_and_keeps_later_ids():
    body = ('<p>Intro.</p><div class="w-embed w-script"><blockquote><p>Quoted tweet.</p></blockquote>'
            '<script src="https://x.example/w.js"></script></div><figure><img src="a.png"><figcaption>Cap</figcaption>'
            '</figure><p>After.</p>')
    item = {"id": "i1", "fieldData": {"name": "N", "slug": "n", "rich-text": body}}
    doc = item_document(item, COLLECTION, SITE)
    rich = [(b.id, b.kind, b.editable) for b in doc.blocks if b.id.startswith("field:rich-text")]
    assert rich == [("field:rich-text:0", "paragraph", True), ("field:rich-text:1", "embed", False),
                    ("field:rich-text:2", "figure", False), ("field:rich-text:3", "paragraph", True)]
    assert "never rewrites code" in doc.block("field:rich-text:1").readonly_reason
    assert "caption" in doc.block("field:rich-text:2").readonly_reason
    assert "URL" in doc.block("field:slug").readonly_reason
