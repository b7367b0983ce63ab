"""Tables inside tables as deep as a payload likes: read without recursion, ids and order as
for a shallow table."""

from __future__ import annotations

from connectors.document import DocumentRef
from connectors.gdocs.normalise import document_from_payload

REF = DocumentRef(source="gdocs", remote_id="deep", kind="document", remote_version="1")


def _paragraph(text: str) -> dict:
    return {"paragraph": {"elements": [{"textRun": {"content": text + "\n"}}]}}


def test_3000_nested_tables_are_read_in_order_with_their_ids():
    content = [_paragraph("deepest cell")]
    for _ in range(3_000):
        content = [{"table": {"tableRows": [{"tableCells": [{"content": content}, {"content": [_paragraph("x")]}]}]}}]
    doc = document_from_payload({"title": "Deep", "body": {"content": content + [_paragraph("after")]}}, REF)
    deepest = "t0.r0.c0." * 3_000 + "p0"
    assert [b.id for b in doc.blocks[:2]] == [deepest, "t0.r0.c0." * 2_999 + "t0.r0.c1.p0"]
    assert doc.blocks[0].text == "deepest cell" and doc.blocks[0].kind == "cell"
    assert (doc.blocks[-1].id, doc.blocks[-1].text, len(doc.blocks)) == ("p0000", "after", 3_002)
