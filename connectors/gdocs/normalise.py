"""Google Docs `documents.get` payloads and Drive file metadata → the document model.

Docs has no paragraph ids, so a block's id is its ordinal: `p0007` is the body's eighth
paragraph, `t1.r0.c2.p0` the first paragraph of the third cell of the first row of the
body's second table (tables nest: `t1.r0.c2.t0.r1.c0.p0`). An id stays right while no
paragraph is inserted or removed above it; the connector re-resolves ids by text at apply
time, and staging aligns Google Docs revisions by text, not id.

Tabs: the connector reads `includeTabsContent=true`, and every tab and child tab is read,
depth-first in the order the editor lists them, each tab's `documentTab` (body, headers,
footers, footnotes) by one function (`tab_blocks`). Ordinals count within a tab. The first
top-level tab keeps the ids described here unchanged; every other tab's ids are prefixed with
its tab id and a slash (`t.abc123/p0007`, `t.abc123/t0.r1.c0.p0`,
`t.abc123/header:<headerId>/p0000`). In a document of several tabs, every block names its tab
in `attrs` (`tab`: the id writes send as `tabId`; `tab_title`: its name, for people), and
each tab's name is a read-only `tab_title` block (`tab`, `t.abc123/tab`) ahead of its
content. A document of one tab keeps blocks without tab attrs (its writes name no tab, which
Docs sends to the only tab), so it serialises as before; its tab's name, which the editor
shows in the tab list, is listed as not captured unless it is the name Docs generated ("Tab
1"). A payload in the older shape (the first tab at the top level) reads as that one tab.

Suggestions: the document is read with suggestions inline (Docs' default for an editor), the
one view writes may be based on (Document.suggestionsViewMode: "changes must be based on a
document with SUGGESTIONS_INLINE"), so every index in `raw` is one a write can use and one
read serves both; a PREVIEW_WITHOUT_SUGGESTIONS read would shift indexes and cost a second
request. The base text is computed from it: runs that are only suggested insertions are
dropped, runs suggested for deletion kept. A paragraph with any pending suggestion is marked
(`attrs["suggestions"]`) and read-only until someone accepts or rejects it in Google Docs;
the suggested insertions it holds are listed as not captured.

A paragraph is one block, its text without the closing "\\n". Spans are the paragraph's text
runs one for one (the write side relies on that: span i is text run i), and `raw` is the
paragraph's native structural element, indexes and full text styles included, so a write
can restore a run's fonts and colours exactly. Only paragraphs made of plain text runs are
editable: inline images, equations, rules, breaks, footnote references, smart chips and
pending suggestions cannot be rewritten through text ranges without being destroyed, so
their paragraphs are kept read-only, each with a `readonly_reason` saying what to do in
Google Docs instead. Text the API returns that no block holds (an image's alt text, a
pending suggested insertion, a lone tab's name) is listed in `Document.not_captured`.

Headers, footers and footnotes are segments of their own, each indexed from 0 and written
through its `segmentId`. Their blocks carry the segment in the id, `header:<headerId>/p0000`,
`footer:<footerId>/p0000`, `footnote:<footnoteId>/p0000` (tables inside a segment as in the
body: `header:<headerId>/t0.r0.c0.p0`), so the body's ids are the same as without them, and in
`attrs` (`segment`: header, footer or footnote; `segment_id`; for headers and footers `pages`:
"default", "first page", "even pages", from documentStyle and the section breaks). Blocks come
in the order a reader meets them on a page: headers (default, first page, even pages, then any
other), the body, the footnotes in the order the body refers to them, then footers (same
order as headers). A body paragraph holding a footnote reference stays read-only (the
reference cannot be kept through a text rewrite); the footnote's own text is editable in its
footnote's block. The rendered footnote number is a marker, not copy, and is not tracked.

Volatile fields are left out so an unchanged document serialises to the same bytes:
`revisionId` (a new one after every edit, even an undone one) and image `contentUri`s
(short-lived signed URLs that differ on every read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Iterator, Sequence

from connectors.document import Block, Document, DocumentRef, Mention, NotCaptured, Span
from connectors.storable import storable

TOOL = "gdocs"
DOC_MIME = "application/vnd.google-apps.document"
FOLDER_MIME = "application/vnd.google-apps.folder"

_NAMED_KINDS = {
    "TITLE": "title",
    "SUBTITLE": "subtitle",
    **{f"HEADING_{n}": f"heading_{n}" for n in range(1, 7)},
}
# A paragraph holding only one of these (and its closing newline) is that object.
_OBJECT_KINDS = {
    "inlineObjectElement": "image",
    "horizontalRule": "divider",
    "equation": "equation",
    "pageBreak": "page_break",
    "columnBreak": "column_break",
}
_MONOSPACE = {"courier new", "consolas", "roboto mono", "source code pro", "inconsolata", "ubuntu mono",
              "fira code", "jetbrains mono", "ibm plex mono", "space mono", "courier prime"}
_VOLATILE_DOCUMENT_KEYS = {"body", "tabs", "revisionId", "suggestionsViewMode"}
_SUGGESTION_KEYS = ("suggestedInsertionIds", "suggestedDeletionIds", "suggestedTextStyleChanges")
_PARAGRAPH_SUGGESTION_KEYS = ("suggestedParagraphStyleChanges", "suggestedBulletChanges")
# What a paragraph element is, in the words of the Docs editor, for read-only reasons.
_ELEMENT_WORDS = {
    "inlineObjectElement": "an inline image", "footnoteReference": "a footnote reference",
    "person": "a person chip", "richLink": "a smart chip link", "dateElement": "a date chip",
    "equation": "an equation", "horizontalRule": "a horizontal line", "pageBreak": "a page break",
    "columnBreak": "a column break", "autoText": "a page number", "dropdown": "a dropdown",
}
_OBJECT_REASONS = {
    "image": "An image: change it in Google Docs.",
    "divider": "A horizontal line: it holds no text to edit.",
    "equation": "An equation: edit it in Google Docs (the API does not return its text).",
    "page_break": "A page break: it holds no text to edit.",
    "column_break": "A column break: it holds no text to edit.",
}
SUGGESTIONS_REASON = "Has suggestions pending in Google Docs: accept or reject them there, then pull again."
TAB_TITLE_REASON = "The name of a tab: rename the tab in Google Docs."
# The name Docs gives a tab nobody named ("Tab 1"): generated, not copy, like a section break.
_DEFAULT_TAB_NAME = re.compile(r"Tab \d+")
CONTENTS_REASON = "A table of contents, generated from the headings: edit the headings, then update it in Google Docs."


def document_url(file_id: str) -> str:
    return f"https://docs.google.com/document/d/{file_id}/edit"


def file_ref(file: dict[str, Any], *, parent: str = "", archived: bool = False, source: str = TOOL) -> DocumentRef:
    """A Drive file (as files.list, files.get or changes.list return it) → its ref.

    `remote_version` is the Drive file `version`: the one change marker that both a listing
    and a fetch can report, so staging can skip documents whose version it already holds.
    An archived ref carries no version, so staging always re-reads it and records the new
    status. The editor is Drive's `lastModifyingUser` (absent when the edit was anonymous).
    `source` is the configured source's name (the tool's id unless the config names it)."""
    parents = file.get("parents") or []
    editor = file.get("lastModifyingUser") or {}
    trashed = archived or bool(file.get("trashed"))
    return DocumentRef(
        source=source,
        remote_id=file["id"],
        kind="document",
        title=file.get("name", ""),
        url=file.get("webViewLink") or document_url(file["id"]),
        parent=parent or (parents[0] if parents else ""),
        remote_version="" if trashed else str(file.get("version", "")),
        updated_at=parse_time(file.get("modifiedTime")),
        edited_by=str(editor.get("displayName") or editor.get("emailAddress") or ""),
        archived=trashed,
    )


@dataclass(frozen=True)
class Tab:
    """One tab as read: its id (empty in the older shape), name, block id prefix, nesting
    level and `documentTab` (body, lists, inline objects, headers…)."""

    id: str
    title: str
    prefix: str
    level: int
    content: dict[str, Any]

    def where(self) -> str:
        return f" on tab {self.title!r}" if self.title else ""


def iter_tabs(payload: dict[str, Any]) -> Iterator[Tab]:
    """Every tab, depth-first in the editor's order; the older shape is one tab without an id."""
    tabs = payload.get("tabs") or []
    if not tabs:
        yield Tab("", "", "", 0, payload)
        return
    stack = [(tab, position == 0) for position, tab in reversed(list(enumerate(tabs)))]
    while stack:
        tab, first = stack.pop()
        properties = tab.get("tabProperties") or {}
        tab_id = str(properties.get("tabId", ""))
        yield Tab(tab_id, str(properties.get("title", "")), "" if first else f"{tab_id}/",
                  int(properties.get("nestingLevel", 0)), tab.get("documentTab") or {})
        stack.extend((child, False) for child in reversed(tab.get("childTabs") or []))


def block_tab(block: Block) -> str:
    """The `tabId` a block is written through: empty in a one-tab document (Docs writes the
    first tab, its only one, when a request names none)."""
    return str(block.attrs.get("tab", ""))


def document_from_payload(payload: dict[str, Any], ref: DocumentRef) -> Document:
    """`ref` gives the Drive side (version, link, folder, trashed); the payload the content."""
    tabs = list(iter_tabs(payload))
    blocks: list[Block] = []
    missed: list[NotCaptured] = []
    for tab in tabs:
        tab_read = tab_blocks(tab, labelled=len(tabs) > 1)
        blocks += tab_read[0]
        missed += tab_read[1]
    title = payload.get("title") or ref.title
    return storable(Document(ref=ref.model_copy(update={"title": title}), blocks=tuple(blocks),
                             not_captured=tuple(missed), raw=_document_raw(payload, tabs)))


def tab_blocks(tab: Tab, *, labelled: bool) -> tuple[list[Block], list[NotCaptured]]:
    """One tab's `documentTab` → its blocks and the text they leave out. `labelled`: the
    document has several tabs, so the tab's name is a block and every block names its tab."""
    content = tab.content
    blocks = list(_reading_order(content, tab.prefix))
    place = tab if labelled else replace(tab, title="")  # a lone tab is the document: no need to name it
    missed = [_suggested_insertions(block, place) for block in blocks if block.attrs.get("suggestions")]
    missed += _alt_texts(content, place)
    if labelled:
        name = Block(id=f"{tab.prefix}tab", kind="tab_title", text=tab.title, editable=False,
                     readonly_reason=TAB_TITLE_REASON, depth=tab.level)
        blocks = [b.model_copy(update={"attrs": {**b.attrs, "tab": tab.id, "tab_title": tab.title}})
                  for b in [name, *blocks]]
    elif tab.title and not _DEFAULT_TAB_NAME.fullmatch(tab.title):
        missed.append(NotCaptured(element=f"name of the document's only tab ({tab.title!r})",
                                  reason="A lone tab's name is shown only in the tab list; rename it in Google Docs.",
                                  chars=len(tab.title)))
    return blocks, [m for m in missed if m.chars]


def _document_raw(payload: dict[str, Any], tabs: list[Tab]) -> dict[str, Any]:
    """The payload without content or volatile keys, in the older shape (the first tab's
    styles and lists at the top level, so a one-tab document stores what it always did),
    plus, for several tabs, each tab's properties and non-body content."""
    raw = {k: v for k, v in payload.items() if k not in _VOLATILE_DOCUMENT_KEYS}
    raw.update({k: v for k, v in tabs[0].content.items() if k != "body"} if payload.get("tabs") else {})
    if len(tabs) > 1:
        raw["tabs"] = [{"tabId": tab.id, "title": tab.title, "level": tab.level,
                        "documentTab": {k: v for k, v in tab.content.items() if k != "body"}} for tab in tabs[1:]]
    return dict(_without_volatile(raw))


def _suggested_insertions(block: Block, tab: Tab) -> NotCaptured:
    elements = (block.raw.get("paragraph") or {}).get("elements") or []
    chars = sum(len(run.get("content", "").rstrip("\n")) for e in elements
                if (run := e.get("textRun") or {}).get("suggestedInsertionIds"))
    return NotCaptured(element=f"pending suggested insertion{tab.where()}",
                       reason="Not accepted yet: copydesk keeps the text without it; accept or reject it in Google "
                              "Docs, then pull again.", chars=chars)


def _alt_texts(content: dict[str, Any], tab: Tab) -> list[NotCaptured]:
    """Images' alt text (title and description), inline or positioned: text, but no block's."""
    missed = []
    for kind, key in (("inlineObjects", "inlineObjectProperties"), ("positionedObjects", "positionedObjectProperties")):
        for obj in (content.get(kind) or {}).values():
            embedded = (obj.get(key) or {}).get("embeddedObject") or {}
            chars = len(embedded.get("title", "")) + len(embedded.get("description", ""))
            missed.append(NotCaptured(element=f"alt text of an image{tab.where()}",
                                      reason="Alt text is not tracked: edit it in Google Docs (select the image, "
                                             "then Alt text).", chars=chars))
    return missed


def _reading_order(tab: dict[str, Any], prefix: str) -> Iterator[Block]:
    """One tab's blocks in reading order: headers, body, footnotes, footers (module docstring),
    their ids after the tab's `prefix`."""
    lists = tab.get("lists") or {}
    body = (tab.get("body") or {}).get("content") or []
    headers, footers = _page_segments(tab, "header"), _page_segments(tab, "footer")
    for header_id, pages in headers.items():
        yield from segment_blocks(tab["headers"][header_id].get("content") or [], lists, "header", header_id, pages,
                                  prefix)
    yield from _blocks(body, lists, prefix)
    footnotes = tab.get("footnotes") or {}
    for footnote_id in _footnote_order(body, footnotes):
        yield from segment_blocks(footnotes[footnote_id].get("content") or [], lists, "footnote", footnote_id,
                                  tab_prefix=prefix)
    for footer_id, pages in footers.items():
        yield from segment_blocks(tab["footers"][footer_id].get("content") or [], lists, "footer", footer_id, pages,
                                  prefix)


def segment_blocks(content: list[dict[str, Any]], lists: dict[str, Any], kind: str, segment_id: str,
                   pages: Sequence[str] = (), tab_prefix: str = "") -> Iterator[Block]:
    """The blocks of one header, footer or footnote (`kind`) with id `segment_id`.

    Its blocks are the body's kinds with ids `<kind>:<segment_id>/…` and the segment in attrs;
    `pages` says where a header or footer shows ("default", "first page", "even pages")."""
    where: dict[str, Any] = {"segment": kind, "segment_id": segment_id}
    if kind != "footnote":
        where["pages"] = list(pages)
    for block in _blocks(content, lists, tab_prefix + segment_prefix(kind, segment_id)):
        update: dict[str, Any] = {"attrs": {**block.attrs, **where}}
        if not block.editable:  # said in the segment's words: where on the page it is
            update["readonly_reason"] = _segment_readonly_reason(kind, block)
        yield block.model_copy(update=update)


def segment_prefix(kind: str, segment_id: str) -> str:
    """The block id prefix of a header, footer or footnote: `header:<headerId>/`."""
    return f"{kind}:{segment_id}/"


def block_segment(block: Block) -> str:
    """The `segmentId` a block is written through: empty for the body, as batchUpdate wants."""
    return str(block.attrs.get("segment_id", ""))


_PAGE_SLOTS = (("default", "default{}Id", ""), ("first page", "firstPage{}Id", "useFirstPageHeaderFooter"),
               ("even pages", "evenPage{}Id", "useEvenPageHeaderFooter"))


def _page_segments(tab: dict[str, Any], kind: str) -> dict[str, list[str]]:
    """Each header (or footer) id of the tab → the pages it shows on, in reading order:
    the document style's default, first-page and even-page ones, then those only a section
    break names, then any the tab holds that no page shows (an empty `pages`). A first-page
    or even-page one shows only while its `use…HeaderFooter` switch is on (DocumentStyle in
    the discovery document; a section's first-page switch falls back to the document's)."""
    segments = tab.get(f"{kind}s") or {}
    document = tab.get("documentStyle") or {}
    styles = [document] + [(e.get("sectionBreak") or {}).get("sectionStyle") or {}
                           for e in (tab.get("body") or {}).get("content") or [] if "sectionBreak" in e]
    pages: dict[str, list[str]] = {}
    for style in styles:
        for label, key, switch in _PAGE_SLOTS:
            segment_id = str(style.get(key.format(kind.capitalize())) or "")
            shown = not switch or style.get(switch, document.get(switch, False))
            if segment_id in segments and shown and label not in pages.setdefault(segment_id, []):
                pages[segment_id].append(label)
    return {**pages, **{segment_id: [] for segment_id in segments if segment_id not in pages}}


def _footnote_order(body: list[dict[str, Any]], footnotes: dict[str, Any]) -> list[str]:
    """Footnote ids in the order the body refers to them (tables included), then unreferenced ones."""
    referenced: list[str] = []
    pending = list(reversed(body))
    while pending:  # tables nest as deep as a payload likes: no recursion
        element = pending.pop()
        for item in (element.get("paragraph") or {}).get("elements") or []:
            footnote_id = (item.get("footnoteReference") or {}).get("footnoteId")
            if footnote_id in footnotes and footnote_id not in referenced:
                referenced.append(footnote_id)
        cells = [cell for row in (element.get("table") or {}).get("tableRows") or []
                 for cell in row.get("tableCells") or []]
        pending.extend(reversed([e for cell in cells for e in cell.get("content") or []]))
    return referenced + [f for f in footnotes if f not in referenced]


_SEGMENT_NAMES = {"header": "the page header", "footer": "the page footer", "footnote": "a footnote"}


def _segment_readonly_reason(kind: str, block: Block) -> str:
    """Why a paragraph of a header, footer or footnote is not written, and where to change it."""
    where = _SEGMENT_NAMES.get(kind, kind)
    if block.attrs.get("suggestions"):
        return (f"Has pending suggestions in {where} in Google Docs: accept or reject them there first, "
                "then pull again.")
    objects = ", ".join(_OBJECT_NAMES.get(o, o) for o in block.attrs.get("objects", ())) or "an object"
    return (f"Holds {objects} in {where}, which a text edit would destroy: change this text in Google Docs "
            "by hand.")


_OBJECT_NAMES = {
    "autoText": "a page number", "inlineObjectElement": "an image", "horizontalRule": "a line", "equation": "an equation",
    "pageBreak": "a page break", "columnBreak": "a column break", "footnoteReference": "a footnote reference",
    "person": "a person chip", "richLink": "a link chip", "dateElement": "a date chip", "dropdown": "a dropdown",
}


# -- runs: shared with the write side ---------------------------------------------------------


def text_runs(paragraph_element: dict[str, Any]) -> list[dict[str, Any]]:
    """The paragraph's text-run elements that carry block text, in order, one per span.

    The closing "\\n" is cut from the last run; a run left empty by that (a run that was only
    the newline) is not a span."""
    runs = []
    elements = (paragraph_element.get("paragraph") or {}).get("elements") or []
    for position, element in enumerate(elements):
        run = element.get("textRun")
        if run is None:
            continue
        content = run.get("content", "")
        if position == len(elements) - 1 and content.endswith("\n"):
            content = content[:-1]
        if content:
            runs.append({**element, "textRun": {**run, "content": content}})
    return runs


def newline_style(paragraph_element: dict[str, Any]) -> dict[str, Any]:
    """The text style of the paragraph's closing newline (what typing into it would get)."""
    elements = (paragraph_element.get("paragraph") or {}).get("elements") or []
    last = (elements[-1].get("textRun") or {}) if elements else {}
    return last.get("textStyle") or {}


def utf16_len(text: str) -> int:
    """Docs indexes count UTF-16 code units: a character outside the BMP (an emoji) is two."""
    return len(text.encode("utf-16-le")) // 2


def span_from_style(text: str, style: dict[str, Any]) -> Span:
    family = ((style.get("weightedFontFamily") or {}).get("fontFamily") or "").lower()
    return Span(
        text=text,
        bold=bool(style.get("bold")),
        italic=bool(style.get("italic")),
        strikethrough=bool(style.get("strikethrough")),
        underline=bool(style.get("underline")),
        code=family in _MONOSPACE,
        color=_color(style.get("foregroundColor")),
        href=_href(style.get("link")),
    )


# -- structure ----------------------------------------------------------------------------


@dataclass
class _Content:
    """A body or table cell being read: what is left of it, and its counts so far."""

    elements: Iterator[dict[str, Any]]
    prefix: str
    in_cell: bool = False
    paragraphs: int = 0
    tables: int = 0
    contents: int = 0


def _blocks(content: list[dict[str, Any]], lists: dict[str, Any], prefix: str) -> Iterator[Block]:
    """Blocks of a body or segment (prefix "" or "header:<id>/"), in reading order; a table
    cell's paragraphs get the table's prefix ("t1.r0.c2.").

    Tables nest as deep as a payload likes, so the walk keeps its own stack of the bodies and
    cells being read (Python's would end in RecursionError)."""
    stack = [_Content(iter(content), prefix)]
    while stack:
        frame = stack[-1]
        element = next(frame.elements, None)
        if element is None:
            stack.pop()
            continue
        in_cell = frame.in_cell
        if "paragraph" in element:
            number = frame.paragraphs if in_cell else f"{frame.paragraphs:04d}"
            yield _paragraph_block(f"{frame.prefix}p{number}", element, lists, in_cell)
            frame.paragraphs += 1
        elif "table" in element:
            table_id = f"{frame.prefix}t{frame.tables}"
            frame.tables += 1
            cells = [_Content(iter(cell.get("content") or []), f"{table_id}.r{r}.c{c}.", in_cell=True)
                     for r, row in enumerate(element["table"].get("tableRows") or [])
                     for c, cell in enumerate(row.get("tableCells") or [])]
            stack.extend(reversed(cells))
        elif "tableOfContents" in element:
            yield _contents_block(f"{frame.prefix}toc{frame.contents}", element, lists)
            frame.contents += 1


def _paragraph_block(block_id: str, element: dict[str, Any], lists: dict[str, Any], in_cell: bool) -> Block:
    paragraph = element["paragraph"]
    style = paragraph.get("paragraphStyle") or {}
    named = style.get("namedStyleType", "NORMAL_TEXT")
    bullet = paragraph.get("bullet")
    suggested = any(paragraph.get(key) for key in _PARAGRAPH_SUGGESTION_KEYS) or any(
        value.get(key) for e in paragraph.get("elements") or [] for value in e.values() if isinstance(value, dict)
        for key in _SUGGESTION_KEYS)
    # The base text: what the paragraph reads once every pending suggestion is rejected.
    elements = [e for e in paragraph.get("elements") or [] if not _suggested_insertion(e)]
    others = [_element_type(e) for e in elements if "textRun" not in e]
    spans = _spans(elements)
    text = "".join(s.text for s in spans)
    attrs: dict[str, Any] = {}
    if in_cell:
        kind = "cell"
        table, row, column, _ = block_id.rsplit(".", 3)
        attrs.update(table=table, row=int(row[1:]), column=int(column[1:]))
    elif bullet is not None:
        kind = "list_item"
    else:
        kind = _NAMED_KINDS.get(named, "paragraph")
    if kind.startswith("heading_"):
        attrs["level"] = int(kind[-1])
    if named != "NORMAL_TEXT" and kind in ("cell", "list_item"):
        attrs["style"] = named
    depth = 0
    if bullet is not None:
        depth = int(bullet.get("nestingLevel", 0))
        attrs["list"] = bullet.get("listId", "")
        attrs["ordered"] = _ordered(lists, bullet.get("listId", ""), depth)
    if len(others) == 1 and not text.strip() and others[0] in _OBJECT_KINDS and kind != "cell":
        kind = _OBJECT_KINDS[others[0]]
        attrs.update(_object_attrs(elements))
    if others:
        attrs["objects"] = others
    if suggested:
        attrs["suggestions"] = True
    return Block(id=block_id, kind=kind, text=text, spans=spans, editable=not others and not suggested,
                 readonly_reason=_readonly_reason(kind, others, suggested), depth=depth, attrs=attrs, raw=element)


def _suggested_insertion(element: dict[str, Any]) -> bool:
    """Whether a paragraph element exists only as a pending suggestion to insert it."""
    return any(isinstance(value, dict) and value.get("suggestedInsertionIds") for value in element.values())


def _readonly_reason(kind: str, others: list[str], suggested: bool) -> str:
    if suggested:
        return SUGGESTIONS_REASON
    if "footnoteReference" in others:
        return _FOOTNOTE_REFERENCE_REASON
    if not others:
        return ""
    if kind in _OBJECT_REASONS:
        return _OBJECT_REASONS[kind]
    what = ", ".join(dict.fromkeys(_ELEMENT_WORDS.get(other, "an embedded object") for other in others))
    return (f"Holds {what}, which copydesk cannot keep while rewriting the text around it: edit this paragraph "
            "in Google Docs.")


_FOOTNOTE_REFERENCE_REASON = ("Holds a footnote reference, which a text edit would remove: change this paragraph in "
                              "Google Docs by hand (the footnote's own text is editable in its footnote).")


def _contents_block(block_id: str, element: dict[str, Any], lists: dict[str, Any]) -> Block:
    """A table of contents is generated from the headings: shown, never written."""
    inner = list(_blocks((element.get("tableOfContents") or {}).get("content") or [], lists, ""))
    return Block(id=block_id, kind="table_of_contents", text="\n".join(b.text for b in inner), editable=False,
                 readonly_reason=CONTENTS_REASON, raw={k: v for k, v in element.items() if k != "tableOfContents"})


def _spans(elements: list[dict[str, Any]]) -> tuple[Span, ...]:
    """One span per text run (as `text_runs` cuts them), and one per smart chip that shows text."""
    spans = []
    for position, element in enumerate(elements):
        if "textRun" in element:
            run = element["textRun"]
            content = run.get("content", "")
            if position == len(elements) - 1 and content.endswith("\n"):
                content = content[:-1]
            if content:
                spans.append(span_from_style(content, run.get("textStyle") or {}))
            continue
        chip = _chip(element)
        if chip is not None:
            spans.append(chip)
    return tuple(spans)


def _chip(element: dict[str, Any]) -> Span | None:
    """Smart chips read as text (a person's name, a file's title, a date) but are objects."""
    if "person" in element:
        props = element["person"].get("personProperties") or {}
        return Span(text=props.get("name") or props.get("email", ""),
                    mention=Mention(type="person", target=props.get("email", "")))
    if "richLink" in element:
        props = element["richLink"].get("richLinkProperties") or {}
        return Span(text=props.get("title", ""), href=props.get("uri"),
                    mention=Mention(type="link", target=props.get("uri", "")))
    if "dateElement" in element:
        props = element["dateElement"].get("dateElementProperties") or {}
        return Span(text=props.get("displayText", ""), mention=Mention(type="date", target=props.get("timestamp", "")))
    return None


def _element_type(element: dict[str, Any]) -> str:
    return next((k for k in element if k not in ("startIndex", "endIndex")), "unknown")


def _object_attrs(elements: list[dict[str, Any]]) -> dict[str, Any]:
    for element in elements:
        if "inlineObjectElement" in element:
            return {"object": element["inlineObjectElement"].get("inlineObjectId", "")}
    return {}


def _ordered(lists: dict[str, Any], list_id: str, level: int) -> bool:
    levels = ((lists.get(list_id) or {}).get("listProperties") or {}).get("nestingLevels") or []
    if level >= len(levels):
        return False
    glyph = levels[level].get("glyphType", "")
    return bool(glyph) and glyph not in ("GLYPH_TYPE_UNSPECIFIED", "NONE")


def _color(value: dict[str, Any] | None) -> str | None:
    rgb = ((value or {}).get("color") or {}).get("rgbColor")
    if rgb is None:
        return None
    return "#" + "".join(f"{round(255 * float(rgb.get(c, 0))):02x}" for c in ("red", "green", "blue"))


def _href(link: dict[str, Any] | None) -> str | None:
    if not link:
        return None
    if link.get("url"):
        return str(link["url"])
    heading = link.get("headingId") or (link.get("heading") or {}).get("id")
    if heading:
        return f"#heading={heading}"
    bookmark = link.get("bookmarkId") or (link.get("bookmark") or {}).get("id")
    if bookmark:
        return f"#bookmark={bookmark}"
    return f"#tab={link['tabId']}" if link.get("tabId") else None


def _without_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if k != "contentUri"}
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
