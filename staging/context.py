"""Where a block sits in its document, in the words a reader would use to find it.

A block id (`p0001`, `t0.r3.c2.p0`, `field:post-body:2`, a Notion UUID) means nothing to a
content lead. What locates a block for a person is what the page shows around it: the
headings above it ("Pricing › Plans"), a table cell's row and column headers (row “Setup
time”, column “HelpHive”), a Webflow CMS field's display name ("Post body"), and the
paragraphs just before and after it, and the part of the document outside its main text that
holds the block (a Google Docs tab, a header or footnote, a Webflow component). The review app and `copydesk changeset show` both say
where an edit is from here, reading the changeset's base revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from connectors.document import Block, Document

_KIND_WORDS = {"paragraph": "paragraph", "heading": "heading", "list_item": "list item", "to_do": "to-do",
               "cell": "table cell", "title": "title", "subtitle": "subtitle", "quote": "quote",
               "callout": "callout", "toggle": "toggle", "field": "field", "text": "text on the page",
               "component_text": "component text", "slug": "URL slug", "code": "code"}
_NOT_READ = ("slug",)  # text a reader never meets on the page: a Webflow item's URL slug


@dataclass(frozen=True)
class Place:
    """A block located as a reader would: what it is, under which headings, in which table
    row and column or Webflow field, and its neighbours (None at either end)."""

    kind: str  # a reader's word for the block: "paragraph", "table cell", "heading"
    section: str = ""  # where outside the main text: "tab “Meeting transcript” › header", "“Nav” component"
    field: str = ""  # a Webflow CMS field's display name ("Post body")
    headings: tuple[str, ...] = ()  # the headings above the block, outermost first
    row: str = ""  # a table cell's row: “its header” (the first cell of the row), "top" or a number
    column: str = ""  # a table cell's column: “its header” (the top cell), "first" or a number
    previous: Block | None = None
    next: Block | None = None

    @property
    def label(self) -> str:
        """What the block is: "Post body, paragraph", "Tagline", "Table cell"."""
        if self.field and self.kind not in ("field", "title", "component text"):
            return f"{self.field}, {self.kind}"
        text = self.field or self.kind
        return text[:1].upper() + text[1:]

    @property
    def path(self) -> str:
        return " › ".join(self.headings)

    @property
    def cell(self) -> str:
        parts = [_named("row", self.row), _named("column", self.column)]
        return ", ".join(p for p in parts if p)

    def line(self) -> str:
        """The label, heading path and cell headers on one line, for a caption or the terminal."""
        return " · ".join(p for p in (self.section, self.label, self.path, self.cell) if p)

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "section": self.section or None, "field": self.field or None,
                "headings": list(self.headings),
                "cell": self.cell or None,
                "previous": self.previous.text if self.previous else None,
                "next": self.next.text if self.next else None}


def place(document: Document, block_id: str, kind: str = "") -> Place:
    """Where `block_id` is in `document`; only its kind (`kind` when given) if the document
    no longer holds it."""
    blocks = document.blocks
    index = next((i for i, b in enumerate(blocks) if b.id == block_id), None)
    if index is None:
        return Place(kind=kind_word(kind))
    block = blocks[index]
    row, column = _headers(blocks, index) if block.kind == "cell" else ("", "")
    return Place(kind=kind_word(block.kind), section=section(block.attrs), field=str(block.attrs.get("label") or ""),
                 headings=_headings(blocks, index), row=row, column=column,
                 previous=_neighbour(blocks, range(index - 1, -1, -1)),
                 next=_neighbour(blocks, range(index + 1, len(blocks))))


def section(attrs: dict[str, Any]) -> str:
    """The part of the document a block sits in outside its main text, outermost first, from
    the attributes connectors set: a tab's title, a segment (header, footer, footnote), a
    component's name."""
    parts = []
    if attrs.get("tab_title"):
        parts.append(f"tab “{attrs['tab_title']}”")
    if attrs.get("segment"):
        parts.append(str(attrs["segment"]))
    if attrs.get("component"):
        parts.append(f"“{attrs['component']}” component")
    return " › ".join(parts)


def _named(what: str, label: str) -> str:
    """`row “Setup time”`, `top row`, `row 3`; nothing for no label."""
    if not label:
        return ""
    return f"{label} {what}" if label in ("top", "first") else f"{what} {label}"


def kind_word(kind: str) -> str:
    """A block kind as a reader says it: `heading_2` is a heading, `list_item` a list item."""
    if heading_level(kind, {}) is not None:
        return "heading"
    return _KIND_WORDS.get(kind, kind.replace("_", " "))


def heading_level(kind: str, attrs: dict[str, Any]) -> int | None:
    """1 for a top heading, 2 under it…; None for a block that is not a heading. Notion
    says `heading` with a level attribute, Google Docs and Webflow `heading_<n>`."""
    if kind == "heading":
        return int(attrs.get("level") or 1)
    if kind.startswith("heading_") and kind[8:].isdigit():
        return int(kind[8:])
    return None


def _headings(blocks: Sequence[Block], index: int) -> tuple[str, ...]:
    """The headings a reader passes on the way down to the block, each one closing the
    headings at its level and below. A Webflow rich-text field starts its own outline: a
    heading in another field is not above this one, nor is a heading in another Google Docs tab
    or in the body above a header or footnote."""
    target = blocks[index]
    outline = _outline(target)
    stack: list[tuple[int, str]] = []
    for block in blocks[:index]:
        level = heading_level(block.kind, block.attrs)
        if level is None or not block.text.strip() or _outline(block) != outline:
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, block.text.strip()))
    own = heading_level(target.kind, target.attrs)
    if own is not None:
        stack = [(level, text) for level, text in stack if level < own]
    return tuple(text for _, text in stack)


def _outline(block: Block) -> tuple[Any, ...]:
    """What starts an outline of its own: a Webflow field, a tab, a header, footer or footnote."""
    return tuple(block.attrs.get(key) for key in ("field", "tab", "segment_id", "component"))


def _headers(blocks: Sequence[Block], index: int) -> tuple[str, str]:
    """A cell's row, by its row header (the first cell of its row), and its column, by its
    column header (the top cell of its column); by number where the cell is that header
    itself or the header is empty, and left out when the table has one row or one column."""
    cell = blocks[index]
    table = _table(blocks, index)
    rows = list(dict.fromkeys(b.attrs.get("row") for b in table))
    columns = sorted({b.attrs.get("column", 0) for b in table})
    row, column = cell.attrs.get("row"), cell.attrs.get("column", 0)
    row_header = _cell_text(table, row, columns[0]) if column != columns[0] else ""
    column_header = _cell_text(table, rows[0], column) if row != rows[0] else ""
    row_label = ("" if len(rows) < 2 else f"“{row_header}”" if row_header
                 else "top" if row == rows[0] else str(rows.index(row) + 1))
    column_label = ("" if len(columns) < 2 else f"“{column_header}”" if column_header
                    else "first" if column == columns[0] else str(columns.index(column) + 1))
    return row_label, column_label


def _table(blocks: Sequence[Block], index: int) -> list[Block]:
    """The cells of the block's table: by its `table` attribute (Google Docs, where tables
    nest), else the run of cells around it (Notion, whose rows follow their table)."""
    table = blocks[index].attrs.get("table")
    if table is not None:
        return [b for b in blocks if b.kind == "cell" and b.attrs.get("table") == table]
    start, end = index, index + 1
    while start > 0 and blocks[start - 1].kind == "cell":
        start -= 1
    while end < len(blocks) and blocks[end].kind == "cell":
        end += 1
    return list(blocks[start:end])


def _cell_text(table: Sequence[Block], row: Any, column: Any) -> str:
    """A cell's text; a Google Docs cell holding several paragraphs reads as one line."""
    return " ".join(b.text.strip() for b in table
                    if b.attrs.get("row") == row and b.attrs.get("column") == column and b.text.strip())


def _neighbour(blocks: Sequence[Block], indexes: range) -> Block | None:
    """The nearest block in `indexes` a reader sees text in (not a table frame or divider)."""
    return next((blocks[i] for i in indexes if blocks[i].text.strip() and blocks[i].kind not in _NOT_READ), None)
