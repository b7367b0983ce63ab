"""Google Docs tabs (and child tabs) and pending suggestions: the normaliser on Google's
published payloads, the sandbox driven by the official SDK, and the connector writing to a
tab other than the first and reverting exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from googleapiclient.errors import HttpError

from connectors.document import DocumentRef, Edit
from connectors.errors import ConfigError
from connectors.gdocs.normalise import SUGGESTIONS_REASON, TAB_TITLE_REASON, document_from_payload
from connectors.sandbox import gdocs_model as model
from tests.conftest import GdocsSandbox
from tests.connectors.journals import RecordingJournal
from tests.connectors.test_gdocs_sandbox import GdocsAdmin, _gdocs_clients  # noqa: F401 (the SDK fixture)

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "api-shapes" / "gdocs"  # SOURCES.md there
REF = DocumentRef(source="gdocs", remote_id="doc", kind="document")
CALL = "1KjRKf4-FWw8CaJU-9tVJ10ex5bkmasqYjCEmDvFYWvf"  # Discovery call: Northwind Traders (three tabs)
TRANSCRIPT = "t.9hw89le30za7"  # its second tab, "Meeting transcript"
FOLLOW_UP = "t.6qd0048yt9r9"  # the child tab of the transcript, "Follow-up email"
TAGLINE = "Tom: In one line, HelpHive is the chatbot for your docs, with a citation on every answer."
SUGGESTED = ("As promised, here is the trial plan: we index your help center and the returns policy, and we can "
             "have you live next week, with a named onboarding engineer.")


def _example(name: str) -> dict[str, Any]:
    return dict(json.loads((EXAMPLES / name).read_text(encoding="utf-8")))


def _paragraph(text: str, start: int, **run_keys: Any) -> dict[str, Any]:
    return {"startIndex": start, "endIndex": start + len(text) + 1, "paragraph": {
        "elements": [{"startIndex": start, "endIndex": start + len(text) + 1,
                      "textRun": {"content": text + "\n", **run_keys, "textStyle": {}}}],
        "paragraphStyle": {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}}}


# -- the normaliser -----------------------------------------------------------------------------


def test_the_official_tabs_example_reads_as_its_one_tab_with_todays_ids():
    """Google's field-mask example (tabs[].documentTab.body, no tab properties asked for)."""
    payload = _example("document_get_tabs_fieldmask.docs.json")
    doc = document_from_payload(payload, REF)
    assert [(b.id, b.text, b.editable) for b in doc.blocks] == [("p0000", "CONTENT", True)]
    assert doc.blocks[0].attrs == {} and doc.not_captured == ()


def test_every_tab_and_child_tab_is_read_depth_first_with_its_id_in_block_ids():
    """The official example's tab, plus a second tab and its child, shaped as the Tab schema
    says (tabProperties, childTabs, documentTab)."""
    payload = _example("document_get_tabs_fieldmask.docs.json")
    first = payload["tabs"][0]
    first["tabProperties"] = {"tabId": "t.0", "title": "Notes"}
    child = {"tabProperties": {"tabId": "t.kid", "title": "Draft", "parentTabId": "t.two", "nestingLevel": 1},
             "documentTab": {"body": {"content": [_paragraph("Child text", 1)]}}}
    second = {"tabProperties": {"tabId": "t.two", "title": "Meeting transcript", "index": 1},
              "childTabs": [child], "documentTab": {"body": {"content": [_paragraph("One", 1), _paragraph("Two", 5)]}}}
    payload["tabs"].append(second)
    doc = document_from_payload(payload, REF)
    assert [b.id for b in doc.blocks] == ["tab", "p0000", "t.two/tab", "t.two/p0000", "t.two/p0001",
                                          "t.kid/tab", "t.kid/p0000"]
    assert doc.block("t.two/p0001").attrs == {"tab": "t.two", "tab_title": "Meeting transcript"}
    assert doc.block("p0000").attrs == {"tab": "t.0", "tab_title": "Notes"}
    names = [b for b in doc.blocks if b.kind == "tab_title"]
    assert [(b.text, b.depth, b.editable, b.readonly_reason) for b in names] == [
        ("Notes", 0, False, TAB_TITLE_REASON), ("Meeting transcript", 0, False, TAB_TITLE_REASON),
        ("Draft", 1, False, TAB_TITLE_REASON)]
    assert [t["tabId"] for t in doc.raw["tabs"]] == ["t.two", "t.kid"]


def test_a_document_of_one_tab_reads_as_before_and_lists_a_tab_name_someone_wrote():
    payload = _example("document_get.json")
    legacy = document_from_payload(payload, REF)
    tab_keys = ("body", "documentStyle", "namedStyles", "lists", "footnotes", "headers", "footers", "inlineObjects")
    tabbed = {k: v for k, v in payload.items() if k not in tab_keys}
    tabbed["tabs"] = [{"tabProperties": {"tabId": "t.0", "title": "Tab 1"},
                       "documentTab": {k: payload[k] for k in tab_keys if k in payload}}]
    read = document_from_payload(tabbed, REF)
    assert read == legacy, "the name Docs generated is not copy: the document serialises as before"
    tabbed["tabs"][0]["tabProperties"]["title"] = "Launch plan"
    renamed = document_from_payload(tabbed, REF)
    assert renamed.blocks == legacy.blocks and renamed.raw == legacy.raw
    assert [(m.element, m.chars) for m in renamed.not_captured if "only tab" in m.element] == [
        ("name of the document's only tab ('Launch plan')", 11)]


def test_every_read_only_block_of_a_real_document_says_why():
    doc = document_from_payload(_example("document_get.json"), REF)
    read_only = [b for b in doc.blocks if not b.editable]
    assert read_only, "the REAL document has images, an equation, a rule and a footnote reference"
    assert all(b.readonly_reason and "kix." not in b.readonly_reason for b in read_only)
    assert {b.kind for b in read_only} >= {"image", "equation"}
    assert next(b for b in read_only if b.kind == "image").readonly_reason == "An image: change it in Google Docs."


def test_alt_text_of_images_is_listed_as_not_captured():
    payload = _example("document_get.json")
    listed = [m.chars for m in document_from_payload(payload, REF).not_captured if m.element == "alt text of an image"]
    assert listed == [13], "the REAL document's one image with alt text"
    images = [o["inlineObjectProperties"]["embeddedObject"] for o in payload["inlineObjects"].values()]
    bare = next(image for image in images if not image.get("title") and not image.get("description"))
    bare.update(title="Chat window", description="HelpHive answering a question")
    doc = document_from_payload(payload, REF)
    assert sorted(m.chars for m in doc.not_captured if m.element == "alt text of an image") == [13, 11 + 29]


def test_pending_suggestions_are_left_out_of_the_text_and_mark_the_paragraph_read_only():
    """Inline view: a suggested insertion is dropped, a suggested deletion kept (the base text)."""
    elements = [
        {"startIndex": 1, "endIndex": 13, "textRun": {"content": "Live within ", "textStyle": {}}},
        {"startIndex": 13, "endIndex": 22, "textRun": {"content": "one week", "suggestedInsertionIds": ["suggest.a"],
                                                        "textStyle": {}}},
        {"startIndex": 22, "endIndex": 31, "textRun": {"content": "a month.", "suggestedDeletionIds": ["suggest.a"],
                                                        "textStyle": {}}},
        {"startIndex": 31, "endIndex": 32, "textRun": {"content": "\n", "textStyle": {}}},
    ]
    body = {"content": [{"endIndex": 1, "sectionBreak": {}}, {"startIndex": 1, "endIndex": 32, "paragraph": {
        "elements": elements, "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}}}, _paragraph("Plain", 32)]}
    doc = document_from_payload({"title": "T", "body": body}, REF)
    marked, plain = doc.blocks
    assert marked.text == "Live within a month." and [s.text for s in marked.spans] == ["Live within ", "a month."]
    assert (marked.editable, marked.readonly_reason, marked.attrs["suggestions"]) == (False, SUGGESTIONS_REASON, True)
    assert plain.editable and "suggestions" not in plain.attrs
    assert [(m.element, m.chars) for m in doc.not_captured] == [("pending suggested insertion", 8)]


# -- the sandbox, through the official SDK ---------------------------------------------------------


@pytest.fixture
def docs(_gdocs_clients: GdocsAdmin) -> Iterator[GdocsAdmin]:  # noqa: F811 (the imported fixture)
    _gdocs_clients.post("reset")
    yield _gdocs_clients


def _texts(content: dict[str, Any]) -> list[str]:
    return ["".join(e["textRun"]["content"] for e in element["paragraph"]["elements"] if "textRun" in e)
            for element in content["body"]["content"] if "paragraph" in element]


def test_without_include_tabs_content_only_the_first_tab_is_at_the_top_level(docs):
    plain = docs.get(CALL)
    assert "tabs" not in plain and plain["title"] == "Discovery call: Northwind Traders"
    assert _texts(plain)[0] == "Discovery call: Northwind Traders\n"
    assert not any("chatbot" in text for text in _texts(plain))


def test_include_tabs_content_serves_every_tab_and_child_tab_and_empties_the_top_level(docs):
    tabbed = docs.get(CALL, includeTabsContent=True)
    assert "body" not in tabbed and "lists" not in tabbed and "documentStyle" not in tabbed
    first, second = tabbed["tabs"]
    assert first["tabProperties"] == {"tabId": "t.0", "title": "Call summary"}
    assert second["tabProperties"] == {"tabId": TRANSCRIPT, "title": "Meeting transcript", "index": 1}
    (child,) = second["childTabs"]
    assert child["tabProperties"] == {"tabId": FOLLOW_UP, "title": "Follow-up email", "parentTabId": TRANSCRIPT,
                                      "nestingLevel": 1}
    assert TAGLINE + "\n" in _texts(second["documentTab"])
    assert second["documentTab"]["body"]["content"][0] == {"endIndex": 1, "sectionBreak": first["documentTab"][
        "body"]["content"][0]["sectionBreak"]}, "each tab's indexes start again at 0"
    assert docs.get(CALL, fields="title,tabs(tabProperties)")["tabs"][0] == {"tabProperties": first["tabProperties"]}


def test_suggestions_view_modes(docs):
    def follow_up(**params: Any) -> dict[str, Any]:
        tab = docs.get(CALL, includeTabsContent=True, **params)["tabs"][1]["childTabs"][0]["documentTab"]
        return next(p for p in tab["body"]["content"] if "trial plan" in json.dumps(p))

    inline = follow_up()
    runs = [e["textRun"] for e in inline["paragraph"]["elements"]]
    assert [("suggestedDeletionIds" in r, "suggestedInsertionIds" in r) for r in runs if "next week" in r["content"]
            or "this Friday" in r["content"]] == [(True, False), (False, True)]
    without = follow_up(suggestionsViewMode="PREVIEW_WITHOUT_SUGGESTIONS")
    assert _texts({"body": {"content": [without]}}) == [SUGGESTED + "\n"]
    assert "suggested" not in json.dumps(without)
    accepted = follow_up(suggestionsViewMode="PREVIEW_SUGGESTIONS_ACCEPTED")
    assert _texts({"body": {"content": [accepted]}}) == [SUGGESTED.replace("next week", "this Friday") + "\n"]
    assert accepted["endIndex"] - accepted["startIndex"] == len(SUGGESTED.replace("next week", "this Friday")) + 1


def _index_in(tab: dict[str, Any], needle: str) -> int:
    for element in tab["body"]["content"]:
        if "paragraph" in element:
            text = "".join(e["textRun"]["content"] for e in element["paragraph"]["elements"])
            if needle in text:
                return int(element.get("startIndex", 0)) + text.index(needle)
    raise AssertionError(needle)


def test_batch_update_writes_in_the_tab_its_ranges_name(docs):
    before = docs.get(CALL, includeTabsContent=True)
    transcript = before["tabs"][1]["documentTab"]
    at = _index_in(transcript, "the chatbot for your docs")
    docs.batch(CALL, [
        {"deleteContentRange": {"range": {"startIndex": at, "endIndex": at + 25, "tabId": TRANSCRIPT}}},
        {"insertText": {"location": {"index": at, "tabId": TRANSCRIPT}, "text": "the AI support engineer"}},
        {"updateTextStyle": {"range": {"startIndex": at, "endIndex": at + 6, "tabId": TRANSCRIPT},
                             "textStyle": {"bold": True}, "fields": "bold"}},
    ], before["revisionId"])
    after = docs.get(CALL, includeTabsContent=True)
    assert after["tabs"][0] == before["tabs"][0], "the first tab is untouched"
    assert TAGLINE.replace("the chatbot for your docs", "the AI support engineer") + "\n" in _texts(
        after["tabs"][1]["documentTab"])
    assert after["tabs"][1]["childTabs"] == before["tabs"][1]["childTabs"]


def test_replace_all_text_runs_in_the_tabs_its_criteria_name(docs):
    docs.batch(CALL, [{"replaceAllText": {"containsText": {"text": "help center", "matchCase": True},
                                          "replaceText": "knowledge base", "tabsCriteria": {"tabIds": [FOLLOW_UP]}}}])
    tabs = docs.get(CALL, includeTabsContent=True)["tabs"]
    assert any("help center" in t for t in _texts(tabs[0]["documentTab"]))
    assert any("help center" in t for t in _texts(tabs[1]["documentTab"]))
    assert not any("help center" in t for t in _texts(tabs[1]["childTabs"][0]["documentTab"]))


@pytest.mark.parametrize("request_body", [
    {"insertText": {"location": {"index": 1, "tabId": "t.nope"}, "text": "x"}},
    {"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 2, "tabId": "t.nope"}}},
    {"updateTextStyle": {"range": {"startIndex": 1, "endIndex": 2, "tabId": "t.nope"}, "textStyle": {},
                         "fields": "bold"}},
    {"replaceAllText": {"containsText": {"text": "a"}, "replaceText": "b", "tabsCriteria": {"tabIds": ["t.nope"]}}},
])
def test_an_unknown_tab_id_refuses_the_whole_batch(docs, request_body):
    before = docs.get(CALL, includeTabsContent=True)
    with pytest.raises(HttpError) as caught:
        docs.batch(CALL, [{"insertText": {"location": {"index": 1}, "text": "first "}}, request_body])
    body = json.loads(caught.value.content)["error"]
    assert (body["code"], body["status"]) == (400, "INVALID_ARGUMENT")
    assert "Invalid requests[1]" in body["message"] and "'t.nope' does not exist" in body["message"]
    assert docs.get(CALL, includeTabsContent=True) == before


def test_the_model_applies_a_batch_to_a_stored_document_of_tabs_without_touching_other_tabs():
    """Pure model, no HTTP: the indexes of a tab are its own."""
    document = {"title": "T", "tabs": [
        {"tabProperties": {"tabId": "t.0", "title": "A"}, "documentTab": {"body": {"content": [
            {"sectionBreak": {}}, {"paragraph": {"elements": [model.text_run("Alpha\n")], "paragraphStyle": {}}}]}}},
        {"tabProperties": {"tabId": "t.b", "title": "B"}, "documentTab": {"body": {"content": [
            {"sectionBreak": {}}, {"paragraph": {"elements": [model.text_run("Beta\n")], "paragraphStyle": {}}}]}}},
    ]}
    model.reindex(document)
    edited, _ = model.apply_batch(document, [{"insertText": {"location": {"index": 1, "tabId": "t.b"}, "text": "X"}}])
    assert [_texts(c) for c in model.tab_contents(edited)] == [["Alpha\n"], ["XBeta\n"]]
    first_only, _ = model.apply_batch(document, [{"insertText": {"location": {"index": 1}, "text": "X"}}])
    assert [_texts(c) for c in model.tab_contents(first_only)] == [["XAlpha\n"], ["Beta\n"]]


# -- the connector ------------------------------------------------------------------------------


def _tabs_json(gdocs: GdocsSandbox) -> list[dict[str, Any]]:
    """documents.get with includeTabsContent, as Google answers it: every tab."""
    response = gdocs.http.get(f"{gdocs.base_url}/v1/documents/{CALL}", params={"includeTabsContent": "true"},
                              headers={"Authorization": f"Bearer {gdocs.token}"})
    response.raise_for_status()
    return list(response.json()["tabs"])


def _ref() -> DocumentRef:
    return DocumentRef(source="gdocs", remote_id=CALL, kind="document", title="Discovery call: Northwind Traders")


def test_the_connector_reads_every_tab_with_suggestions_as_base_text(gdocs: GdocsSandbox):
    doc = gdocs.connector().fetch(_ref())
    tagline = next(b for b in doc.blocks if "chatbot for your docs" in b.text)
    assert (tagline.id, tagline.text, tagline.editable) == (f"{TRANSCRIPT}/p0001", TAGLINE, True)
    assert tagline.attrs == {"tab": TRANSCRIPT, "tab_title": "Meeting transcript"}
    marked = doc.block(f"{FOLLOW_UP}/p0001")
    assert marked is not None and (marked.text, marked.editable, marked.readonly_reason) == (
        SUGGESTED, False, SUGGESTIONS_REASON)
    assert [b.text for b in doc.blocks if b.kind == "tab_title"] == ["Call summary", "Meeting transcript",
                                                                     "Follow-up email"]
    assert [(m.element, m.chars) for m in doc.not_captured] == [
        ("pending suggested insertion on tab 'Follow-up email'", len("this Friday"))]


def test_apply_then_revert_on_the_second_tab_is_exact(gdocs: GdocsSandbox):
    connector = gdocs.connector()
    original_json = gdocs.document(CALL)
    original_tabs = _tabs_json(gdocs)
    original = connector.fetch(_ref())
    block_id = f"{TRANSCRIPT}/p0001"
    after = TAGLINE.replace("the chatbot for your docs", "the AI support engineer for your team")
    journal = RecordingJournal()
    applied = connector.apply(_ref(), [Edit(block_id=block_id, before=TAGLINE, after=after)], journal)
    assert applied.block(block_id).text == after
    requests = journal.intents[0][1]["body"]["requests"]
    assert requests and all(next(iter(r.values())).get("range", next(iter(r.values())).get("location"))["tabId"]
                            == TRANSCRIPT for r in requests)
    assert [b for b in applied.blocks if not b.id.startswith(TRANSCRIPT)] == [
        b for b in original.blocks if not b.id.startswith(TRANSCRIPT)]
    revert = Edit(block_id=block_id, before=after, after=TAGLINE, target=original.block(block_id))
    reverted = connector.apply(_ref(), [revert], RecordingJournal())
    assert reverted.blocks == original.blocks
    assert _tabs_json(gdocs) == original_tabs and gdocs.document(CALL) == original_json


def test_an_edit_of_a_paragraph_with_pending_suggestions_is_refused_before_any_write(gdocs: GdocsSandbox):
    connector = gdocs.connector()
    with pytest.raises(ConfigError):
        connector.apply(_ref(), [Edit(block_id=f"{FOLLOW_UP}/p0001", before=SUGGESTED,
                                      after=SUGGESTED.replace("next week", "soon"))], RecordingJournal())
    assert gdocs.writes() == 0


def test_a_paragraph_moved_in_another_tab_is_not_taken_for_the_staged_one(gdocs: GdocsSandbox):
    """Re-resolving by text stays inside the staged block's tab."""
    connector = gdocs.connector()
    doc = connector.fetch(_ref())
    hello = doc.block(f"{FOLLOW_UP}/p0000")
    assert hello is not None
    moved = Edit(block_id="p0003", before=hello.text, after=hello.text + "!")
    with pytest.raises(Exception) as caught:
        connector.apply(_ref(), [moved], RecordingJournal())
    assert type(caught.value).__name__ == "Conflict" and gdocs.writes() == 0
