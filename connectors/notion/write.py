"""Planned edits → Notion's own update requests.

Blocks are updated in place (`PATCH /v1/blocks/{id}`), never deleted and recreated, which
would lose their position, children and comments. A page title, and a database row's rich-text
property, is a page property (`PATCH /v1/pages/{id}` with only that property: Notion replaces
the property's whole rich text and leaves the others alone). A table cell is written as its
whole row, so edits to several cells of one row become one request; a caption as its block's
`caption` alone, so the file or link it captions is not touched.

Untouched runs are sent back as Notion gave them (request-shaped), so their annotations,
links and mentions survive; new text is a text run with the marks `rewrite` chose.

Except link chips: a `link_mention` or `link_preview` mention is response-only (Notion
answers 400 for the whole block when a request holds one), and a PATCH replaces the whole
rich text, so no write of a block holding one keeps it. Such a write is refused as lossy
before anything is sent, unless the edit allows it: then each chip goes as a text run with
the same link (its text the URL, as Notion reports the chip's plain text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence, cast

from connectors.document import Block, Document, Span
from connectors.errors import LossyEdit
from connectors.preflight import PlannedEdit
from connectors.text import Piece

# https://developers.notion.com/reference/request-limits: text.content is at most 2000 characters.
_MAX_TEXT = 2000
_ID_MENTIONS = {"user", "page", "database", "data_source"}
# Mentions only Notion's responses carry: https://developers.notion.com/reference/rich-text#mention
LINK_CHIPS = {"link_mention", "link_preview"}


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
    """The requests for `planned`; `LossyEdit` (nothing planned) when one would have to turn
    link chips into plain links and its edit does not allow it."""
    _refuse_lost_chips(current, planned)
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


def _refuse_lost_chips(current: Document, planned: Sequence[PlannedEdit]) -> None:
    losses = {item.block.id: [f"the link preview {text!r} would become a plain link" for text in chips]
              for item in planned if not item.edit.allow_lossy and (chips := _chips_resent(current, item))}
    if not losses:
        return
    title = current.ref.title or current.ref.remote_id
    details = "; ".join(reason for reasons in losses.values() for reason in reasons)
    said = (f"Notion cannot write a link preview back, and an edit rewrites the whole block, so applying would "
            f"turn link previews in {title!r} into plain links ({details}). Nothing was written; ")
    raise LossyEdit(said + "apply with --allow-lossy to accept plain links, or make the edit in Notion.",
                    losses=losses,
                    in_app=said + "tick “Write even where formatting cannot be kept exactly” and apply again to "
                                  "accept plain links, or make the edit in Notion.")


def _chips_resent(current: Document, item: PlannedEdit) -> list[str]:
    """The plain text of each link chip the write of `item` would have to send back (for a
    cell, the other cells of its row too: the row is written whole)."""
    if item.rewrite is None:
        assert item.edit.target is not None
        natives = list(native_items(item.edit.target))  # a copy: the row's other cells are added below
    else:
        originals = native_items(item.block)
        natives = [originals[p.origin] for p in item.rewrite.pieces if p.origin is not None and p.span.mention]
    if item.block.kind == "cell":
        natives += [native for cell in current.blocks if cell.kind == "cell" and cell.id != item.block.id
                    and cell.attrs.get("row") == item.block.attrs.get("row") for native in native_items(cell)]
    return [str(n.get("plain_text", "")) for n in natives if _is_chip(n)]


def _is_chip(native: dict[str, Any]) -> bool:
    return native.get("type") == "mention" and (native.get("mention") or {}).get("type") in LINK_CHIPS


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
    if _is_chip(native):  # never sent back (see the module docstring): the same link, as text
        url = native.get("href") or native.get("plain_text", "")
        item.update(type="text", text={"content": native.get("plain_text") or url, "link": {"url": url} if url else None})
    elif kind == "text":
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
