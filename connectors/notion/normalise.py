"""Notion payloads → the document model.

A page becomes a `title` block, then one block per other property when it is a database row
(`property:<property id>`, see `connectors.notion.properties`), then its block tree in reading
order (depth kept). A table row becomes one `cell` block per cell (`<row id>/<column>`), since a
cell is what a copy edit touches. The caption of an image, video, audio, file, PDF, bookmark,
embed or code block is a `caption` block of its own (`<block id>/caption`, written back as that
block's `caption`), so the media block keeps its id and its caption is edited like a paragraph.
Read-only blocks keep the text Notion shows for them: an equation its expression, a file its
name, a sub-page or database its title.
Title, property, cell and caption blocks keep their native rich text in `raw["rich_text"]`, the
others their whole native block, so a write can reuse untouched runs as they were. Volatile
bookkeeping (edit times and editors, request ids) is dropped from `raw`, so an unchanged page
always serialises to the same bytes.

Every read-only block says why in `readonly_reason`, in words a content lead can act on.

Synced blocks: the original's children are ordinary blocks of the page holding it, editable
there and only there, with `attrs["synced_original"]` naming the original (Notion does not
list an original's references, so every original says an edit may show on other pages). A
reference lists the original's children under their own ids; in the referencing page they
become read-only copies with ids `<reference id>/<child id>` (cells `<reference id>/<row
id>/<column>`), so no id repeats another document's, and a reason naming the page that
holds the original. A `link_preview` block (Notion's API can neither create nor update one)
is read-only, its text the URL; link mentions and previews inside rich text are spans whose
`Mention` target is the URL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from connectors.document import Block, Document, DocumentRef, Mention, Span
from connectors.notion.properties import property_blocks
from connectors.storable import storable

TOOL = "notion"
_VOLATILE = {"last_edited_time", "last_edited_by", "request_id"}
_KINDS = {
    "paragraph": "paragraph",
    "heading_1": "heading",
    "heading_2": "heading",
    "heading_3": "heading",
    "heading_4": "heading",
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
    "paragraph", "heading_1", "heading_2", "heading_3", "heading_4", "bulleted_list_item", "numbered_list_item",
    "to_do", "toggle", "quote", "callout", "table_row",
}
# Blocks whose `caption` rich text is copy that update-a-block writes on its own
# (https://developers.notion.com/reference/update-a-block: "the update replaces the entire value
# for a given field"; a field left out is not changed, so the file or link stays as it is).
CAPTIONED = {"image", "video", "audio", "file", "pdf", "bookmark", "embed", "code"}
CAPTION_SUFFIX = "/caption"
_MEDIA = {"image": "An image", "video": "A video", "audio": "An audio file", "file": "A file", "pdf": "A PDF"}
_LINKS = {"bookmark": "A bookmark", "embed": "An embed", "link_preview": "A link preview"}


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
            mention = Mention(type=kind, target=str(target.get("id") or target.get("start") or target.get("href")
                                                    or target.get("url") or ""))
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


def synced_original(native: dict[str, Any]) -> str | None:
    """The id of the original a synced block reference shows, or None (an original, or not a
    synced block)."""
    if native.get("type") != "synced_block":
        return None
    source = (native.get("synced_block") or {}).get("synced_from") or {}
    return str(source.get("block_id") or "") or None


def document_from_payload(page: dict[str, Any], tree: list[tuple[int, dict[str, Any]]], *,
                          edited_by: str = "", source: str = TOOL,
                          synced_pages: Mapping[str, str] | None = None) -> Document:
    """`tree` is the page's blocks in reading order as (depth, block) pairs; `edited_by` the
    name of the page's `last_edited_by` user, which the page object gives as an id only;
    `synced_pages` the title of the page holding each synced original this page shows a
    reference of ('' when copydesk cannot read that page)."""
    name, title_items = next(
        ((name, p.get("title", [])) for name, p in page.get("properties", {}).items() if p.get("type") == "title"),
        ("title", []),
    )
    blocks = [
        Block(id="title", kind="title", text=page_title(page), spans=spans_from_rich_text(title_items),
              raw={"property": name, "rich_text": title_items})
    ]
    properties, not_captured = property_blocks(page, spans_from_rich_text)
    blocks.extend(properties)
    synced = _Synced(synced_pages or {})
    for depth, native in tree:
        blocks.extend(synced.mark(native, depth, _blocks_from_native(native, depth)))
    return storable(Document(ref=page_ref(page, edited_by, source=source), blocks=tuple(blocks),
                             not_captured=tuple(not_captured), raw=_stable(page)))


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
    if kind in ("child_page", "child_database"):
        text = body.get("title", "")
    elif kind == "equation":
        text = body.get("expression", "")
    elif kind == "file":
        text = body.get("name", "")  # the file's name, which Notion shows in place of the file
    editable = kind in _EDITABLE
    blocks = [
        Block(
            id=native["id"],
            kind=_KINDS.get(kind, kind),
            text=text,
            spans=spans_from_rich_text(rich_text),
            editable=editable,
            readonly_reason="" if editable else readonly_reason(kind, text),
            depth=depth,
            attrs=_attrs(kind, body),
            raw=raw,
        )
    ]
    caption = (body.get("caption") or []) if kind in CAPTIONED else []
    if caption:
        blocks.append(Block(id=f"{native['id']}{CAPTION_SUFFIX}", kind="caption",
                            text="".join(item.get("plain_text", "") for item in caption),
                            spans=spans_from_rich_text(caption), depth=depth,
                            attrs={"block": native["id"], "of": kind}, raw={"rich_text": caption}))
    return blocks


def readonly_reason(kind: str, text: str) -> str:
    """Why a block of `kind` is not written by copydesk, and where a person changes it."""
    if kind == "code":
        return "A code block: copydesk never rewrites code; edit it in Notion."
    if kind == "equation":
        return "An equation: edit it in Notion."
    if kind == "child_page":
        return f"The title of the sub-page '{text}': it is tracked and edited as that page's title."
    if kind == "child_database":
        return f"The title of the database '{text}': rename the database in Notion."
    if kind == "table":
        return "A table: its cells are tracked one by one."
    if kind == "divider":
        return "A divider: it holds no text."
    if kind in _MEDIA:
        return f"{_MEDIA[kind]}: replace it in Notion; its caption, if any, is tracked on its own."
    if kind in _LINKS:
        return f"{_LINKS[kind]}: change its link in Notion; its caption, if any, is tracked on its own."
    if kind == "unsupported":
        return "A block the Notion API does not return: edit it in Notion."
    return f"A Notion {kind.replace('_', ' ')} block: edit it in Notion."


class _Synced:
    """Marks the blocks of a page's tree walk that are synced: originals, their frames, and
    the read-only copies a reference shows (see the module docstring)."""

    def __init__(self, pages: Mapping[str, str]) -> None:
        self._pages = pages
        self._open: list[tuple[int, dict[str, Any]]] = []  # (depth, synced block) holding what follows

    def mark(self, native: dict[str, Any], depth: int, made: list[Block]) -> list[Block]:
        while self._open and depth <= self._open[-1][0]:
            self._open.pop()
        inside = self._open[-1][1] if self._open else None
        if native.get("type") == "synced_block":
            made = [self._frame(block, native) for block in made]
            self._open.append((depth, native))
        elif native.get("type") == "link_preview":
            made = [_link_preview(block, native) for block in made]
        if inside is None:
            return made
        original = synced_original(inside)
        if original is None:
            return [b.model_copy(update={"attrs": {**b.attrs, "synced_original": inside["id"]}}) for b in made]
        return [self._copy(block, inside["id"], original) for block in made]

    def _frame(self, block: Block, native: dict[str, Any]) -> Block:
        original = synced_original(native)
        if original is None:
            return block.model_copy(update={
                "attrs": {"synced": "original"},
                "readonly_reason": "The frame of a synced block holds no text: its copy is in the blocks inside it, "
                                   "and an edit there shows on every page that shows this synced block"})
        return block.model_copy(update={"attrs": {"synced": "copy", "synced_original": original},
                                        "readonly_reason": self._where(original)})

    def _copy(self, block: Block, reference: str, original: str) -> Block:
        return block.model_copy(update={
            "id": f"{reference}/{block.id}",
            "editable": False,
            "readonly_reason": self._where(original),
            "attrs": {**block.attrs, "synced_original": original, "synced_block": block.id},
        })

    def _where(self, original: str) -> str:
        title = self._pages.get(original, "")
        if title:
            return f"A synced copy: edit the original on page '{title}'"
        return "A synced copy of a block on a page copydesk cannot read: edit the original in Notion"


def _link_preview(block: Block, native: dict[str, Any]) -> Block:
    url = str((native.get("link_preview") or {}).get("url") or "")
    return block.model_copy(update={
        "text": url, "spans": (Span(text=url, href=url),) if url else (), "editable": False, "attrs": {"url": url},
        "readonly_reason": "A link preview: Notion's API cannot change one; replace the link in Notion"})


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
