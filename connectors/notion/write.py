"""Planned edits → Notion's own update requests.

Blocks are updated in place (`PATCH /v1/blocks/{id}`), never deleted and recreated, which
would lose their position, children and comments. A page title, and a database row's rich-text
property, is a page property (`PATCH /v1/pages/{id}` with only that property: Notion replaces
the property's whole rich text and leaves the others alone). A table cell is written as its
whole row, so edits to several cells of one row become one request; a caption as its block's
`caption` alone, so the file or link it captions is not touched.

Untouched runs are sent back as Notion gave them (request-shaped), so their annotations,
links and mentions survive; new text is a text run with the marks `rewrite` chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence, cast

from connectors.document import Block, Document, Span
from connectors.preflight import PlannedEdit
from connectors.text import Piece

# https://developers.notion.com/reference/request-limits: text.content is at most 2000 characters.
_MAX_TEXT = 2000
_ID_MENTIONS = {"user", "page", "database", "data_source"}


@dataclass(frozen=True)
class Write:
    """One update request: of a block, or of the page (its title), with the JSON body sent."""

    block_ids: tuple[str, ...]
    endpoint: str  # "blocks" | "pages"
    remote_id: str
    body: dict[str, Any]

    def as_request(self) -> dict[str, Any]:
        return {"method": "PATCH", "path": f"/v1/{self.endpoint}/{self.remote_id}", "body": self.body}


def plan_writes(current: Document, planned: Sequence[PlannedEdit]) -> list[Write]:
    writes: list[Write] = []
    rows: dict[str, dict[int, list[dict[str, Any]]]] = {}
    row_edits: dict[str, list[str]] = {}
    for item in planned:
        block, items = item.block, _new_items(item)
        body: dict[str, Any]
        if block.kind == "title":
            body = {"properties": {block.raw.get("property", "title"): {"title": items}}}
            writes.append(Write((block.id,), "pages", current.ref.remote_id, body))
        elif block.kind == "property":
            body = {"properties": {block.raw["property"]: {"rich_text": items}}}
            writes.append(Write((block.id,), "pages", current.ref.remote_id, body))
        elif block.kind == "caption":
            body = {block.attrs["of"]: {"caption": items}}
            writes.append(Write((block.id,), "blocks", block.attrs["block"], body))
        elif block.kind == "cell":
            row = block.attrs["row"]
            rows.setdefault(row, {})[block.attrs["column"]] = items
            row_edits.setdefault(row, []).append(block.id)
        else:
            kind = block.raw["type"]
            writes.append(Write((block.id,), "blocks", block.id, {kind: {"rich_text": items}}))
    for row, changed in rows.items():
        cells = [b for b in current.blocks if b.kind == "cell" and b.attrs.get("row") == row]
        values = [changed[c.attrs["column"]] if c.attrs["column"] in changed
                  else [request_item(i) for i in c.raw["rich_text"]] for c in cells]
        writes.append(Write(tuple(row_edits[row]), "blocks", row, {"table_row": {"cells": values}}))
    return writes


def native_items(block: Block) -> list[dict[str, Any]]:
    """The block's rich text as Notion returned it (see normalise: where each kind keeps it)."""
    holder = block.raw if "rich_text" in block.raw else block.raw.get(block.raw.get("type", ""), {}) or {}
    # `raw` is Notion's payload as it came: a list of rich-text objects wherever it keeps one.
    return cast(list[dict[str, Any]], holder.get("rich_text", []))


def _new_items(item: PlannedEdit) -> list[dict[str, Any]]:
    if item.rewrite is None:
        assert item.edit.target is not None
        return [request_item(i) for i in native_items(item.edit.target)]
    originals = native_items(item.block)
    items: list[dict[str, Any]] = []
    for piece in item.rewrite.pieces:
        items.extend(_piece_items(piece, originals))
    return items


def _piece_items(piece: Piece, originals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if piece.origin is not None and piece.span.mention is not None:
        return [request_item(originals[piece.origin])]
    text = piece.span.text
    return [_text_item(piece.span, text[at:at + _MAX_TEXT]) for at in range(0, len(text), _MAX_TEXT)]


def _text_item(span: Span, content: str) -> dict[str, Any]:
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": span.href} if span.href else None},
        "annotations": _annotations(span),
    }


def _annotations(span: Span) -> dict[str, Any]:
    return {
        "bold": span.bold,
        "italic": span.italic,
        "strikethrough": span.strikethrough,
        "underline": span.underline,
        "code": span.code,
        "color": span.color or "default",
    }


def request_item(native: dict[str, Any]) -> dict[str, Any]:
    """A rich-text object as Notion returns it → the same run as a request may send it
    (response-only fields such as plain_text, href and resolved user names left out)."""
    kind = native.get("type", "text")
    item: dict[str, Any] = {"type": kind, "annotations": native.get("annotations", {})}
    if kind == "text":
        text = native.get("text") or {}
        item["text"] = {"content": text.get("content", ""), "link": text.get("link")}
    elif kind == "mention":
        mention = native.get("mention") or {}
        target_kind = mention.get("type", "")
        target = mention.get(target_kind) or {}
        item["mention"] = {"type": target_kind, target_kind: {"id": target["id"]} if target_kind in _ID_MENTIONS else target}
    elif kind == "equation":
        item["equation"] = {"expression": (native.get("equation") or {}).get("expression", "")}
    return item
