from __future__ import annotations

from connectors.document import Block, Document, Span
from staging.render import spans_to_markdown, to_markdown
from tests.builders import make_document


def test_spans_keep_marks_and_links_without_eating_spaces():
    spans = (Span(text="Try "), Span(text="HelpHive Pro ", bold=True, href="https://x.example/pro"),
             Span(text="today", italic=True), Span(text=" with "), Span(text="helphive.init()", code=True))
    assert spans_to_markdown(spans) == "Try [**HelpHive Pro**](https://x.example/pro) *today* with `helphive.init()`"


def test_blocks_render_by_kind_and_depth():
    doc = make_document()
    doc = Document(ref=doc.ref, blocks=(
        Block(id="title", kind="title", text="FAQ"),
        Block(id="h", kind="heading", text="Setup", attrs={"level": 2}),
        Block(id="l1", kind="list_item", text="Connect Zendesk", attrs={"ordered": True}),
        Block(id="l2", kind="list_item", text="Pick a space", depth=1, attrs={"ordered": False}),
        Block(id="t", kind="to_do", text="Invite the team", attrs={"checked": True}),
        Block(id="q", kind="quote", text="It just works."),
        Block(id="c", kind="code", text="pip install helphive", editable=False, attrs={"language": "bash"}),
        Block(id="tbl", kind="table", attrs={"column_header": True, "width": 2}),
        Block(id="r1/0", kind="cell", text="Plan", attrs={"row": "r1", "column": 0}),
        Block(id="r1/1", kind="cell", text="Price", attrs={"row": "r1", "column": 1}),
        Block(id="r2/0", kind="cell", text="Pro", attrs={"row": "r2", "column": 0}),
        Block(id="r2/1", kind="cell", text="$49", attrs={"row": "r2", "column": 1}),
    ))
    text = to_markdown(doc)
    assert text.startswith("# FAQ\n")
    for line in ["### Setup", "1. Connect Zendesk", "  - Pick a space", "- [x] Invite the team",
                 "> It just works.", "```bash", "pip install helphive", "| Plan | Price |", "|---|---|",
                 "| Pro | $49 |"]:
        assert line in text.splitlines(), line
    assert text.index("| Plan | Price |") < text.index("|---|---|") < text.index("| Pro | $49 |")
