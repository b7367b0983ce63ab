"""A stored document drawn as it read (History): structure kept, remote text never obeyed."""

from __future__ import annotations

from connectors.document import Block, Document, DocumentRef, Span
from ui.web.reading_view import page_html

REF = DocumentRef(source="notion", remote_id="p", kind="page", title="Pricing")


def _doc(*blocks: Block) -> Document:
    return Document(ref=REF, blocks=blocks)


def test_headings_lists_tables_and_formatting_read_as_a_page():
    shown = page_html(_doc(
        Block(id="title", kind="title", text="Pricing"),
        Block(id="h", kind="heading", text="Plans", attrs={"level": 1}),
        Block(id="p", kind="paragraph", text="Pro is best.",
              spans=(Span(text="Pro", bold=True), Span(text=" is "), Span(text="best", italic=True), Span(text="."))),
        Block(id="l1", kind="list_item", text="Starter", attrs={"ordered": True}),
        Block(id="l2", kind="list_item", text="Nested", depth=1, attrs={"ordered": False}),
        Block(id="l3", kind="list_item", text="Pro", attrs={"ordered": True}),
        Block(id="tb", kind="table", attrs={"column_header": True}),
        Block(id="r1/0", kind="cell", text="Plan", attrs={"row": "r1", "column": 0}),
        Block(id="r1/1", kind="cell", text="Price", attrs={"row": "r1", "column": 1}),
        Block(id="r2/0", kind="cell", text="Pro", attrs={"row": "r2", "column": 0}),
        Block(id="r2/1", kind="cell", text="$20", attrs={"row": "r2", "column": 1}),
        Block(id="t", kind="to_do", text="Call Tom", attrs={"checked": True}),
    ))
    assert "<h1>Pricing</h1>" in shown and "<h2>Plans</h2>" in shown
    assert "<p><strong>Pro</strong> is <em>best</em>.</p>" in shown
    assert "<ol><li>Starter</li><ul><li>Nested</li></ul><li>Pro</li></ol>" in shown
    assert "<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Pro</td><td>$20</td></tr></table>" in shown
    assert "☑ Call Tom" in shown


def test_a_table_without_a_header_row_has_no_header_cells():
    shown = page_html(_doc(Block(id="tb", kind="table", attrs={"column_header": False}),
                           Block(id="a", kind="cell", text="x", attrs={"row": "r", "column": 0})))
    assert "<td>x</td>" in shown and "<th>" not in shown


def test_webflow_fields_are_labelled_by_their_display_name():
    shown = page_html(_doc(Block(id="field:name", kind="title", text="Launch", attrs={"label": "Name"}),
                           Block(id="field:post-summary", kind="field", text="Short", attrs={"label": "Post summary"})))
    assert shown.index('class="cd-field">Name<') < shown.index("Launch") < shown.index("Post summary")


def test_remote_text_and_links_are_shown_never_obeyed():
    hostile = "<img src=x onerror=alert(1)> \x1b[8mhidden \u202eevil"
    shown = page_html(_doc(Block(id="p", kind="paragraph", text=hostile,
                                 spans=(Span(text=hostile, href="javascript:alert(1)\" onmouseover=\"x"),))))
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "\x1b" not in shown and "\u202e" not in shown and "\\x1b[8mhidden" in shown and "\\u202eevil" in shown
    assert "href=" not in shown and 'onmouseover="x"' not in shown
    assert 'title="javascript:alert(1)&quot; onmouseover=&quot;x"' in shown
