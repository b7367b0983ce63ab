"""Google Docs documents as `documents.get` serves them, and the batchUpdate edits on them.

A document here *is* its `documents.get` JSON (StructuralElement, Paragraph, TextRun, Table…
with Google's own keys), so the sandbox cannot serve a shape that a converter invented.
Indices are derived data: `reindex` recomputes every `startIndex`/`endIndex` in UTF-16 code
units after each edit, by rules read off a real response (the sandbox tests recompute the
indices of that response and compare):

- a segment (the body, a footnote, a header) starts at 0; the body opens with a
  sectionBreak of length 1;
- a paragraph is the sum of its elements: a textRun counts the UTF-16 code units of its
  content; other elements (inline objects, footnote references, horizontal rules,
  equations…) are opaque and keep the span they were loaded with (1 when unknown);
- a table takes one unit at its start, each row one at its start, each cell one at its
  start before its content, and the table one more at its end;
- a `startIndex` of 0 is omitted, as proto3 JSON omits default values.

Tabs (https://developers.google.com/workspace/docs/api/how-tos/tabs; schemas Tab,
TabProperties, DocumentTab of the discovery document): a stored document holds its content
the way `includeTabsContent=true` serves it, `tabs[]` of `{tabProperties, childTabs,
documentTab}`, each `documentTab` with its own body, headers, footers, footnotes, lists and
styles (`legacy_view` gives the older shape, the first tab's content at the top level).
Every index is relative to its tab and segment.

Suggestions (TextRun.suggestedInsertionIds / suggestedDeletionIds): runs suggested by a
collaborator are kept inline, as SUGGESTIONS_INLINE serves them and as writes must be based
on; `preview` gives the PREVIEW_WITHOUT_SUGGESTIONS and PREVIEW_SUGGESTIONS_ACCEPTED views.

Edits (`apply_batch`) follow the documented batchUpdate semantics that copydesk relies on:
requests apply in order on a copy, each in the tab its Location/Range names (`tabId`; the
first tab when it names none; an unknown tab id refuses the batch; replaceAllText's
`tabsCriteria` picks tabs, all of them without it), and the first invalid one refuses the
whole batch with Google's "Invalid requests[i].<kind>: …" message. Every Location and Range names its segment
(`segmentId`: a header, footer or footnote id; empty for the body), whose indexes start at 0
(Location/Range and Header/Footer/Footnote `content` in the discovery document); an id the
document does not have is refused. replaceAllText searches every segment.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, cast

LINK_COLOR = {"color": {"rgbColor": {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}}}
TEXT_STYLE_FIELDS = frozenset({
    "backgroundColor", "baselineOffset", "bold", "fontSize", "foregroundColor", "italic", "link", "smallCaps",
    "strikethrough", "underline", "weightedFontFamily",
})
# Docs stores a style equal to the paragraph's named style as "inherit" (the key disappears).
_INHERITABLE = ("bold", "italic", "underline", "strikethrough", "smallCaps")
# Characters insertText strips, per the InsertTextRequest description in the discovery doc.
_STRIPPED = re.compile("[\x00-\x08\x0c-\x1f\ue000-\uf8ff]")
_OBJECT_PLACEHOLDER = "\ufffc"
_INDEX_KEYS = ("startIndex", "endIndex")
BODY_TAB_ID = "t.0"


class InvalidRequest(ValueError):
    """A batch Docs refuses with 400 INVALID_ARGUMENT; the message names the failing request."""


class _Refused(Exception):
    """One request is invalid; `apply_batch` adds the request's index and kind."""


# -- building blocks (the seed loader and the synthetic generator build documents with these) --


def text_run(content: str, style: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"textRun": {"content": content, "textStyle": style or {}}}


def paragraph(elements: list[dict[str, Any]], paragraph_style: dict[str, Any],
              bullet: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"elements": elements, "paragraphStyle": paragraph_style}
    if bullet is not None:
        body["bullet"] = bullet
    return {"paragraph": body}


def table(cells: list[list[dict[str, Any]]], cell_style: dict[str, Any], row_style: dict[str, Any]) -> dict[str, Any]:
    """A table whose cells each hold one paragraph element (`cells[row][column]`)."""
    columns = len(cells[0])
    return {
        "table": {
            "rows": len(cells),
            "columns": columns,
            "tableRows": [
                {
                    "tableCells": [{"content": [cell], "tableCellStyle": copy.deepcopy(cell_style)} for cell in row],
                    "tableRowStyle": copy.deepcopy(row_style),
                }
                for row in cells
            ],
            "tableStyle": {"tableColumnProperties": [{"widthType": "EVENLY_DISTRIBUTED"} for _ in range(columns)]},
        }
    }


def section_break() -> dict[str, Any]:
    return {"sectionBreak": {"sectionStyle": {
        "columnSeparatorStyle": "NONE", "contentDirection": "LEFT_TO_RIGHT", "sectionType": "CONTINUOUS"}}}


def link_style(url: str, style: dict[str, Any] | None = None) -> dict[str, Any]:
    """A linked run as the Docs editor leaves it: underlined, in the link colour."""
    return {**(style or {}), "underline": True, "foregroundColor": copy.deepcopy(LINK_COLOR), "link": {"url": url}}


# -- UTF-16 arithmetic -------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _py_offset(text: str, units: int) -> int:
    """The str index `units` UTF-16 code units into `text`; refuses half a surrogate pair."""
    if text.isascii():
        return units
    count = 0
    for position, char in enumerate(text):
        if count == units:
            return position
        count += 2 if ord(char) > 0xFFFF else 1
        if count > units:
            raise _Refused("The index cannot be inside a surrogate pair.")
    return len(text)


# -- indices -----------------------------------------------------------------------------------


def reindex(document: dict[str, Any]) -> dict[str, Any]:
    """Recompute every index of the body and of the footnote/header/footer segments, in place
    (of every tab: each tab's indices start at 0)."""
    for tab in iter_tabs(document):
        reindex(tab["documentTab"])
    _index_content(document.get("body", {}).get("content", []), 0)
    for kind in ("footnotes", "headers", "footers"):
        for segment in document.get(kind, {}).values():
            _index_content(segment.get("content", []), 0)
    return document


def _index_content(content: list[dict[str, Any]], start: int) -> int:
    at = start
    for element in content:
        at = _index_structural(element, at)
    return at


def _index_structural(element: dict[str, Any], start: int) -> int:
    if "paragraph" in element:
        at = start
        for item in element["paragraph"]["elements"]:
            end = at + _span(item)
            _set_span(item, at, end)
            at = end
    elif "table" in element:
        at = start + 1
        for row in element["table"]["tableRows"]:
            row_start, at = at, at + 1
            for cell in row["tableCells"]:
                cell_start = at
                at = _index_content(cell["content"], at + 1)
                _set_span(cell, cell_start, at)
            _set_span(row, row_start, at)
        at += 1
    elif "sectionBreak" in element:
        at = start + 1
    else:
        raise ValueError(f"the sandbox cannot index a structural element with keys {sorted(element)}")
    _set_span(element, start, at)
    return at


def _set_span(item: dict[str, Any], start: int, end: int) -> None:
    """Set the indices first in the dict, where Docs puts them, so a response reads like Docs'."""
    payload = {key: value for key, value in item.items() if key not in _INDEX_KEYS}
    item.clear()
    if start:
        item["startIndex"] = start
    item["endIndex"] = end
    item.update(payload)


def _span(item: dict[str, Any]) -> int:
    """UTF-16 length of a paragraph element: text counts; opaque elements keep their span."""
    if "textRun" in item:
        return utf16_len(item["textRun"]["content"])
    if "endIndex" in item:
        return int(item["endIndex"]) - int(item.get("startIndex", 0))
    return 1


def strip_indices(value: Any, keep: Callable[[dict[str, Any]], bool] = lambda item: False) -> Any:
    """A copy without index keys, except on dicts `keep` accepts (the opaque elements)."""
    if isinstance(value, list):
        return [strip_indices(item, keep) for item in value]
    if isinstance(value, dict):
        return {key: strip_indices(item, keep) for key, item in value.items()
                if key not in _INDEX_KEYS or keep(value)}
    return value


def is_opaque_element(item: dict[str, Any]) -> bool:
    """A paragraph element other than a text run: its length comes from the document, not its text."""
    payload = set(item) - set(_INDEX_KEYS)
    return bool(payload) and "textRun" not in payload and payload <= _PARAGRAPH_ELEMENT_KINDS


_PARAGRAPH_ELEMENT_KINDS = frozenset({
    "autoText", "columnBreak", "dateElement", "dropdown", "equation", "footnoteReference", "horizontalRule",
    "inlineObjectElement", "pageBreak", "person", "richLink",
})


# -- reading -----------------------------------------------------------------------------------


@dataclass
class _Paragraph:
    """A paragraph of the body or of a table cell, with where it sits."""

    element: dict[str, Any]
    last_in_segment: bool  # the last paragraph of the body or of its cell: its newline cannot go

    @property
    def start(self) -> int:
        return int(self.element.get("startIndex", 0))

    @property
    def end(self) -> int:
        return int(self.element["endIndex"])

    @property
    def elements(self) -> list[dict[str, Any]]:
        # Docs JSON: a paragraph's `elements` is a list of element objects.
        return cast(list[dict[str, Any]], self.element["paragraph"]["elements"])


def _paragraphs(content: list[dict[str, Any]]) -> Iterator[_Paragraph]:
    for position, element in enumerate(content):
        if "paragraph" in element:
            yield _Paragraph(element, position == len(content) - 1)
        elif "table" in element:
            for row in element["table"]["tableRows"]:
                for cell in row["tableCells"]:
                    yield from _paragraphs(cell["content"])


def _body(document: dict[str, Any]) -> list[dict[str, Any]]:
    # Docs JSON: the body's `content` is a list of structural element objects.
    return cast(list[dict[str, Any]], document["body"]["content"])


SEGMENT_KINDS = ("headers", "footers", "footnotes")


def _segment(document: dict[str, Any], location: dict[str, Any]) -> list[dict[str, Any]]:
    """The content a Location or Range addresses: the body, or the header, footer or footnote
    its `segmentId` names (refused when the document has none by that id); `document` is the
    tab's content `_located` found."""
    segment_id = location.get("segmentId") or ""
    if not segment_id:
        return _body(document)
    if not isinstance(segment_id, str):
        raise _Refused("segmentId must be a string.")
    for kind in SEGMENT_KINDS:
        segment = (document.get(kind) or {}).get(segment_id)
        if segment is not None:
            return cast(list[dict[str, Any]], segment["content"])
    raise _Refused(f"The segment with ID {segment_id!r} does not exist.")


def _all_segments(document: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """The body's content, then each header's, footer's and footnote's."""
    yield _body(document)
    for kind in SEGMENT_KINDS:
        for segment in (document.get(kind) or {}).values():
            yield segment["content"]


def _segment_end(content: list[dict[str, Any]]) -> int:
    return int(content[-1]["endIndex"])


def _item_text(item: dict[str, Any]) -> str:
    """An element's text for searching: an opaque element is one U+FFFC, so no match crosses it."""
    return item["textRun"]["content"] if "textRun" in item else _OBJECT_PLACEHOLDER


def _payload(item: dict[str, Any]) -> dict[str, Any]:
    return next(value for key, value in item.items() if key not in _INDEX_KEYS)


def _style_of(item: dict[str, Any]) -> dict[str, Any]:
    # Docs JSON: an element's `textStyle` is an object.
    return cast(dict[str, Any], _payload(item).get("textStyle", {}))


def _paragraph_at(content: list[dict[str, Any]], index: int) -> _Paragraph | None:
    for candidate in _paragraphs(content):
        if candidate.start <= index < candidate.end:
            return candidate
    return None


# -- tabs --------------------------------------------------------------------------------------


def iter_tabs(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every tab, depth-first in the order the editor lists them (a tab, then its child tabs)."""
    stack = list(reversed(document.get("tabs") or []))
    while stack:
        tab = stack.pop()
        yield tab
        stack.extend(reversed(tab.get("childTabs") or []))


def tab_contents(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each tab's `documentTab` (body, lists, styles…), or the document itself in the older shape."""
    if "tabs" not in document:
        return [document]
    return [tab["documentTab"] for tab in iter_tabs(document)]


def tab_content(document: dict[str, Any], tab_id: Any) -> dict[str, Any]:
    """The content a Location/Range with `tab_id` addresses: the first tab when it names none
    (the Location.tabId description); an unknown id is refused as Docs refuses it."""
    if "tabs" not in document:
        if tab_id in (None, "", BODY_TAB_ID):
            return document
        raise _Refused(f"The tab with ID {tab_id!r} does not exist.")
    tabs = list(iter_tabs(document))
    if tab_id in (None, ""):
        return cast(dict[str, Any], tabs[0]["documentTab"])
    for tab in tabs:
        if tab["tabProperties"]["tabId"] == tab_id:
            return cast(dict[str, Any], tab["documentTab"])
    raise _Refused(f"The tab with ID {tab_id!r} does not exist.")


def legacy_view(document: dict[str, Any]) -> dict[str, Any]:
    """The `includeTabsContent=false` shape: the first tab's content at the top level, no `tabs`."""
    if "tabs" not in document:
        return document
    first = document["tabs"][0]["documentTab"]
    rest = {key: value for key, value in document.items() if key not in ("title", "tabs")}
    return {"title": document["title"], **first, **rest}


def tab_properties(tab_id: str, title: str, index: int, parent: dict[str, Any] | None) -> dict[str, Any]:
    """TabProperties as proto3 JSON serves them: a zero index or nesting level is left out."""
    properties: dict[str, Any] = {"tabId": tab_id, "title": title}
    if parent is not None:
        properties["parentTabId"] = parent["tabId"]
    if index:
        properties["index"] = index
    level = 0 if parent is None else int(parent.get("nestingLevel", 0)) + 1
    if level:
        properties["nestingLevel"] = level
    return properties


# -- suggestions -------------------------------------------------------------------------------


_SUGGESTION_KEYS = ("suggestedInsertionIds", "suggestedDeletionIds", "suggestedTextStyleChanges")


def preview(document: dict[str, Any], accept: bool) -> dict[str, Any]:
    """The document as PREVIEW_SUGGESTIONS_ACCEPTED (`accept`) or PREVIEW_WITHOUT_SUGGESTIONS
    serves it, in place: the suggested text dropped (or kept), no suggestion ids, reindexed."""
    dropped = "suggestedDeletionIds" if accept else "suggestedInsertionIds"
    for tab in tab_contents(document):
        for content in _all_segments(tab):
            _preview_content(content, dropped)
    return reindex(document)


def _preview_content(content: list[dict[str, Any]], dropped: str) -> None:
    for position in reversed(range(len(content))):
        element = content[position]
        if "table" in element:
            for row in element["table"]["tableRows"]:
                for cell in row["tableCells"]:
                    _preview_content(cell["content"], dropped)
        if "paragraph" not in element:
            continue
        kept = []
        for item in element["paragraph"]["elements"]:
            payload = _payload(item)
            if payload.get(dropped):
                continue
            kept.append({key: ({k: v for k, v in value.items() if k not in _SUGGESTION_KEYS}
                               if isinstance(value, dict) else value) for key, value in item.items()})
        if kept:
            element["paragraph"]["elements"] = merge_runs(kept)
        else:
            del content[position]  # a paragraph that is wholly a suggestion, its newline included


# -- paragraph-level edits (offsets are UTF-16 units from the paragraph's start) ----------------


def _boundary(elements: list[dict[str, Any]], offset: int) -> int:
    """Split runs so that an element starts at `offset`; return that element's position."""
    at = 0
    for position, item in enumerate(elements):
        if at == offset:
            return position
        span = _span(item)
        if offset < at + span:
            if "textRun" not in item:
                raise _Refused("The range cannot start or end inside a non-text element.")
            run = item["textRun"]
            cut = _py_offset(run["content"], offset - at)
            head = {"textRun": {**run, "content": run["content"][:cut], "textStyle": copy.deepcopy(run["textStyle"])}}
            tail = {"textRun": {**run, "content": run["content"][cut:], "textStyle": copy.deepcopy(run["textStyle"])}}
            elements[position : position + 1] = [head, tail]
            return position + 1
        at += span
    return len(elements)


def _insert(elements: list[dict[str, Any]], offset: int, text: str, style: dict[str, Any]) -> None:
    position = _boundary(elements, offset)
    elements.insert(position, text_run(text, copy.deepcopy(style)))


def _delete(elements: list[dict[str, Any]], start: int, end: int) -> None:
    first = _boundary(elements, start)
    last = _boundary(elements, end)
    del elements[first:last]


def _style_at(elements: list[dict[str, Any]], offset: int) -> dict[str, Any]:
    at = 0
    for item in elements:
        span = _span(item)
        if at <= offset < at + span:
            return _style_of(item)
        at += span
    return _style_of(elements[-1])


def _style_for_insert(elements: list[dict[str, Any]], offset: int) -> dict[str, Any]:
    """Inserted text takes the style of the character before it in the paragraph, or of the
    following one at the paragraph's start (the InsertTextRequest description)."""
    return _style_at(elements, offset - 1 if offset > 0 else 0)


def merge_runs(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop empty runs and join neighbours with equal styles, as Docs returns them."""
    merged: list[dict[str, Any]] = []
    for item in elements:
        if "textRun" in item:
            run = item["textRun"]
            if not run["content"]:
                continue
            previous = merged[-1]["textRun"] if merged and "textRun" in merged[-1] else None
            if previous is not None and _same_attributes(previous, run):
                merged[-1] = {"textRun": {**previous, "content": previous["content"] + run["content"]}}
                continue
        merged.append(item)
    return merged


def _same_attributes(left: dict[str, Any], right: dict[str, Any]) -> bool:
    return {k: v for k, v in left.items() if k != "content"} == {k: v for k, v in right.items() if k != "content"}


def _normalise(content: list[dict[str, Any]], heading_ids: Callable[[str], str]) -> None:
    """Split paragraphs at inserted newlines and merge runs, throughout the content."""
    position = 0
    while position < len(content):
        element = content[position]
        if "paragraph" in element:
            pieces = _split_lines(element, heading_ids)
            for piece in pieces:
                piece["paragraph"]["elements"] = merge_runs(piece["paragraph"]["elements"])
            content[position : position + 1] = pieces
            position += len(pieces)
            continue
        if "table" in element:
            for row in element["table"]["tableRows"]:
                for cell in row["tableCells"]:
                    _normalise(cell["content"], heading_ids)
        position += 1


def _split_lines(element: dict[str, Any], heading_ids: Callable[[str], str]) -> list[dict[str, Any]]:
    """One paragraph per newline. Inserting "\\n" creates a paragraph whose style (heading,
    bullet) is copied from the one it was inserted into, as the InsertTextRequest says."""
    body = element["paragraph"]
    runs = [item["textRun"]["content"] for item in body["elements"] if "textRun" in item]
    if sum(content.count("\n") for content in runs) <= 1:
        return [element]
    lines: list[list[dict[str, Any]]] = [[]]
    for item in body["elements"]:
        if "textRun" not in item:
            lines[-1].append(item)
            continue
        run = item["textRun"]
        for chunk in _LINE_CHUNKS.findall(run["content"]):
            lines[-1].append({"textRun": {**run, "content": chunk, "textStyle": copy.deepcopy(run["textStyle"])}})
            if chunk.endswith("\n"):
                lines.append([])
    pieces = []
    for number, line in enumerate(filter(None, lines)):
        piece = {**copy.deepcopy({k: v for k, v in body.items() if k != "elements"}), "elements": line}
        if number and "headingId" in piece["paragraphStyle"]:
            piece["paragraphStyle"]["headingId"] = heading_ids(piece["paragraphStyle"]["headingId"])
        pieces.append({"paragraph": piece})
    return pieces


_LINE_CHUNKS = re.compile(r"[^\n]*\n|[^\n]+")


# -- batchUpdate -------------------------------------------------------------------------------


def apply_batch(document: dict[str, Any], requests: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Apply `requests` in order to a copy of `document`; return it (reindexed) and the replies.

    Raises InvalidRequest, naming the first request that cannot apply; the document passed
    in is never touched, so a refused batch changes nothing.
    """
    if not isinstance(requests, list) or not requests:
        raise InvalidRequest("Invalid requests: must specify at least one request.")
    edited = copy.deepcopy(document)
    heading_ids = _heading_id_factory(edited)
    replies = []
    for index, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise InvalidRequest(f"Invalid requests[{index}]: a request must set exactly one kind of request.")
        kind, body = next(iter(request.items()))
        handler = _HANDLERS.get(kind)
        if handler is None:
            raise InvalidRequest(f"Invalid requests[{index}].{kind}: the copydesk sandbox does not implement "
                                 f"{kind} (it implements {', '.join(sorted(_HANDLERS))}).")
        if not isinstance(body, dict):
            raise InvalidRequest(f"Invalid requests[{index}].{kind}: the request body must be an object.")
        try:
            replies.append(handler(edited, body))
        except _Refused as refusal:
            raise InvalidRequest(f"Invalid requests[{index}].{kind}: {refusal}") from None
        for content in (c for tab in tab_contents(edited) for c in _all_segments(tab)):
            _normalise(content, heading_ids)
        reindex(edited)
    return edited, replies


def replace_first(document: dict[str, Any], find: str, replace: str) -> dict[str, Any] | None:
    """A person's edit of the first paragraph containing `find` (case-sensitive; the body's
    paragraphs first, then those of headers, footers and footnotes): the words that
    differ are retyped in place, so a replaced word keeps its own style, added words take the
    style before them (as insertText does) and untouched words keep theirs. Returns the edited
    copy, or None when no paragraph contains `find`."""
    if not find:
        return None
    edited = copy.deepcopy(document)
    contents = [c for tab in tab_contents(edited) for c in _all_segments(tab)]
    for candidate in (p for content in contents for p in _paragraphs(content)):
        elements = candidate.elements
        position = "".join(_item_text(item) for item in elements)[:-1].find(find)
        if position < 0:
            continue
        units = _unit_offsets(elements)
        old, new = _WORDS.findall(find), _WORDS.findall(replace)
        starts = [position + sum(len(token) for token in old[:i]) for i in range(len(old) + 1)]
        opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(opcodes):
            if tag == "equal":
                continue
            start, end = units[starts[i1]], units[starts[i2]]
            style = _style_at(elements, start) if tag == "replace" else _style_for_insert(elements, start)
            _delete(elements, start, end)
            if j2 > j1:
                _insert(elements, start, "".join(new[j1:j2]), style)
        heading_ids = _heading_id_factory(edited)
        for content in contents:
            _normalise(content, heading_ids)
        return reindex(edited)
    return None


_WORDS = re.compile(r"\w+|\s+|[^\w\s]")


def _insert_text(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    text = _STRIPPED.sub("", body.get("text") or "")
    if not text:
        raise _Refused("Insert text requests must specify text to insert.")
    if "endOfSegmentLocation" in body:
        document = _located(document, body["endOfSegmentLocation"] or {})
        content = _segment(document, body["endOfSegmentLocation"] or {})
        index = _segment_end(content) - 1
    elif isinstance(body.get("location"), dict):
        document = _located(document, body["location"])
        content = _segment(document, body["location"])
        index = _int(body["location"].get("index", 0), "location.index")
    else:
        raise _Refused("Insert text requests must specify either location or endOfSegmentLocation.")
    end = _segment_end(content)
    if index >= end:
        raise _Refused(f"Index {index} must be less than the end index of the referenced segment, {end}.")
    target = _paragraph_at(content, index)
    if target is None:
        raise _Refused("The insertion index must be inside the bounds of an existing paragraph. "
                       "You can still create new paragraphs by inserting newlines.")
    offset = index - target.start
    _insert(target.elements, offset, text, _style_for_insert(target.elements, offset))
    return {}


def _delete_content_range(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    document = _located(document, body.get("range"))
    content, start, end = _range(document, body.get("range"))
    target = _paragraph_at(content, start)
    if target is None:
        raise _Refused(f"Invalid deletion range: index {start} is not inside a paragraph. The copydesk sandbox "
                       "deletes text inside one paragraph only (not tables or section breaks).")
    if end > target.end - 1:
        if end == target.end and target.last_in_segment:
            raise _Refused("The range cannot include the newline character at the end of the segment.")
        raise _Refused(f"The range {start}-{end} includes the end of the paragraph {target.start}-{target.end}. "
                       "The copydesk sandbox deletes text inside one paragraph only and does not merge paragraphs.")
    _delete(target.elements, start - target.start, end - target.start)
    return {}


def _replace_all_text(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    criteria = body.get("containsText") or {}
    needle = criteria.get("text") or ""
    if not needle:
        raise _Refused("The text to search for cannot be empty.")
    if criteria.get("searchByRegex"):
        raise _Refused("the copydesk sandbox does not implement searchByRegex.")
    tab_ids = (body.get("tabsCriteria") or {}).get("tabIds") or []
    # Without tabsCriteria the replacement runs in every tab (the ReplaceAllTextRequest description).
    tabs = [tab_content(document, tab_id) for tab_id in tab_ids] if tab_ids else tab_contents(document)
    replacement = _STRIPPED.sub("", body.get("replaceText") or "")
    pattern = re.compile(re.escape(needle), 0 if criteria.get("matchCase") else re.IGNORECASE)
    paragraphs = [p for tab in tabs for content in _all_segments(tab) for p in _paragraphs(content)]
    changed = sum(_replace_in_paragraph(p.elements, pattern, replacement) for p in paragraphs)
    # proto3 JSON leaves out a zero count: Docs answers {"replaceAllText": {}} when nothing matched.
    return {"replaceAllText": {"occurrencesChanged": changed} if changed else {}}


def _replace_in_paragraph(elements: list[dict[str, Any]], pattern: re.Pattern[str], replacement: str,
                          limit: int | None = None) -> int:
    """Replace matches right to left, so earlier offsets stay valid; the replacement takes the
    style of each match's first character. The paragraph's own newline never matches."""
    text = "".join(_item_text(item) for item in elements)[:-1]
    units = _unit_offsets(elements)
    matches = list(pattern.finditer(text))[:limit]
    for match in reversed(matches):
        start, end = units[match.start()], units[match.end()]
        style = _style_at(elements, start)
        _delete(elements, start, end)
        if replacement:
            _insert(elements, start, replacement, style)
    return len(matches)


def _unit_offsets(elements: list[dict[str, Any]]) -> list[int]:
    """UTF-16 offset of every character of the paragraph's text (plus the end)."""
    offsets, at = [], 0
    for item in elements:
        if "textRun" in item:
            for char in item["textRun"]["content"]:
                offsets.append(at)
                at += 2 if ord(char) > 0xFFFF else 1
        else:
            offsets.append(at)
            at += _span(item)
    offsets.append(at)
    return offsets


def _update_text_style(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    fields = _style_fields(body.get("fields"))
    style = body.get("textStyle") or {}
    unknown = sorted(set(style) - TEXT_STYLE_FIELDS)
    if unknown:
        raise _Refused(f'Unknown name "{unknown[0]}" in textStyle: Cannot find field.')
    document = _located(document, body.get("range"))
    content, start, end = _range(document, body.get("range"))
    named = _named_text_styles(document)
    for target in list(_paragraphs(content)):
        low, high = max(start, target.start), min(end, target.end)
        if low < high:
            parent = named.get(target.element["paragraph"]["paragraphStyle"].get("namedStyleType", "NORMAL_TEXT"), {})
            _style_range(target, low - target.start, high - target.start, style, fields, parent)
    return {}


def _style_range(target: _Paragraph, low: int, high: int, style: dict[str, Any], fields: set[str],
                 parent: dict[str, Any]) -> None:
    """Set (or, for masked fields absent from `style`, clear) styles on [low, high).

    Link side effects follow the TextStyle.link description: setting a link also underlines
    and colours the text unless those fields are in the mask; removing one restores the
    style of the text before the range; links never cover the paragraph's newline.
    """
    elements = target.elements
    newline = target.end - target.start - 1
    link_end = min(high, newline)
    before = _style_at(elements, low - 1) if low > 0 else {}
    first = _boundary(elements, low)
    _boundary(elements, link_end)
    last = _boundary(elements, high)
    at = sum(_span(item) for item in elements[:first])
    for item in elements[first:last]:
        span = _span(item)
        if "textRun" in item:
            on_newline = at >= link_end
            _restyle(item["textRun"]["textStyle"], style, fields - {"link"} if on_newline else fields, before, parent)
        at += span


def _restyle(run_style: dict[str, Any], style: dict[str, Any], fields: set[str], before: dict[str, Any],
             parent: dict[str, Any]) -> None:
    had_link = "link" in run_style
    for field in fields:
        if field in style:
            run_style[field] = copy.deepcopy(style[field])
        else:
            run_style.pop(field, None)
    if "link" in fields and "link" in style:
        if "underline" not in fields:
            run_style["underline"] = True
        if "foregroundColor" not in fields:
            run_style["foregroundColor"] = copy.deepcopy(LINK_COLOR)
    elif "link" in fields and had_link:
        source = {} if "link" in before else before
        for field in ("underline", "foregroundColor"):
            if field not in fields:
                if field in source:
                    run_style[field] = copy.deepcopy(source[field])
                else:
                    run_style.pop(field, None)
    for field in _INHERITABLE:
        if field in run_style and run_style[field] == parent.get(field, False):
            del run_style[field]


def _named_text_styles(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each named style's effective text style (NORMAL_TEXT under the others)."""
    named = document.get("namedStyles", {}).get("styles", [])
    styles = {style.get("namedStyleType"): style.get("textStyle", {}) for style in named}
    normal = styles.get("NORMAL_TEXT", {})
    return {name: {**normal, **style} for name, style in styles.items()}


def _style_fields(raw: Any) -> set[str]:
    if not isinstance(raw, str) or not raw.strip():
        raise _Refused("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
    names = {part.strip().split(".")[0] for part in raw.split(",") if part.strip()}
    if "*" in names:
        return set(TEXT_STYLE_FIELDS)
    unknown = sorted(names - TEXT_STYLE_FIELDS)
    if unknown:
        raise _Refused(f"Invalid field mask path: {unknown[0]}")
    return names


def _located(document: dict[str, Any], location: Any) -> dict[str, Any]:
    """The tab content a Location, EndOfSegmentLocation or Range addresses (its `tabId`)."""
    if not isinstance(location, dict):
        raise _Refused("The range must be specified.")
    return tab_content(document, location.get("tabId"))


def _range(document: dict[str, Any], raw: Any) -> tuple[list[dict[str, Any]], int, int]:
    """The segment content a Range addresses, and its start and end (checked)."""
    if not isinstance(raw, dict):
        raise _Refused("The range must be specified.")
    content = _segment(document, raw)
    start = _int(raw.get("startIndex", 0), "range.startIndex")
    end = _int(raw.get("endIndex", 0), "range.endIndex")
    if start < 0:
        raise _Refused(f"The range startIndex {start} must not be negative.")
    if start < 1 and content is _body(document):
        raise _Refused("The range cannot start inside the first section break (startIndex must be at least 1).")
    if end <= start:
        raise _Refused(f"The range should not be empty: startIndex {start} must be less than endIndex {end}.")
    limit = _segment_end(content)
    if end > limit:
        raise _Refused(f"Index {end - 1} must be less than the end index of the referenced segment, {limit}.")
    return content, start, end


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise _Refused(f"{name} must be an integer.")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _Refused(f"{name} must be an integer.") from None


def _heading_id_factory(document: dict[str, Any]) -> Callable[[str], str]:
    """New heading ids for paragraphs split off a heading: deterministic, never reused."""
    counter = iter(range(1, 1_000_000))
    seed = document.get("revisionId", "")

    def make(previous: str) -> str:
        digest = hashlib.sha256(f"{seed}:{previous}:{next(counter)}".encode()).hexdigest()
        return "h." + "".join(c for c in digest if c.isalpha() or c.isdigit())[:12]

    return make


_HANDLERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]] = {
    "insertText": _insert_text,
    "deleteContentRange": _delete_content_range,
    "replaceAllText": _replace_all_text,
    "updateTextStyle": _update_text_style,
}
