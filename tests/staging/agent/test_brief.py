"""Reading briefs from files (and refusing bad ones), compiling them, and keeping them."""

from __future__ import annotations

import io

import docx
import pytest
from pypdf import PdfWriter

from connectors.errors import BriefError, NotFound
from staging.agent import briefs
from staging.agent.brief import MAX_BYTES, compile_markdown, parse_term, read_brief_bytes, read_brief_file
from tests.builders import pdf_of
from tests.conftest import REPO

SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


def _pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose text layer says `text` (built by hand: pypdf writes no text)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return pdf_of(*objects)


def test_markdown_and_text_briefs_are_read_as_they_are(tmp_path):
    assert read_brief_file(SAMPLE) == SAMPLE.read_text(encoding="utf-8").strip() + "\n"
    plain = tmp_path / "brief.txt"
    plain.write_bytes("\ufeffWe are an AI support engineer.\n".encode("utf-8"))
    assert read_brief_file(plain) == "We are an AI support engineer.\n"


def test_a_docx_brief_keeps_headings_lists_and_tables(tmp_path):
    document = docx.Document()
    document.add_heading("Terms", level=2)
    document.add_paragraph("chatbot -> AI support engineer", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "HelpHive Pro", "Fernhill Desk Pro"
    path = tmp_path / "brief.docx"
    document.save(path)
    text = read_brief_file(path)
    assert "## Terms\n- chatbot -> AI support engineer\nHelpHive Pro | Fernhill Desk Pro" in text
    assert [(t.retire, t.use) for t in compile_markdown(text).terms] == [
        ("chatbot", "AI support engineer"), ("HelpHive Pro", "Fernhill Desk Pro")]


def test_a_pdf_brief_is_read_from_its_text_layer(tmp_path):
    path = tmp_path / "brief.pdf"
    path.write_bytes(_pdf_with_text("We are the AI support engineer."))
    assert "We are the AI support engineer." in read_brief_file(path)


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name, content, message", [
    ("empty.md", b"", "has no text"),
    ("spaces.txt", b"  \n\t\n", "has no text"),
    ("junk.md", bytes(range(256)) * 4, "binary"),
    ("latin1.txt", "Café crème".encode("latin-1"), "not UTF-8"),
    ("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07" * 20, "control characters"),
    ("scan.pdf", None, "no text layer"),
    ("broken.pdf", b"%PDF-1.4 this is not a pdf", "not a readable PDF"),
    ("broken.docx", b"PK not really a zip", "not a readable .docx"),
    ("brief.rtf", b"{\\rtf1 hello}", "unsupported type .rtf"),
    ("brief", b"no suffix", "unsupported type (none)"),
])
def test_bad_brief_files_get_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(_blank_pdf() if content is None else content)
    with pytest.raises(BriefError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_brief_file(path)


def test_an_oversized_or_missing_brief_is_refused(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(BriefError, match="at most"):
        read_brief_file(big)
    with pytest.raises(BriefError, match="No brief file"):
        read_brief_file(tmp_path / "missing.md")


def test_the_sample_brief_compiles_into_terms_claims_messages_and_scope():
    compiled = compile_markdown(SAMPLE.read_text(encoding="utf-8"))
    assert compiled.title.startswith("Positioning brief")
    assert "AI support engineer" in compiled.summary
    assert [(t.retire, t.use, t.note) for t in compiled.terms][0] == (
        "the chatbot for your docs", "the AI support engineer for your team", "tagline")
    assert compiled.retired_claims == ["Setup in 5 minutes", "cuts support tickets by 40%"]
    assert len(compiled.key_messages) == 2
    scope = compiled.scope
    assert scope.skip_archived and scope.skip_quotes and scope.not_edited_years is None
    assert scope.skip_titles == ["Changelog", "Legal:*", "Meeting notes*"]


@pytest.mark.parametrize("section, message", [
    ("## Terms\n- chatbot, AI support engineer\n", "needs the form"),
    ("## Scope\n- be careful\n", "not one copydesk understands"),
])
def test_malformed_sections_are_errors_that_say_how_to_fix_them(section, message):
    with pytest.raises(BriefError, match=message):
        compile_markdown(f"# Brief\nSummary.\n\n{section}")


def test_scope_rules_about_age_and_prose_briefs():
    compiled = compile_markdown("# B\n\n## Scope\n- skip pages not edited in 2 years\n")
    assert compiled.scope.not_edited_years == 2 and not compiled.scope.skip_archived
    prose = compile_markdown("We are now an AI support engineer. Stop saying chatbot.")
    assert prose.summary.startswith("We are now") and prose.terms == [] and prose.retired_claims == []


def test_adding_the_same_brief_twice_keeps_one_and_the_first_is_active(store):
    text = SAMPLE.read_text(encoding="utf-8")
    first, is_new = briefs.add(store, text, source="a.md", actor="priya")
    again, is_new_again = briefs.add(store, text, source="b.md", actor="priya")
    assert is_new and not is_new_again and again.id == first.id and first.active
    second, _ = briefs.add(store, text.replace("From the Q4", "From the Q4 (v2)"), source="c.md", actor="priya")
    assert not second.active and briefs.get(store).id == first.id
    briefs.set_active(store, second.id, actor="priya")
    assert briefs.get(store).id == second.id and not briefs.get(store, first.id).active
    assert [b.id for b in briefs.listing(store)] == [second.id, first.id]
    assert briefs.compiled(second).retired_claims == ["Setup in 5 minutes", "cuts support tickets by 40%"]
    with pytest.raises(NotFound, match="No brief 99"):
        briefs.get(store, 99)


def test_without_briefs_there_is_no_active_one(store):
    with pytest.raises(NotFound, match="brief add"):
        briefs.get(store)


def test_a_correction_replaces_the_compiled_form_and_is_audited(store):
    brief, _ = briefs.add(store, (REPO / "fixtures/briefs/ai-support-engineer.md").read_text(), source="b.md",
                          actor="lead")
    corrected = briefs.compiled(brief).model_copy(update={"terms": [parse_term("widget -> gadget (typo)")]})
    briefs.correct(store, brief.id, corrected, actor="priya")
    again = briefs.get(store, brief.id)
    assert [t.as_line() for t in briefs.compiled(again).terms] == ["widget -> gadget (typo)"]
    assert again.text == brief.text and again.sha256 == brief.sha256
    event = store.events(1)[0]
    assert (event.actor, event.action) == ("priya", "brief.corrected") and event.details["before"] == brief.compiled
    with pytest.raises(BriefError, match="keep at least one"):
        briefs.correct(store, brief.id, corrected.model_copy(update={"terms": [], "retired_claims": []}), actor="p")
    with pytest.raises(NotFound):
        briefs.correct(store, 999, corrected, actor="priya")


def test_an_upload_is_checked_like_a_file():
    assert read_brief_bytes("b.md", "\ufeff# Brief\n".encode()) == "# Brief\n"
    with pytest.raises(BriefError, match="unsupported type .exe"):
        read_brief_bytes("b.exe", b"text")
    with pytest.raises(BriefError, match="at most 2 MB"):
        read_brief_bytes("b.txt", b"a" * (MAX_BYTES + 1))
