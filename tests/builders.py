"""Test builders with fixed values, so a test states only what it is about."""

from __future__ import annotations

from datetime import datetime, timezone

from connectors.document import Block, Document, DocumentRef, Span

FIXED_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def make_block(block_id: str = "b1", text: str = "Hello world", **overrides) -> Block:
    fields = {"id": block_id, "kind": "paragraph", "text": text, "spans": (Span(text=text),)} | overrides
    return Block(**fields)


def make_document(*texts: str, remote_id: str = "page-1", title: str = "Product overview",
                  version: str = "2026-03-01T12:00:00.000Z", **ref_overrides) -> Document:
    ref = DocumentRef(
        **({"source": "notion", "remote_id": remote_id, "kind": "page", "title": title,
            "url": f"https://www.notion.so/{remote_id}", "remote_version": version,
            "updated_at": FIXED_TIME} | ref_overrides)
    )
    blocks = [Block(id="title", kind="title", text=title)]
    blocks += [make_block(f"b{n}", text) for n, text in enumerate(texts, start=1)]
    return Document(ref=ref, blocks=tuple(blocks))
