"""Where a block is, in a reader's words (staging.context), for each tool's document shape;
and formatted text with the changes marked (staging.marked)."""

from __future__ import annotations

from connectors.document import Block, Document, DocumentRef, Edit, Span
from connectors.webflow.normalise import collection_from_payload, item_document
from staging import context, marked
from tests.builders import make_block, make_document


def _notion_page() -> Document:
    """A Notion page: headings carry their level, a table is followed by its rows' cells."""
    page = make_document()
    blocks = [
        *page.blocks,
        make_block("h1", "Pricing", kind="heading", attrs={"level": 1}),
        make_block("h2", "Plans", kind="heading", attrs={"level": 2}),
        make_block("p1", "Pick the plan that fits."),
        Block(id="tb", kind="table", attrs={"width": 3, "column_header": True}),
        *[make_block(f"r{r}/{c}", text, kind="cell", depth=1, attrs={"row": f"r{r}", "column": c})
          for r, row in enumerate([["", "DocBot", "HelpHive"], ["Setup time", "Weeks", "An afternoon"]])
          for c, text in enumerate(row)],
        make_block("h2b", "Billing", kind="heading", attrs={"level": 2}),
        make_block("p2", "Invoices go out monthly."),
        make_block("h1b", "FAQ", kind="heading", attrs={"level": 1}),
        make_block("p3", "Ask us anything."),
    ]
    return page.model_copy(update={"blocks": tuple(blocks)})


def _google_doc() -> Document:
    """A Google Doc: `heading_<n>` kinds, ordinal ids, a cell of two paragraphs, a table in a cell."""
    def cell(block_id: str, text: str) -> Block:
        table, row, column, _ = block_id.rsplit(".", 3)
        return make_block(block_id, text, kind="cell", attrs={"table": table, "row": int(row[1:]),
                                                             "column": int(column[1:])})
    blocks = [
        make_block("p0000", "One-pager", kind="title"),
        make_block("p0001", "What changes for your team", kind="heading_2", attrs={"level": 2}),
        cell("t0.r0.c0.p0", ""), cell("t0.r0.c1.p0", "Before"), cell("t0.r0.c2.p0", "With"),
        cell("t0.r0.c2.p1", "HelpHive"),
        cell("t0.r1.c0.p0", "Setup"), cell("t0.r1.c1.p0", "Weeks"), cell("t0.r1.c2.p0", "Setup in 5 minutes"),
        cell("t0.r1.c2.t0.r0.c0.p0", "Step"), cell("t0.r1.c2.t0.r0.c1.p0", "Who"),
        cell("t0.r1.c2.t0.r1.c0.p0", "Connect"), cell("t0.r1.c2.t0.r1.c1.p0", "Your admin"),
        make_block("p0002", "Ask for a demo.", kind="paragraph"),
    ]
    return Document(ref=DocumentRef(source="gdocs", remote_id="doc", kind="document"), blocks=tuple(blocks))


def _webflow_item() -> Document:
    """A CMS item through the connector's own normaliser: fields named by their displayName."""
    collection = collection_from_payload({"id": "c1", "slug": "blog", "displayName": "Blog Posts", "fields": [
        {"slug": "name", "type": "PlainText", "displayName": "Name"},
        {"slug": "slug", "type": "PlainText", "displayName": "Slug"},
        {"slug": "tagline", "type": "PlainText", "displayName": "Tagline"},
        {"slug": "post-body", "type": "RichText", "displayName": "Post body"},
        {"slug": "post-footer", "type": "RichText", "displayName": "Post footer"},
    ]})
    item = {"id": "i1", "fieldData": {
        "name": "Why we built HelpHive", "slug": "why-we-built-helphive", "tagline": "The chatbot for your docs",
        "post-body": "<h2>The problem</h2><p>Tickets pile up.</p><h3>Why now</h3><p>Models got good.</p>",
        "post-footer": "<p>Try it today.</p>"}}
    return item_document(item, collection, None)


def test_a_block_under_headings_gets_its_heading_path_and_neighbours():
    page = _notion_page()
    place = context.place(page, "p1")
    assert (place.label, place.path) == ("Paragraph", "Pricing › Plans")
    assert (place.previous.text, place.next.text) == ("Plans", "DocBot")  # the empty corner cell is skipped
    assert context.place(page, "p2").path == "Pricing › Billing"  # a level-2 heading closes the one before
    assert context.place(page, "p3").path == "FAQ"
    assert context.place(page, "h2b").path == "Pricing"  # a heading sits under the headings above its level
    assert context.place(page, "title").previous is None


def test_a_notion_cell_is_named_by_its_row_and_column_headers():
    page = _notion_page()
    assert context.place(page, "r1/2").line() == "Table cell · Pricing › Plans · row “Setup time”, column “HelpHive”"
    assert context.place(page, "r0/2").cell == "top row, column 3"  # a header cell: by position
    assert context.place(page, "r1/0").cell == "row 2, first column"


def test_a_google_docs_cell_reads_its_headers_across_paragraphs_and_nested_tables():
    doc = _google_doc()
    place = context.place(doc, "t0.r1.c2.p0")
    assert place.line() == "Table cell · What changes for your team · row “Setup”, column “With HelpHive”"
    nested = context.place(doc, "t0.r1.c2.t0.r1.c1.p0")
    assert nested.cell == "row “Connect”, column “Who”"
    assert context.place(doc, "p0002").path == "What changes for your team"


def test_a_webflow_field_is_named_by_its_display_name_and_rich_text_keeps_its_own_outline():
    item = _webflow_item()
    assert context.place(item, "field:tagline").label == "Tagline"
    assert context.place(item, "field:name").label == "Name"
    body = context.place(item, "field:post-body:3")
    assert (body.label, body.path) == ("Post body, paragraph", "The problem › Why now")
    footer = context.place(item, "field:post-footer:0")
    assert (footer.label, footer.path) == ("Post footer, paragraph", "")  # the body's headings are not above it
    assert context.place(item, "field:tagline").previous.text == "Why we built HelpHive"  # the slug is not read


def test_a_block_the_document_no_longer_holds_keeps_its_kind():
    assert context.place(make_document("Hello"), "gone", "list_item").line() == "List item"


def test_marked_runs_keep_each_sides_formatting_and_mark_the_change():
    before = (Span(text="HelpHive, "), Span(text="the chatbot", bold=True), Span(text=" for "),
              Span(text="your docs", href="https://example.test/docs"))
    after = marked.new_spans(make_block("b", "".join(s.text for s in before), spans=before),
                             "HelpHive, the AI support engineer for your docs")
    runs = marked.runs(before, after, folded=False)
    assert [(r.kind, r.span.text, r.span.bold) for r in runs if r.kind != "equal"] == [
        ("delete", "chatbot", True), ("insert", "AI support engineer", True)]
    assert any(r.span.href == "https://example.test/docs" and r.span.text == "your docs" for r in runs)
    old_side = marked.runs(before, after, formatted_as="before")
    assert "".join(r.span.text for r in old_side if r.kind != "insert") == "".join(s.text for s in before)


def test_will_read_marks_only_the_edited_blocks_and_writes_a_revert_target_run_for_run():
    doc = make_document("Setup in 5 minutes.", "Unchanged.")
    target = make_block("b1", "Setup in an afternoon.", spans=(Span(text="Setup in an afternoon.", italic=True),))
    shown = marked.will_read(doc, [Edit(block_id="b1", before="Setup in 5 minutes.", after="Setup in an afternoon.",
                                        target=target)])
    changed = [s for s in shown if s.changed]
    assert [s.block.id for s in changed] == ["b1"]
    assert changed[0].block.spans == target.spans and changed[0].block.text == "Setup in an afternoon."
    assert {r.kind for r in changed[0].runs} == {"equal", "delete", "insert"}


def test_a_block_outside_the_main_text_names_its_tab_segment_or_component_and_keeps_its_own_outline():
    tab = {"tab": "t.2", "tab_title": "Meeting transcript"}
    doc = make_document().model_copy(update={"blocks": (
        make_block("p0000", "Pricing", kind="heading_1"),
        make_block("p0001", "Plans start at 10 seats."),
        make_block("header:h1/p0000", "HelpHive — the chatbot for your docs", attrs={"segment": "header", "segment_id": "h1"}),
        make_block("t.2/p0000", "Call notes", kind="heading_1", attrs=tab),
        make_block("t.2/p0001", "They asked about the chatbot.", attrs=tab),
        make_block("t.2/header:h2/p0000", "Internal", attrs={**tab, "segment": "header", "segment_id": "h2"}),
        make_block("node:n1:p1", "Try it", kind="component_text", attrs={"component": "Nav", "label": "CTA label"}),
    )})
    header = context.place(doc, "header:h1/p0000")
    assert (header.section, header.path) == ("header", "")  # the body's heading is not above the header
    transcript = context.place(doc, "t.2/p0001")
    assert (transcript.section, transcript.path) == ("tab “Meeting transcript”", "Call notes")
    assert context.place(doc, "t.2/header:h2/p0000").line() == "tab “Meeting transcript” › header · Paragraph"
    assert context.place(doc, "node:n1:p1").line() == "“Nav” component · CTA label"
    assert context.place(doc, "p0001").line() == "Paragraph · Pricing"
