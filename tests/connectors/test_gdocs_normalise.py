"""Normalising a REAL documents.get response (fixtures/api-shapes/gdocs/document_get.json, the
copy of shared/api-examples/gdocs/document_get.json: see its SOURCES.md)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from connectors.document import DocumentRef
from connectors.gdocs.normalise import document_from_payload, file_ref, text_runs, utf16_len

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "api-shapes" / "gdocs" / "document_get.json"
REF = DocumentRef(source="gdocs", remote_id="1H0K9KhoUTgcn0b8QbEhKiGcX88DSg0WEQDdyh_cVDVI", kind="document",
                  remote_version="7")


@pytest.fixture(scope="module")
def payload() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def doc(payload):
    return document_from_payload(payload, REF)


def test_named_styles_become_kinds(doc):
    kinds = {b.text: b.kind for b in doc.blocks if b.id < "p0009" and "segment" not in b.attrs}
    assert kinds == {"Named styles": "heading_1", "Title": "title", "Subtitle": "subtitle",
                     "Heading 1": "heading_1", "Heading 2": "heading_2", "Heading 3": "heading_3",
                     "Heading 4": "heading_4", "Heading 5": "heading_5", "Heading 6": "heading_6"}
    assert doc.block("p0004").attrs["level"] == 2
    assert doc.block("p0009").kind == "paragraph" and doc.block("p0009").text == "Normal Text"
    assert doc.ref.title == "Render Test" and doc.ref.remote_version == "7"


def test_list_items_keep_depth_and_order(doc):
    items = [(b.text, b.depth, b.attrs["ordered"]) for b in doc.blocks if b.kind == "list_item"]
    assert items == [
        ("Unordered list bullet", 0, False), ("Nested unordered list bullet", 1, False), ("Another list bullet", 0, False),
        ("Ordered listed bullet", 0, True), ("Nested ordered list bullet", 1, True), ("Another list bullet", 0, True),
    ]


def test_table_cells_are_cell_blocks_with_positions(doc):
    top = doc.block("t0.r0.c1.p0")
    assert (top.kind, top.text, top.attrs) == ("cell", "top", {"table": "t0", "row": 0, "column": 1})
    assert [b.text for b in doc.blocks if b.id.startswith("t0.r0.c0.")] == ["0", "1", "2"]
    assert doc.block("t3.r1.c0.p0").text == "Varying number of columns"
    assert [s.text for s in doc.block("t1.r0.c0.p0").spans if s.bold] == ["table"]  # bold inside a cell


def test_spans_carry_marks_links_and_colours(doc):
    assert doc.block("p0012").spans[0].bold and doc.block("p0013").spans[0].italic
    assert doc.block("p0014").spans[0].underline and doc.block("p0020").spans[0].strikethrough
    assert doc.block("p0015").spans[0].color == "#ff0000"
    assert doc.block("p0026").spans[0].code  # Courier New
    link = doc.block("p0059").spans[0]
    assert (link.text, link.href, link.underline) == ("example.com", "https://example.com", True)
    assert doc.block("p0057").spans[0].href == "#heading=h.um9g39xs23pt"
    assert doc.block("p0058").spans[0].href == "#bookmark=id.tgxwiu5qa5by"
    mixed = doc.block("p0017")
    assert "".join(s.text for s in mixed.spans) == mixed.text == "BoldItalicsUnderlineRedCyan"


def test_non_text_elements_are_read_only(doc):
    images = [b for b in doc.blocks if b.kind == "image"]
    assert len(images) == 4 and not any(b.editable for b in images)
    assert images[0].attrs["object"] == "kix.hypyki7ute26"
    footnote = doc.block("p0060")
    assert (footnote.text, footnote.editable, footnote.attrs["objects"]) == ("footnote", False, ["footnoteReference"])
    assert doc.block("p0066").kind == "divider" and not doc.block("p0066").editable
    assert doc.block("p0067").kind == "equation" and not doc.block("p0067").editable
    assert not doc.block("t1.r0.c0.p2").editable  # an image inside a cell
    assert all(b.editable for b in doc.blocks if "objects" not in b.attrs)


def test_text_has_no_closing_newline_and_raw_keeps_indexes_and_styles(doc, payload):
    assert not any(b.text.endswith("\n") for b in doc.blocks)
    bold = doc.block("p0012")
    assert bold.raw == payload["body"]["content"][13]
    assert (bold.raw["startIndex"], bold.raw["endIndex"]) == (114, 119)
    assert text_runs(bold.raw)[0]["textRun"] == {"content": "Bold", "textStyle": {"bold": True}}
    assert [b.text for b in doc.blocks if b.id == "p0010"] == [""]  # an empty paragraph is a block too


def test_utf16_indexes_for_characters_outside_the_bmp(doc):
    emoji = doc.block("p0064")
    assert emoji.text == "😀" and len(emoji.text) == 1 and utf16_len(emoji.text) == 2
    assert emoji.raw["endIndex"] - emoji.raw["startIndex"] == utf16_len(emoji.text + "\n")


def test_document_raw_leaves_volatile_fields_out(doc, payload):
    dumped = json.dumps(doc.raw)
    assert "revisionId" not in doc.raw and "body" not in doc.raw
    assert "contentUri" not in dumped and "contentUri" in json.dumps(payload)
    assert doc.raw["lists"] == payload["lists"]
    again = copy.deepcopy(payload)
    again["revisionId"] = "another"
    for obj in again["inlineObjects"].values():
        image = obj["inlineObjectProperties"]["embeddedObject"].get("imageProperties")
        if image is not None:
            image["contentUri"] = "https://signed/other"
    assert document_from_payload(again, REF).model_dump_json() == doc.model_dump_json()


def test_tabs_shape_reads_the_same_as_the_older_shape(doc, payload):
    tabbed = {k: v for k, v in payload.items() if k not in ("body", "lists", "footnotes")}
    tabbed["tabs"] = [{"tabProperties": {"tabId": "t.0"},
                       "documentTab": {"body": payload["body"], "lists": payload["lists"],
                                       "footnotes": payload["footnotes"]}}]
    assert document_from_payload(tabbed, REF).blocks == doc.blocks


def test_file_ref_from_drive_metadata():
    file = {"id": "d1", "name": "Pricing", "mimeType": "application/vnd.google-apps.document",
            "modifiedTime": "2024-05-01T12:34:56.789Z", "version": "43", "parents": ["f1"],
            "webViewLink": "https://docs.google.com/document/d/d1/edit"}
    ref = file_ref(file)
    assert (ref.remote_id, ref.title, ref.parent, ref.remote_version, ref.archived) == ("d1", "Pricing", "f1", "43", False)
    assert ref.updated_at is not None and ref.updated_at.year == 2024
    trashed = file_ref({**file, "trashed": True})
    assert trashed.archived and trashed.remote_version == ""  # staging must re-read it to record the status
    assert file_ref({"id": "d2"}).url == "https://docs.google.com/document/d/d2/edit"
