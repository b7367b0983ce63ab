"""Test builders with fixed values, so a test states only what it is about."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from connectors.document import Block, Document, DocumentRef, Span

FIXED_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


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


def pdf_of(*objects: bytes) -> bytes:
    """A PDF of these numbered objects (1 is the catalog), with a correct xref table."""
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
