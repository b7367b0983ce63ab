"""A database row's properties, captions, equations and heading_4 in the Notion normaliser, and
the writes planned for them.

The row is Notion's own retrieve-page response for API 2025-09-03 (the envelope of
api-examples/notion/2025-09-03/retrieve_page.json, recorded) with the parent a data source and
the property values of https://developers.notion.com/reference/property-value-object, one per
type, in the shapes that page documents.
"""

from __future__ import annotations

import copy

import pytest

from connectors.document import Block, Document, Edit, NotCaptured, Span
from connectors.notion.normalise import document_from_payload
from connectors.notion.properties import render_value
from connectors.notion.write import plan_writes
from connectors.preflight import preflight

ANNOTATIONS = {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False,
               "color": "default"}
PAGE_ID = "393abc1e-edcd-81f5-ae94-ec2d55fe98ed"


def text(content: str, **marks: bool) -> dict:
    return {"type": "text", "text": {"content": content, "link": None}, "annotations": {**ANNOTATIONS, **marks},
            "plain_text": content, "href": None}


ROW = {
    "object": "page",
    "id": PAGE_ID,
    "created_time": "2026-07-04T09:08:00.000Z",
    "last_edited_time": "2026-07-04T09:08:00.000Z",
    "created_by": {"object": "user", "id": "7775f3a3-893f-43fa-b625-460c61094c78"},
    "last_edited_by": {"object": "user", "id": "7775f3a3-893f-43fa-b625-460c61094c78"},
    "cover": None,
    "icon": None,
    "parent": {"type": "data_source_id", "data_source_id": "393abc1e-edcd-8179-9372-000bd163e729",
               "database_id": "3e631832-5efa-4702-8171-8b8a0e6651ba"},
    "in_trash": False,
    "is_archived": False,
    "is_locked": False,
    "properties": {
        "Name": {"id": "title", "type": "title", "title": [text("Launch post")]},
        "Tagline": {"id": "fy%3A%7B", "type": "rich_text",
                    "rich_text": [text("HelpHive", bold=True), text(" is the chatbot for your docs.")]},
        "Channel": {"id": "%40Q%5BM", "type": "select",
                    "select": {"id": "e28f74fc-83a7-4469-8435-27eb18f9f9de", "name": "Blog", "color": "purple"}},
        "Topics": {"id": "flsb", "type": "multi_select",
                   "multi_select": [{"id": "5de29601-9c24-4b04-8629-0bca891c5120", "name": "Launch", "color": "blue"},
                                    {"id": "b6b5e5b8-1e0c-4b8b-8c1a-4b0f0b9c3b1e", "name": "AI", "color": "red"}]},
        "Publish date": {"id": "M%3BBw", "type": "date",
                         "date": {"start": "2026-12-10", "end": None, "time_zone": None}},
        "Owner": {"id": "FlgQ", "type": "people",
                  "people": [{"object": "user", "id": "c2f20311-9e54-4d11-8c79-7398424ae41e", "name": "Avocado Lovelace",
                              "avatar_url": None, "type": "person", "person": {"email": "avo@example.org"}}]},
        "Words": {"id": "WPj%5E", "type": "number", "number": 1200},
        "Link": {"id": "BZKU", "type": "url", "url": "https://developers.notion.com/"},
        "Contact": {"id": "y%5C%5E_", "type": "email", "email": "ada@makenotion.com"},
        "Phone": {"id": "%5DKZ%3F", "type": "phone_number", "phone_number": "415-202-4776"},
        "Stage": {"id": "Z%3ClH", "type": "status",
                  "status": {"id": "86ddb6ec-0627-47f8-800d-b65afd28be13", "name": "In progress", "color": "blue"}},
        "Summary": {"id": "KpQq", "type": "formula", "formula": {"type": "string", "string": "Blog · Launch"}},
        "Ready": {"id": "ZI%40W", "type": "checkbox", "checkbox": False},
        "Related": {"id": "hgMz", "type": "relation", "relation": [{"id": "dd456007-6c66-4bba-957e-ea501dcda3a6"}],
                    "has_more": False},
        "Edited": {"id": "I%7CsH", "type": "last_edited_time", "last_edited_time": "2026-07-04T09:08:00.000Z"},
        "Ticket": {"id": "vX%3Dd", "type": "unique_id", "unique_id": {"prefix": "MKT", "number": 42}},
    },
    "url": "https://app.notion.com/p/Launch-post-393abc1eedcd81f5ae94ec2d55fe98ed",
    "public_url": None,
    "archived": False,
}


def block(kind: str, body: dict, block_id: str) -> dict:
    return {"object": "block", "id": block_id, "parent": {"type": "page_id", "page_id": PAGE_ID},
            "created_time": "2026-07-04T09:08:00.000Z", "last_edited_time": "2026-07-04T09:08:00.000Z",
            "has_children": False, "in_trash": False, "type": kind, kind: body, "archived": False}


IMAGE = block("image", {"caption": [text("The chatbot for your docs, at work")], "type": "external",
                        "external": {"url": "https://example.org/hero.png"}}, "b0000000-0000-4000-8000-000000000001")
EQUATION = block("equation", {"expression": "e=mc^2"}, "b0000000-0000-4000-8000-000000000002")
HEADING_4 = block("heading_4", {"rich_text": [text("Assets")], "is_toggleable": False, "color": "default"},
                  "b0000000-0000-4000-8000-000000000003")
CODE = block("code", {"caption": [], "rich_text": [text("print(1)")], "language": "python"},
             "b0000000-0000-4000-8000-000000000004")


@pytest.fixture
def row() -> Document:
    return document_from_payload(ROW, [(0, HEADING_4), (0, IMAGE), (0, EQUATION), (0, CODE)])


def test_every_property_with_text_is_a_block_after_the_title_in_the_page_order(row):
    assert [(b.id, b.attrs.get("label"), b.text, b.editable) for b in row.blocks[:14]] == [
        ("title", None, "Launch post", True),
        ("property:fy%3A%7B", "Tagline", "HelpHive is the chatbot for your docs.", True),
        ("property:%40Q%5BM", "Channel", "Blog", False),
        ("property:flsb", "Topics", "Launch, AI", False),
        ("property:M%3BBw", "Publish date", "December 10, 2026", False),
        ("property:FlgQ", "Owner", "Avocado Lovelace", False),
        ("property:WPj%5E", "Words", "1200", False),
        ("property:BZKU", "Link", "https://developers.notion.com/", False),
        ("property:y%5C%5E_", "Contact", "ada@makenotion.com", False),
        ("property:%5DKZ%3F", "Phone", "415-202-4776", False),
        ("property:Z%3ClH", "Stage", "In progress", False),
        ("property:KpQq", "Summary", "Blog · Launch", False),
        ("property:vX%3Dd", "Ticket", "MKT-42", False),
        ("b0000000-0000-4000-8000-000000000003", None, "Assets", True),
    ]


def test_a_rich_text_property_keeps_its_runs_for_the_write(row):
    tagline = row.block("property:fy%3A%7B")
    assert tagline.kind == "property" and tagline.attrs == {"label": "Tagline", "type": "rich_text"}
    assert tagline.spans == (Span(text="HelpHive", bold=True), Span(text=" is the chatbot for your docs."))
    assert tagline.raw["property"] == "Tagline" and tagline.raw["rich_text"] == ROW["properties"]["Tagline"]["rich_text"]


def test_read_only_properties_say_what_they_are_and_where_to_change_them(row):
    assert row.block("property:%40Q%5BM").readonly_reason == "'Channel' is a Select property: change it in Notion."
    assert "Notion computes it" in row.block("property:KpQq").readonly_reason
    read_only = [b for b in row.blocks if not b.editable]
    assert read_only and all(b.readonly_reason for b in read_only)
    assert not any(PAGE_ID in b.readonly_reason for b in read_only), "no internal ids in reasons"


def test_relations_and_the_last_edit_time_are_listed_as_not_captured_and_a_checkbox_is_no_text(row):
    assert [(n.element, n.chars) for n in row.not_captured] == [
        ("property 'Related'", 0), ("property 'Edited'", len("July 4, 2026 9:08 AM"))]
    assert "their ids, not their titles" in row.not_captured[0].reason
    assert not any(b.attrs.get("label") == "Ready" for b in row.blocks)


def test_a_property_change_is_a_change_of_its_block():
    changed = copy.deepcopy(ROW)
    changed["properties"]["Channel"]["select"] = {"id": "x", "name": "Email", "color": "green"}
    before, after = document_from_payload(ROW, []), document_from_payload(changed, [])
    assert [b.id for b in before.blocks if b not in after.blocks] == ["property:%40Q%5BM"]


@pytest.mark.parametrize("value, shown", [
    ({"type": "date", "date": {"start": "2026-12-10", "end": "2026-12-12"}}, "December 10, 2026 → December 12, 2026"),
    ({"type": "date", "date": {"start": "2026-12-17T09:30:00.000Z"}}, "December 17, 2026 9:30 AM"),
    ({"type": "date", "date": {"start": "2026-12-17T21:05:00.000+00:00"}}, "December 17, 2026 9:05 PM"),
    ({"type": "date", "date": None}, ""),
    ({"type": "select", "select": None}, ""),
    ({"type": "number", "number": 2.5}, "2.5"),
    ({"type": "rollup", "rollup": {"type": "number", "number": 3.0, "function": "count"}}, "3"),
    ({"type": "rollup", "rollup": {"type": "array", "function": "show_original",
                                   "array": [{"type": "rich_text", "rich_text": [text("One")]},
                                             {"type": "select", "select": {"name": "Two"}}]}}, "One, Two"),
    ({"type": "rollup", "rollup": {"type": "array", "function": "show_original",
                                   "array": [{"type": "relation", "relation": [{"id": "x"}]}]}}, None),
    ({"type": "people", "people": [{"object": "user", "id": "no-name-given"}]}, None),
    ({"type": "formula", "formula": {"type": "boolean", "boolean": True}}, None),
    ({"type": "files", "files": [{"name": "brief.pdf", "type": "external", "external": {"url": "https://x"}}]},
     "brief.pdf"),
])
def test_values_render_as_notion_shows_them_or_none_when_the_text_is_not_given(value, shown):
    assert render_value(value) == shown


def test_captions_equations_and_heading_4_are_tracked(row):
    image_id = IMAGE["id"]
    caption = row.block(f"{image_id}/caption")
    assert (caption.kind, caption.text, caption.editable, caption.attrs) == (
        "caption", "The chatbot for your docs, at work", True, {"block": image_id, "of": "image"})
    assert row.block(image_id).readonly_reason.startswith("An image: replace it in Notion")
    equation = row.block(EQUATION["id"])
    assert (equation.kind, equation.text, equation.editable) == ("equation", "e=mc^2", False)
    assert equation.readonly_reason == "An equation: edit it in Notion."
    heading = row.block(HEADING_4["id"])
    assert (heading.kind, heading.attrs, heading.editable) == ("heading", {"level": 4}, True)
    assert row.block(f"{CODE['id']}/caption") is None, "an empty caption is no block"


def test_a_file_block_shows_its_name():
    file = block("file", {"caption": [], "type": "external", "external": {"url": "https://example.org/brief.pdf"},
                          "name": "Launch brief.pdf"}, "b0000000-0000-4000-8000-000000000005")
    shown = document_from_payload(ROW, [(0, file)]).block(file["id"])
    assert (shown.text, shown.editable) == ("Launch brief.pdf", False)
    assert shown.readonly_reason.startswith("A file: replace it in Notion")


def _plan(document: Document, *edits: Edit):
    return [w.as_request() for w in plan_writes(document, preflight(document, list(edits)))]


def test_a_property_edit_is_a_page_patch_of_that_property_alone_keeping_its_bold_run(row):
    tagline = row.block("property:fy%3A%7B")
    [request] = _plan(row, Edit(block_id=tagline.id, before=tagline.text,
                                after="HelpHive is the AI support engineer for your team."))
    assert request["method"] == "PATCH" and request["path"] == f"/v1/pages/{PAGE_ID}"
    [items] = [p["rich_text"] for p in request["body"]["properties"].values()]
    assert list(request["body"]["properties"]) == ["Tagline"]
    assert [(i["text"]["content"], i["annotations"]["bold"]) for i in items] == [
        ("HelpHive", True), (" is the AI support engineer for your team.", False)]


def test_a_caption_edit_patches_only_the_caption_of_its_block(row):
    caption = row.block(f"{IMAGE['id']}/caption")
    [request] = _plan(row, Edit(block_id=caption.id, before=caption.text,
                                after="The AI support engineer for your team, at work"))
    assert request["path"] == f"/v1/blocks/{IMAGE['id']}"
    assert list(request["body"]) == ["image"] and list(request["body"]["image"]) == ["caption"]


def test_an_exact_target_writes_the_property_back_run_for_run(row):
    tagline = row.block("property:fy%3A%7B")
    target = Block(**{**tagline.model_dump(), "raw": {**tagline.raw, "rich_text": [text("Old", italic=True)]}})
    [request] = _plan(row, Edit(block_id=tagline.id, before=tagline.text, after="Old", target=target))
    assert request["body"]["properties"]["Tagline"]["rich_text"] == [
        {"type": "text", "text": {"content": "Old", "link": None}, "annotations": {**ANNOTATIONS, "italic": True}}]


def test_not_captured_is_part_of_the_document():
    assert document_from_payload(ROW, []).not_captured[0] == NotCaptured(
        element="property 'Related'", chars=0,
        reason="a Relation to 1 page(s): Notion's page object gives their ids, not their titles, so the text is not known")
