"""Headers, footers and footnotes of a Google Doc: read as blocks, written through `segmentId`.

Payloads are shaped from the discovery document (Header, Footer, Footnote, DocumentStyle,
SectionStyle: fixtures/api-shapes/gdocs/) and the footnote of the REAL documents.get
response; the sandbox is driven over HTTP with the official google-api-python-client, and
the connector applies and reverts in a header and a footnote of the seed's one-pager.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from connectors.document import DocumentRef, Edit
from connectors.errors import Conflict
from connectors.gdocs.normalise import document_from_payload
from connectors.gdocs.write import plan_batch, resolve
from connectors.preflight import preflight
from tests.connectors.journals import RecordingJournal

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "api-shapes" / "gdocs" / "document_get.json"
REAL = json.loads(EXAMPLE.read_text(encoding="utf-8"))
REF = DocumentRef(source="gdocs", remote_id="1H0K9KhoUTgcn0b8QbEhKiGcX88DSg0WEQDdyh_cVDVI", kind="document",
                  remote_version="7")
FOOTNOTE = "kix.i62p2srski2m"
ONE_PAGER = "1amzOtvyoGlOcS84YPosVnZC17rI90DNOTHR8C7dB3HC"
TAGLINE = "HelpHive — the chatbot for your docs"
SMALL = {"fontSize": {"magnitude": 9, "unit": "PT"}}


def _paragraph(*runs: tuple[str, dict[str, Any]] | dict[str, Any], start: int = 0) -> dict[str, Any]:
    """A header/footer paragraph as documents.get gives it, indexes from `start`."""
    elements, at = [], start
    for run in runs:
        if isinstance(run, dict):  # an opaque element (autoText), one unit long
            elements.append({"startIndex": at, "endIndex": at + 1, **run})
            at += 1
            continue
        content, style = run
        elements.append({"startIndex": at, "endIndex": at + len(content),
                         "textRun": {"content": content, "textStyle": style}})
        at += len(content)
    for element in elements:
        if element["startIndex"] == 0:
            del element["startIndex"]
    paragraph = {"endIndex": at, "paragraph": {"elements": elements, "paragraphStyle": {
        "namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}}}
    return {"startIndex": start, **paragraph} if start else paragraph


def _with_segments(payload: dict[str, Any]) -> dict[str, Any]:
    """The REAL response plus a default header (two paragraphs), a first-page header with a
    table, a header only a section break names, an unused one, and a footer with a page number."""
    document = copy.deepcopy(payload)
    cell = _paragraph(("Fernhill Labs\n", {}), start=3)
    document["headers"] = {
        "kix.unused": {"headerId": "kix.unused", "content": [_paragraph(("Draft\n", {}))]},
        "kix.first": {"headerId": "kix.first", "content": [
            _paragraph(("\n", {})),
            {"startIndex": 1, "endIndex": 18, "table": {"rows": 1, "columns": 1, "tableRows": [
                {"startIndex": 2, "endIndex": 17, "tableCells": [
                    {"startIndex": 2, "endIndex": 17, "content": [cell]}]}]}},
            _paragraph(("\n", {}), start=18)]},
        "kix.default": {"headerId": "kix.default", "content": [
            _paragraph((TAGLINE + "\n", SMALL)), _paragraph(("Confidential\n", {}), start=37)]},
        "kix.section": {"headerId": "kix.section", "content": [_paragraph(("Appendix\n", {}))]},
    }
    document["footers"] = {"kix.foot": {"footerId": "kix.foot", "content": [
        _paragraph(("Page ", {}), {"autoText": {"type": "PAGE_NUMBER", "textStyle": {}}}, ("\n", {}))]}}
    style = document["documentStyle"]
    style.update(defaultHeaderId="kix.default", firstPageHeaderId="kix.first", defaultFooterId="kix.foot",
                 useFirstPageHeaderFooter=True)
    section = document["body"]["content"][0]["sectionBreak"]
    section.setdefault("sectionStyle", {})["defaultHeaderId"] = "kix.section"
    return document


@pytest.fixture(scope="module")
def doc():
    return document_from_payload(_with_segments(REAL), REF)


def test_a_footnote_of_a_real_response_is_an_editable_block_and_its_reference_says_why_it_is_not():
    doc = document_from_payload(REAL, REF)
    footnote = doc.block(f"footnote:{FOOTNOTE}/p0000")
    assert footnote is not None and footnote.editable and footnote.text == " This is a footnote"
    assert footnote.attrs == {"segment": "footnote", "segment_id": FOOTNOTE}
    assert footnote.raw == REAL["footnotes"][FOOTNOTE]["content"][0]
    reference = doc.block("p0060")
    assert not reference.editable and "footnote" in reference.readonly_reason
    assert "Google Docs" in reference.readonly_reason and "kix." not in reference.readonly_reason


def test_body_ids_and_blocks_are_the_same_with_or_without_segments(doc):
    bare = {k: v for k, v in REAL.items() if k != "footnotes"}
    body = [b for b in doc.blocks if "segment" not in b.attrs]
    assert body == list(document_from_payload(bare, REF).blocks)


def test_blocks_come_in_reading_order_header_body_footnotes_footer(doc):
    segments = [b.id.split("/")[0] for b in doc.blocks if "/" in b.id]
    first_body = next(n for n, b in enumerate(doc.blocks) if "segment" not in b.attrs)
    footnote = doc.blocks.index(doc.block(f"footnote:{FOOTNOTE}/p0000"))
    assert list(dict.fromkeys(segments)) == ["header:kix.default", "header:kix.first", "header:kix.section",
                                             "header:kix.unused", f"footnote:{FOOTNOTE}", "footer:kix.foot"]
    assert all("segment" in b.attrs for b in doc.blocks[:first_body])
    assert all("segment" not in b.attrs for b in doc.blocks[first_body:footnote])
    assert doc.blocks[-1].id == "footer:kix.foot/p0000"


def test_headers_and_footers_say_which_pages_they_show_on(doc):
    pages = {b.attrs["segment_id"]: b.attrs["pages"] for b in doc.blocks if b.attrs.get("segment") != "footnote"
             and "segment" in b.attrs}
    assert pages == {"kix.default": ["default"], "kix.first": ["first page"], "kix.section": ["default"],
                     "kix.unused": [], "kix.foot": ["default"]}
    switched_off = _with_segments(REAL)
    switched_off["documentStyle"]["useFirstPageHeaderFooter"] = False
    first = document_from_payload(switched_off, REF).block("header:kix.first/p0000")
    assert first.attrs["pages"] == []  # the first page shows the default header then
    tagline = doc.block("header:kix.default/p0000")
    assert (tagline.kind, tagline.text, tagline.editable, tagline.attrs["segment"]) == (
        "paragraph", TAGLINE, True, "header")
    assert doc.block("header:kix.default/p0001").text == "Confidential"


def test_a_table_inside_a_header_gets_the_bodys_cell_ids_under_the_segment(doc):
    cell = doc.block("header:kix.first/t0.r0.c0.p0")
    assert (cell.kind, cell.text, cell.editable) == ("cell", "Fernhill Labs", True)
    assert (cell.attrs["table"], cell.attrs["row"], cell.attrs["column"]) == ("header:kix.first/t0", 0, 0)
    assert [b.id for b in doc.blocks if b.id.startswith("header:kix.first/")] == [
        "header:kix.first/p0000", "header:kix.first/t0.r0.c0.p0", "header:kix.first/p0001"]


def test_a_page_number_in_a_footer_is_read_only_with_a_reason(doc):
    footer = doc.block("footer:kix.foot/p0000")
    assert footer.text == "Page " and not footer.editable
    assert "page number" in footer.readonly_reason and "footer" in footer.readonly_reason
    assert all(b.readonly_reason for b in doc.blocks if "segment" in b.attrs and not b.editable)


def test_the_tabs_shape_reads_segments_the_same(doc):
    payload = _with_segments(REAL)
    tab_keys = ("body", "lists", "headers", "footers", "footnotes", "documentStyle")
    tabbed = {k: v for k, v in payload.items() if k not in tab_keys}
    tabbed["tabs"] = [{"tabProperties": {"tabId": "t.0"}, "documentTab": {k: payload[k] for k in tab_keys}}]
    assert document_from_payload(tabbed, REF).blocks == doc.blocks


# -- planning ---------------------------------------------------------------------------------


def _plan(doc, *edits: Edit):
    return plan_batch(REF.remote_id, "rev", preflight(doc, resolve(doc, list(edits))))


def test_a_header_edit_is_addressed_through_its_segment_with_indexes_from_zero(doc):
    batch = _plan(doc, Edit(block_id="header:kix.default/p0000", before=TAGLINE,
                            after="HelpHive — the AI support engineer for your team"))
    places = [body.get("range") or body.get("location") for request in batch.requests for body in request.values()]
    assert places and all(place["segmentId"] == "kix.default" for place in places)
    deleted = [r["deleteContentRange"]["range"] for r in batch.requests if "deleteContentRange" in r]
    assert [TAGLINE[d["startIndex"]:d["endIndex"]] for d in deleted] == ["docs", "chatbot"]  # indexes from 0
    styles = [r["updateTextStyle"]["textStyle"] for r in batch.requests if "updateTextStyle" in r]
    assert styles and all(style == SMALL for style in styles)  # the run's own style carried over


def test_body_edits_carry_no_segment_id(doc):
    body = doc.block("p0009")
    batch = _plan(doc, Edit(block_id="p0009", before=body.text, after="Plain text"))
    assert batch.requests and not any("segmentId" in json.dumps(r) for r in batch.requests)


def test_a_moved_paragraph_is_found_again_only_inside_its_own_segment(doc):
    # A header paragraph reading like a body paragraph: the body's edit never lands in the header.
    payload = _with_segments(REAL)
    body_text = doc.block("p0009").text + "\n"
    payload["headers"]["kix.unused"]["content"] = [_paragraph((body_text, {}))]
    shifted = document_from_payload(payload, REF)
    moved = resolve(shifted, [Edit(block_id="header:kix.default/p0005", before="Confidential", after="Public")])
    assert [e.block_id for e in moved] == ["header:kix.default/p0001"]
    [body] = resolve(shifted, [Edit(block_id="p0900", before=doc.block("p0009").text, after="x")])
    assert body.block_id == "p0009"


# -- the sandbox, through the official SDK ------------------------------------------------------


def _docs(gdocs) -> Any:
    return build("docs", "v1", credentials=Credentials(token=gdocs.token), static_discovery=True,
                 client_options={"api_endpoint": f"{gdocs.base_url}/"}).documents()


def _header(document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    header_id = document["documentStyle"]["defaultHeaderId"]
    return header_id, document["headers"][header_id]


def test_documents_get_serves_the_seed_header_footer_and_footnote_in_googles_shape(gdocs):
    document = _docs(gdocs).get(documentId=ONE_PAGER).execute()
    header_id, header = _header(document)
    assert header["headerId"] == header_id and header["content"][0]["endIndex"] == len(TAGLINE) + 1
    assert "startIndex" not in header["content"][0]  # a segment starts at 0, omitted as proto3 does
    assert "".join(e["textRun"]["content"] for e in header["content"][0]["paragraph"]["elements"]) == TAGLINE + "\n"
    footer_id = document["documentStyle"]["defaultFooterId"]
    assert document["footers"][footer_id]["footerId"] == footer_id
    [(footnote_id, footnote)] = document["footnotes"].items()
    assert footnote["footnoteId"] == footnote_id
    assert footnote["content"][0]["paragraph"]["elements"][0]["textRun"]["content"].startswith(" Median")
    references = [e["footnoteReference"] for element in document["body"]["content"] if "paragraph" in element
                  for e in element["paragraph"]["elements"] if "footnoteReference" in e]
    assert references == [{"footnoteId": footnote_id, "footnoteNumber": "1", "textStyle": {}}]
    tabbed = _docs(gdocs).get(documentId=ONE_PAGER, includeTabsContent=True).execute()
    assert tabbed["tabs"][0]["documentTab"]["headers"] == document["headers"]


def test_batch_update_writes_a_header_through_its_segment_id(gdocs):
    docs = _docs(gdocs)
    document = docs.get(documentId=ONE_PAGER).execute()
    header_id, _ = _header(document)
    body_before = document["body"]
    start = TAGLINE.index("chatbot")
    docs.batchUpdate(documentId=ONE_PAGER, body={"requests": [
        {"deleteContentRange": {"range": {"segmentId": header_id, "startIndex": start,
                                          "endIndex": start + len("chatbot")}}},
        {"insertText": {"location": {"segmentId": header_id, "index": start}, "text": "assistant"}},
        {"updateTextStyle": {"range": {"segmentId": header_id, "startIndex": 0, "endIndex": 8},
                             "textStyle": {"bold": True}, "fields": "bold"}},
        {"insertText": {"endOfSegmentLocation": {"segmentId": header_id}, "text": "!"}},
    ], "writeControl": {"requiredRevisionId": document["revisionId"]}}).execute()
    after = docs.get(documentId=ONE_PAGER).execute()
    _, header = _header(after)
    runs = header["content"][0]["paragraph"]["elements"]
    assert "".join(r["textRun"]["content"] for r in runs) == "HelpHive — the assistant for your docs!\n"
    assert runs[0]["textRun"] == {"content": "HelpHive", "textStyle": {"bold": True}}
    assert header["content"][0]["endIndex"] == len("HelpHive — the assistant for your docs!\n")
    assert after["body"] == body_before and after["revisionId"] != document["revisionId"]


def test_a_footnote_is_written_from_index_zero_and_its_segment_cannot_lose_its_last_newline(gdocs):
    docs = _docs(gdocs)
    document = docs.get(documentId=ONE_PAGER).execute()
    [(footnote_id, footnote)] = document["footnotes"].items()
    end = footnote["content"][-1]["endIndex"]
    docs.batchUpdate(documentId=ONE_PAGER, body={"requests": [
        {"deleteContentRange": {"range": {"segmentId": footnote_id, "startIndex": 0, "endIndex": 1}}}]}).execute()
    assert docs.get(documentId=ONE_PAGER).execute()["footnotes"][footnote_id]["content"][-1]["endIndex"] == end - 1
    with pytest.raises(HttpError) as caught:
        docs.batchUpdate(documentId=ONE_PAGER, body={"requests": [
            {"deleteContentRange": {"range": {"segmentId": footnote_id, "startIndex": end - 3,
                                              "endIndex": end - 1}}}]}).execute()
    assert "newline character at the end of the segment" in json.loads(caught.value.content)["error"]["message"]


@pytest.mark.parametrize("request_body", [
    {"insertText": {"location": {"segmentId": "kix.nothing", "index": 0}, "text": "x"}},
    {"deleteContentRange": {"range": {"segmentId": "kix.nothing", "startIndex": 0, "endIndex": 1}}},
    {"updateTextStyle": {"range": {"segmentId": "kix.nothing", "startIndex": 0, "endIndex": 1},
                         "textStyle": {"bold": True}, "fields": "bold"}},
    {"insertText": {"endOfSegmentLocation": {"segmentId": "kix.nothing"}, "text": "x"}},
])
def test_an_unknown_segment_id_is_refused_with_googles_error_body_and_nothing_written(gdocs, request_body):
    docs = _docs(gdocs)
    document = docs.get(documentId=ONE_PAGER).execute()
    with pytest.raises(HttpError) as caught:
        docs.batchUpdate(documentId=ONE_PAGER, body={"requests": [request_body]}).execute()
    error = json.loads(caught.value.content)["error"]
    assert (caught.value.resp.status, error["code"], error["status"]) == (400, 400, "INVALID_ARGUMENT")
    assert error["message"].startswith("Invalid requests[0].") and "'kix.nothing' does not exist" in error["message"]
    assert docs.get(documentId=ONE_PAGER).execute() == document


def test_replace_all_text_reaches_headers_and_footnotes(gdocs):
    docs = _docs(gdocs)
    reply = docs.batchUpdate(documentId=ONE_PAGER, body={"requests": [{"replaceAllText": {
        "containsText": {"text": "Median of 212", "matchCase": True}, "replaceText": "Median of 213"}}]}).execute()
    assert reply["replies"] == [{"replaceAllText": {"occurrencesChanged": 1}}]
    [footnote] = docs.get(documentId=ONE_PAGER).execute()["footnotes"].values()
    assert "Median of 213" in footnote["content"][0]["paragraph"]["elements"][0]["textRun"]["content"]


# -- the connector: apply and revert in a header and a footnote -----------------------------------


def _one_pager(connector):
    ref = next(r for r in connector.list_changed(None) if r.remote_id == ONE_PAGER)
    return ref, connector.fetch(ref)


@pytest.mark.parametrize("segment, find, replace", [
    ("header", "the chatbot for your docs", "the AI support engineer for your team"),
    ("footnote", "the chatbot cuts", "the AI support engineer cuts"),
])
def test_apply_then_revert_in_a_segment_restores_its_runs_exactly(gdocs, segment, find, replace):
    connector = gdocs.connector()
    ref, before = _one_pager(connector)
    block = next(b for b in before.blocks if b.attrs.get("segment") == segment and find in b.text)
    raw_before = gdocs.document(ONE_PAGER)
    applied = connector.apply(ref, [Edit(block_id=block.id, before=block.text,
                                         after=block.text.replace(find, replace))], RecordingJournal())
    assert applied.block(block.id).text == block.text.replace(find, replace)
    assert [b.text for b in applied.blocks if b.id != block.id] == [b.text for b in before.blocks if b.id != block.id]
    written = applied.block(block.id)
    connector.apply(ref, [Edit(block_id=block.id, before=written.text, after=block.text, target=block)],
                    RecordingJournal())
    assert gdocs.document(ONE_PAGER) == raw_before
    assert gdocs.writes() == 2


def test_a_header_changed_behind_copydesks_back_is_a_conflict_and_nothing_is_written(gdocs):
    connector = gdocs.connector()
    ref, before = _one_pager(connector)
    header = next(b for b in before.blocks if b.attrs.get("segment") == "header")
    gdocs.post("edit", {"id": ONE_PAGER, "find": "HelpHive — the chatbot", "replace": "HelpHive — the bot"})
    with pytest.raises(Conflict):
        connector.apply(ref, [Edit(block_id=header.id, before=header.text, after="HelpHive")], RecordingJournal())
    assert gdocs.writes() == 0
