"""Notion payloads → the document model.

A page becomes a `title` block followed by its block tree in reading order (depth kept);
a table row becomes one `cell` block per cell (`<row id>/<column>`), since a cell is what a
copy edit touches. Title and cell blocks keep their native rich text in `raw["rich_text"]`,
the others their whole native block, so a write can reuse untouched runs as they were. Volatile bookkeeping (edit times and editors, request ids) is dropped
from `raw`, so an unchanged page always serialises to the same bytes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from connectors.document import Block, Document, DocumentRef, Mention, Span
from connectors.storable import storable

TOOL = "notion"
_VOLATILE = {"last_edited_time", "last_edited_by", "request_id"}
_KINDS = {
    "paragraph": "paragraph",
    "heading_1": "heading",
    "heading_2": "heading",
    "heading_3": "heading",
    "bulleted_list_item": "list_item",
    "numbered_list_item": "list_item",
    "to_do": "to_do",
    "toggle": "toggle",
    "quote": "quote",
    "callout": "callout",
    "code": "code",
    "table": "table",
    "divider": "divider",
    "child_page": "child_page",
    "child_database": "child_database",
}
# Text Notion's API can rewrite and that is copy, not code or embedded content.
_EDITABLE = {
    "paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item", "numbered_list_item",
    "to_do", "toggle", "quote", "callout", "table_row",
}


def page_title(page: dict[str, Any]) -> str:
    for prop in page.get("properties", {}).values():
        if prop.get("type") == "title":
            return "".join(item.get("plain_text", "") for item in prop.get("title", []))
    return ""


def is_trashed(page: dict[str, Any]) -> bool:
    return bool(page.get("in_trash") or page.get("archived") or page.get("is_archived"))


def page_ref(page: dict[str, Any], edited_by: str = "", *, source: str = TOOL) -> DocumentRef:
    """`source` is the configured source's name (the tool's id unless the config names it)."""
    parent = page.get("parent") or {}
    parent_type = parent.get("type", "")
    return DocumentRef(
        source=source,
        remote_id=page["id"],
        kind="page",
        title=page_title(page),
        url=page.get("url", ""),
        parent=str(parent.get(parent_type, "")) if parent_type not in ("", "workspace") else "",
        remote_version=page.get("last_edited_time", ""),
        updated_at=_parse_time(page.get("last_edited_time")),
        edited_by=edited_by,
        archived=is_trashed(page),
    )


def spans_from_rich_text(rich_text: Iterable[dict[str, Any]]) -> tuple[Span, ...]:
    spans = []
    for item in rich_text:
        marks = item.get("annotations") or {}
        color = marks.get("color")
        mention = None
        if item.get("type") == "mention":
            detail = item.get("mention") or {}
            kind = detail.get("type", "")
            target = detail.get(kind) or {}
            mention = Mention(type=kind, target=str(target.get("id") or target.get("start") or ""))
        elif item.get("type") == "equation":
            mention = Mention(type="equation", target=(item.get("equation") or {}).get("expression", ""))
        spans.append(
            Span(
                text=item.get("plain_text", ""),
                bold=bool(marks.get("bold")),
                italic=bool(marks.get("italic")),
                strikethrough=bool(marks.get("strikethrough")),
                underline=bool(marks.get("underline")),
                code=bool(marks.get("code")),
                color=None if color in (None, "default") else color,
                href=item.get("href"),
                mention=mention,
            )
        )
    return tuple(spans)


def document_from_payload(page: dict[str, Any], tree: list[tuple[int, dict[str, Any]]], *,
                          edited_by: str = "", source: str = TOOL) -> Document:
    """`tree` is the page's blocks in reading order as (depth, block) pairs; `edited_by` the
    name of the page's `last_edited_by` user, which the page object gives as an id only."""
    name, title_items = next(
        ((name, p.get("title", [])) for name, p in page.get("properties", {}).items() if p.get("type") == "title"),
        ("title", []),
    )
    blocks = [
        Block(id="title", kind="title", text=page_title(page), spans=spans_from_rich_text(title_items),
              raw={"property": name, "rich_text": title_items})
    ]
    for depth, native in tree:
        blocks.extend(_blocks_from_native(native, depth))
    return storable(Document(ref=page_ref(page, edited_by, source=source), blocks=tuple(blocks), raw=_stable(page)))


def _blocks_from_native(native: dict[str, Any], depth: int) -> list[Block]:
    kind = native.get("type", "unsupported")
    body = native.get(kind) or {}
    raw = _stable(native)
    if kind == "table_row":
        return [
            Block(
                id=f"{native['id']}/{column}",
                kind="cell",
                text="".join(i.get("plain_text", "") for i in cell),
                spans=spans_from_rich_text(cell),
                depth=depth,
                attrs={"row": native["id"], "column": column},
                raw={"rich_text": cell, **({"row": _without_cells(raw)} if column == 0 else {})},
            )
            for column, cell in enumerate(body.get("cells", []))
        ]
    rich_text = body.get("rich_text", [])
    text = "".join(item.get("plain_text", "") for item in rich_text)
    if kind == "child_page":
        text = body.get("title", "")
    return [
        Block(
            id=native["id"],
            kind=_KINDS.get(kind, kind),
            text=text,
            spans=spans_from_rich_text(rich_text),
            editable=kind in _EDITABLE,
            depth=depth,
            attrs=_attrs(kind, body),
            raw=raw,
        )
    ]


def _attrs(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    if kind.startswith("heading_"):
        return {"level": int(kind[-1])}
    if kind == "bulleted_list_item":
        return {"ordered": False}
    if kind == "numbered_list_item":
        return {"ordered": True}
    if kind == "to_do":
        return {"checked": bool(body.get("checked"))}
    if kind == "code":
        return {"language": body.get("language", "")}
    if kind == "table":
        return {"width": body.get("table_width", 0), "column_header": bool(body.get("has_column_header"))}
    if kind in {"image", "bookmark", "embed", "video", "file", "pdf"}:
        source = body.get(body.get("type", ""), {}) if isinstance(body.get("type"), str) else {}
        return {"url": body.get("url") or source.get("url", "")}
    return {}


def _without_cells(row: dict[str, Any]) -> dict[str, Any]:
    """A table row's native payload minus the cells, which its cell blocks carry."""
    return {**row, "table_row": {k: v for k, v in row.get("table_row", {}).items() if k != "cells"}}


def _stable(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in _VOLATILE}


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
