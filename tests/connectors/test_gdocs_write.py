"""Planning a Docs batchUpdate from edits: index ranges, request order, styles, re-resolution.

Documents here are built paragraph by paragraph with real Docs keys and UTF-16 indexes, and
a plan is checked twice: its requests as sent, and what they do when applied, in order, to
a flat list of (UTF-16 unit, style) — the minimal model of deleteContentRange, insertText
and updateTextStyle(fields "*") that the plan relies on.
"""

from __future__ import annotations

from typing import Any

import pytest

from connectors.document import DocumentRef, Edit
from connectors.errors import Conflict, LossyEdit
from connectors.gdocs.normalise import document_from_payload, utf16_len
from connectors.gdocs.write import plan_batch, resolve
from connectors.preflight import preflight

REF = DocumentRef(source="gdocs", remote_id="doc1", kind="document", title="Launch")
BOLD = {"bold": True}
SERIF_BOLD = {"bold": True, "weightedFontFamily": {"fontFamily": "Georgia", "weight": 700}}
LINK = {"underline": True, "foregroundColor": {"color": {"rgbColor": {"blue": 0.8}}}, "link": {"url": "https://x.io"}}

Runs = list[tuple[str, dict[str, Any]]]


def build(*items: Any) -> dict[str, Any]:
    """A documents.get payload from paragraphs (lists of runs) and tables (("table", [[runs, ...]]))."""
    content: list[dict[str, Any]] = [{"endIndex": 1, "sectionBreak": {}}]
    at = 1
    for item in items:
        if isinstance(item, tuple) and item[0] == "table":
            start = at
            at += 1
            rows = []
            for row in item[1]:
                row_start, at = at, at + 1
                cells = []
                for runs in row:
                    cell_start, at = at, at + 1
                    paragraph, at = _paragraph(runs, at)
                    cells.append({"startIndex": cell_start, "endIndex": at, "content": [paragraph]})
                rows.append({"startIndex": row_start, "endIndex": at, "tableCells": cells})
            at += 1
            content.append({"startIndex": start, "endIndex": at,
                            "table": {"rows": len(rows), "columns": len(item[1][0]), "tableRows": rows}})
        else:
            paragraph, at = _paragraph(item, at, bullet=getattr(item, "bullet", None))
            content.append(paragraph)
    return {"documentId": "doc1", "title": "Launch", "revisionId": "rev1", "body": {"content": content}}


class Bulleted(list):
    bullet = {"listId": "kix.list1", "nestingLevel": 1}


def _paragraph(runs: Runs, at: int, bullet: dict | None = None) -> tuple[dict[str, Any], int]:
    start, elements = at, []
    runs = list(runs)
    last_text, last_style = runs[-1] if runs else ("", {})
    runs = runs[:-1] + [(last_text + "\n", last_style)] if runs else [("\n", {})]
    for text, style in runs:
        elements.append({"startIndex": at, "endIndex": at + utf16_len(text),
                         "textRun": {"content": text, "textStyle": dict(style)}})
        at += utf16_len(text)
    body: dict[str, Any] = {"elements": elements, "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}}
    if bullet:
        body["bullet"] = bullet
    return {"startIndex": start, "endIndex": at, "paragraph": body}, at


def plan(payload: dict[str, Any], *edits: Edit):
    current = document_from_payload(payload, REF)
    return plan_batch("doc1", payload["revisionId"], preflight(current, resolve(current, edits)))


# -- the flat model -----------------------------------------------------------------------


def units(payload: dict[str, Any]) -> list[tuple[str, dict]]:
    """(unit, style) for every index of the body's paragraphs; structure as opaque units."""
    flat: dict[int, tuple[str, dict]] = {0: ("§", {})}

    def walk(content: list[dict[str, Any]]) -> None:
        for element in content:
            if "paragraph" in element:
                for item in element["paragraph"]["elements"]:
                    at = item["startIndex"]
                    for char in item["textRun"]["content"]:
                        flat[at] = (char, item["textRun"]["textStyle"])
                        if utf16_len(char) == 2:
                            flat[at + 1] = ("", item["textRun"]["textStyle"])
                        at += utf16_len(char)
            elif "table" in element:
                flat[element["startIndex"]] = ("⊤", {})
                flat[element["endIndex"] - 1] = ("⊥", {})
                for row in element["table"]["tableRows"]:
                    flat[row["startIndex"]] = ("⊢", {})
                    for cell in row["tableCells"]:
                        flat[cell["startIndex"]] = ("⊡", {})
                        walk(cell["content"])

    walk(payload["body"]["content"])
    assert sorted(flat) == list(range(len(flat)))
    return [flat[i] for i in range(len(flat))]


def run_batch(flat: list[tuple[str, dict]], requests: list[dict[str, Any]]) -> list[tuple[str, dict]]:
    flat = list(flat)
    for request in requests:
        (kind, body), = request.items()
        if kind == "deleteContentRange":
            del flat[body["range"]["startIndex"]:body["range"]["endIndex"]]
        elif kind == "insertText":
            at = body["location"]["index"]
            inherited = flat[at - 1][1]
            new = []
            for char in body["text"]:
                new += [(char, inherited)] + ([("", inherited)] if utf16_len(char) == 2 else [])
            flat[at:at] = new
        else:
            assert kind == "updateTextStyle" and body["fields"] == "*"
            start, end = body["range"]["startIndex"], body["range"]["endIndex"]
            flat[start:end] = [(char, body["textStyle"]) for char, _ in flat[start:end]]
    return flat


def runs_of(flat: list[tuple[str, dict]]) -> list[Runs]:
    """Paragraph texts as runs of equal style (closing newline left out)."""
    paragraphs: list[Runs] = [[]]
    for char, style in flat:
        if char in "§⊤⊥⊢⊡" and char:
            continue
        if char == "\n":
            paragraphs.append([])
            continue
        runs = paragraphs[-1]
        if runs and runs[-1][1] == style:
            runs[-1] = (runs[-1][0] + char, style)
        else:
            runs.append((char, style))
    return [p for p in paragraphs[:-1]]


def written(payload: dict[str, Any], batch) -> list[Runs]:
    return runs_of(run_batch(units(payload), batch.requests))


# -- tests ----------------------------------------------------------------------------------


def test_edit_inside_a_bold_run_keeps_it_bold():
    payload = build([("We ship ", {}), ("really fast", BOLD), (" today.", {})])
    batch = plan(payload, Edit(block_id="p0000", before="We ship really fast today.", after="We ship very fast today."))
    assert batch.requests == [
        {"deleteContentRange": {"range": {"startIndex": 9, "endIndex": 15}}},
        {"insertText": {"location": {"index": 9}, "text": "very"}},
        {"updateTextStyle": {"range": {"startIndex": 9, "endIndex": 13}, "textStyle": BOLD, "fields": "*"}},
    ]
    assert batch.body["writeControl"] == {"requiredRevisionId": "rev1"}
    assert batch.as_request()["path"] == "/v1/documents/doc1:batchUpdate"
    assert written(payload, batch) == [[("We ship ", {}), ("very fast", BOLD), (" today.", {})]]


def test_fonts_and_links_survive_a_replacement():
    payload = build([("Read ", {}), ("the launch notes", LINK), (" in ", {}), ("Georgia", SERIF_BOLD)])
    batch = plan(payload, Edit(block_id="p0000", before="Read the launch notes in Georgia",
                               after="Read the release notes in Garamond"))
    assert written(payload, batch) == [[("Read ", {}), ("the release notes", LINK), (" in ", {}), ("Garamond", SERIF_BOLD)]]


def test_edit_across_run_boundaries():
    payload = build([("Plain ", {}), ("bold", BOLD), (" end", {})])
    deletion = plan(payload, Edit(block_id="p0000", before="Plain bold end", after="Plain end"))
    assert written(payload, deletion) == [[("Plain end", {})]]
    across = Edit(block_id="p0000", before="Plain bold end", after="Plain finish")
    with pytest.raises(LossyEdit) as refused:  # the replaced words were bold and plain
        plan(payload, across)
    assert "p0000" in refused.value.losses
    allowed = plan(payload, across.model_copy(update={"allow_lossy": True}))
    assert written(payload, allowed) == [[("Plain ", {}), ("finish", BOLD)]]


def test_same_marks_but_different_fonts_is_lossy():
    payload = build([("Big ", {"fontSize": {"magnitude": 14, "unit": "PT"}}), ("small", {}), (" print", {})])
    edit = Edit(block_id="p0000", before="Big small print", after="Fine print")
    assert "mixed fonts" in plan(payload, edit).losses["p0000"][0]
    assert not plan(payload, edit.model_copy(update={"allow_lossy": True})).losses


def test_insertions_at_paragraph_start_and_end_take_the_neighbouring_style():
    payload = build([("Launch", BOLD), (" day", {})])
    batch = plan(payload, Edit(block_id="p0000", before="Launch day", after="Our Launch day is here"))
    starts = [next(iter(r.values())).get("location", next(iter(r.values())).get("range", {})) for r in batch.requests]
    assert [s.get("index", s.get("startIndex")) for s in starts] == [11, 11, 1, 1]  # the end first
    assert written(payload, batch) == [[("Our Launch", BOLD), (" day is here", {})]]


def test_paragraphs_are_written_from_the_end_backwards():
    payload = build([("First line.", {})], [("Second 😀 line.", {})], [("Third line.", {})])
    batch = plan(payload,
                 Edit(block_id="p0000", before="First line.", after="First row."),
                 Edit(block_id="p0002", before="Third line.", after="Third row."),
                 Edit(block_id="p0001", before="Second 😀 line.", after="Second 😀 row."))
    positions = [r.get("deleteContentRange", {}).get("range", {}).get("startIndex") for r in batch.requests]
    deletes = [p for p in positions if p is not None]
    assert deletes == sorted(deletes, reverse=True) and len(deletes) == 3
    assert deletes[1] == 13 + utf16_len("Second 😀 ")  # the emoji counts two units
    assert [["".join(t for t, _ in p)] for p in written(payload, batch)] == [["First row."], ["Second 😀 row."], ["Third row."]]


def test_list_items_and_table_cells():
    payload = build(Bulleted([("Nested ", {}), ("item", BOLD)]),
                    ("table", [[[("Plan", {})], [("Price", BOLD)]], [[("Free", {})], [("$0 forever", {})]]]),
                    [("After", {})])
    doc = document_from_payload(payload, REF)
    assert doc.block("p0000").kind == "list_item" and doc.block("p0000").depth == 1
    assert doc.block("t0.r1.c1.p0").text == "$0 forever"
    batch = plan(payload, Edit(block_id="p0000", before="Nested item", after="Nested entry"),
                 Edit(block_id="t0.r1.c1.p0", before="$0 forever", after="$0 for a year"),
                 Edit(block_id="t0.r0.c1.p0", before="Price", after="Cost"))
    assert written(payload, batch) == [[("Nested ", {}), ("entry", BOLD)], [("Plan", {})], [("Cost", BOLD)],
                                       [("Free", {})], [("$0 for a year", {})], [("After", {})]]


def test_target_restores_runs_exactly():
    original = build([("We ship ", {}), ("really fast", BOLD), (" — ", {}), ("see notes", LINK)])
    target = document_from_payload(original, REF).block("p0000")
    edited = build([("We ship quickly — see notes", {})])
    batch = plan(edited, Edit(block_id="p0000", before="We ship quickly — see notes",
                              after=target.text, target=target))
    assert written(edited, batch) == [[("We ship ", {}), ("really fast", BOLD), (" — ", {}), ("see notes", LINK)]]


def test_resolve_follows_a_paragraph_pushed_down_by_an_insertion_above():
    payload = build([("A new intro.", {})], [("Title line", BOLD)], [("Body text here.", {})])
    current = document_from_payload(payload, REF)
    edits = [Edit(block_id="p0000", before="Title line", after="Headline"),
             Edit(block_id="p0001", before="Body text here.", after="Body text there.")]
    resolved = resolve(current, edits)
    assert [e.block_id for e in resolved] == ["p0001", "p0002"]
    batch = plan(payload, *edits)
    assert ["".join(t for t, _ in p) for p in written(payload, batch)] == ["A new intro.", "Headline", "Body text there."]


def test_resolve_refuses_missing_and_ambiguous_paragraphs():
    payload = build([("Same", {})], [("Same", {})], [("Other", {})])
    current = document_from_payload(payload, REF)
    with pytest.raises(Conflict) as gone:
        resolve(current, [Edit(block_id="p0002", before="Changed meanwhile", after="x")])
    assert gone.value.remote == {"p0002": "Other"}
    with pytest.raises(Conflict):  # two paragraphs read "Same": which one is meant is unknown
        resolve(document_from_payload(build([("Same", {})], [("Same", {})]), REF),
                [Edit(block_id="p0005", before="Same", after="x")])
    assert [e.block_id for e in resolve(current, [Edit(block_id="p0001", before="Same", after="x")])] == ["p0001"]


def test_a_cell_edit_never_moves_out_of_its_table():
    payload = build([("Price", {})], ("table", [[[("Cost", {})]]]))
    with pytest.raises(Conflict):
        resolve(document_from_payload(payload, REF), [Edit(block_id="t0.r0.c0.p0", before="Price", after="x")])
