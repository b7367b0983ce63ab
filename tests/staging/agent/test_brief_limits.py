"""Hostile brief files (zip bombs, lying zips, deep XML, PDF bombs and loops) end in one
BriefError line, quickly, before anything big is inflated or parsed."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib

import docx
import pytest

from connectors.errors import BriefError
from staging.agent import brief_limits
from staging.agent.brief import read_brief_bytes, read_brief_file
from tests.builders import pdf_of

DOCUMENT = "word/document.xml"
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(body: bytes | None = None) -> bytes:
    """A real .docx from python-docx, its document.xml replaced by `body` (deflated) if given."""
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("chatbot -> AI support engineer")
    document.save(out)
    if body is None:
        return out.getvalue()
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, body if entry.filename == DOCUMENT else source.read(entry))
    return rebuilt.getvalue()


def _document_xml(paragraphs: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{paragraphs}</w:body></w:document>'.encode()


def test_a_docx_that_packs_its_text_a_thousand_times_is_refused_before_parsing():
    bomb = _docx(_document_xml(f"<w:p><w:r><w:t>{'x' * 3_000_000}</w:t></w:r></w:p>"))
    assert len(bomb) < 50_000
    with pytest.raises(BriefError, match="zip bomb"):
        read_brief_bytes("bomb.docx", bomb)


def test_a_docx_declaring_more_than_the_limit_once_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(brief_limits, "MAX_INFLATED", 200_000)  # the same rule, at a size a test builds quickly
    paragraphs = "".join(f"<w:p><w:r><w:t>term {n} -&gt; other {n}</w:t></w:r></w:p>" for n in range(6000))
    with pytest.raises(BriefError, match="once unpacked"):
        read_brief_bytes("long.docx", _docx(_document_xml(paragraphs)))


def _with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s uncompressed size rewritten to `size` in both its headers: a lie."""
    archive = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        entry = z.getinfo(name)
    local = entry.header_offset
    struct.pack_into("<I", archive, local + 22, size)
    central = archive.index(b"PK\x01\x02")
    while True:  # find the central directory record naming this entry
        name_length = struct.unpack_from("<H", archive, central + 28)[0]
        if archive[central + 46:central + 46 + name_length] == name.encode():
            break
        central = archive.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", archive, central + 24, size)
    return bytes(archive)


def test_a_docx_whose_headers_understate_what_it_unpacks_to_is_refused():
    real = _docx(_document_xml("<w:p><w:r><w:t>" + "chatbot " * 50_000 + "</w:t></w:r></w:p>"))
    liar = _with_declared_size(real, DOCUMENT, 1000)
    with pytest.raises(BriefError, match="not a readable .docx"):
        read_brief_bytes("liar.docx", liar)


def test_deeply_nested_docx_xml_is_one_line_not_a_parser_traceback():
    nested = _document_xml("<w:p>" + "<w:r>" * 5000 + "</w:r>" * 5000 + "</w:p>")
    with pytest.raises(BriefError, match="not a readable .docx") as raised:
        read_brief_bytes("deep.docx", _docx(nested))
    assert "\n" not in str(raised.value)


def test_malformed_docx_xml_is_one_line():
    with pytest.raises(BriefError, match="not a readable .docx"):
        read_brief_bytes("torn.docx", _docx(b"<w:document " + _W.encode() + b"><w:body><w:p>"))




def test_a_pdf_page_that_inflates_past_the_limit_is_refused():
    packed = zlib.compress(b"BT /F1 12 Tf 72 720 Td (x) Tj ET " + b" " * 80_000_000, 9)
    bomb = pdf_of(b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    assert len(bomb) < 200_000
    with pytest.raises(BriefError, match="not a readable PDF"):
        read_brief_bytes("bomb.pdf", bomb)


def test_a_pdf_whose_page_tree_loops_is_one_line():
    looping = pdf_of(b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                   b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 2 >>")
    with pytest.raises(BriefError, match="PDF"):
        read_brief_bytes("loop.pdf", looping)


@pytest.mark.parametrize("content", [
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF",
    b"%PDF-1.4\n" + b"[" * 5000 + b"\n%%EOF",
])
def test_malformed_pdfs_are_one_line(content):
    with pytest.raises(BriefError, match="PDF"):
        read_brief_bytes("odd.pdf", content)


def test_a_huge_file_on_disk_is_refused_without_reading_it_whole(tmp_path):
    huge = tmp_path / "huge.md"
    with huge.open("wb") as file:
        file.truncate(64 * 1024 * 1024)  # sparse: costs no disk, but 64 MB if read whole
    tracemalloc.start()
    try:
        with pytest.raises(BriefError, match="at most"):
            read_brief_file(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_an_honest_docx_still_reads():
    assert read_brief_bytes("brief.docx", _docx()) == "chatbot -> AI support engineer\n"
