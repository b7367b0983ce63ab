"""Coverage: the share of each source's text that is tracked, what is not captured and why,
and the read-only text a sweep still checks and reports as a step to do by hand. On the
memory tool, whose documents carry read-only blocks and not-captured elements as a real
tool's normaliser fills them."""

from __future__ import annotations

from connectors.document import Block, Document, DocumentRef, NotCaptured
from connectors.memory import MemoryConnector, MemoryWorkspace
from staging import changesets, coverage, literal
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.pull import coverage_note, pull
from staging.sweep import by_hand, summary, sweep, to_markdown
from tests.conftest import REPO

SYNCED = "A synced copy: edit the original on 'Company home'"
ALT = "Alt text of an image: edit it in the Webflow Designer"
HOME_TEXT = "Support that answers from your docs."
SYNCED_TEXT = "HelpHive is the chatbot for your docs."
NAV_TEXT = "Try the chatbot for your docs"
DRAWING = NotCaptured(element="drawing 'Setup flow'", reason="drawings hold no text copydesk can read", chars=40)
COMMENT = NotCaptured(element="comment thread", reason="comments are not content", chars=12)


def _ref(remote_id: str, title: str, *, parent: str = "", source: str = "marketing") -> DocumentRef:
    return DocumentRef(source=source, remote_id=remote_id, kind="page", title=title, parent=parent,
                       url=f"https://tool.example/{remote_id}")


def marketing() -> list[Document]:
    """A parent page, a child page with a stale read-only synced copy and an element left out,
    and a page whose only stale text is read-only alt text."""
    return [
        Document(ref=_ref("home", "Company home"), blocks=(
            Block(id="t", kind="title", text="Company home"),
            Block(id="p", kind="paragraph", text=HOME_TEXT),
        )),
        Document(ref=_ref("pricing", "Pricing", parent="home"), blocks=(
            Block(id="t", kind="title", text="Pricing"),
            Block(id="p1", kind="paragraph", text="Plans for the chatbot for your docs."),
            Block(id="s1", kind="paragraph", text=SYNCED_TEXT, editable=False, readonly_reason=SYNCED),
        ), not_captured=(DRAWING,)),
        Document(ref=_ref("nav", "Navigation"), blocks=(
            Block(id="t", kind="title", text="Navigation"),
            Block(id="alt", kind="image", text=NAV_TEXT, editable=False, readonly_reason=ALT),
            Block(id="og", kind="setting", text=NAV_TEXT, editable=False, readonly_reason="Copies the alt text",
                  attrs={"copy_of": "alt"}),
        ), not_captured=(COMMENT,)),
    ]


def blog() -> list[Document]:
    return [Document(ref=_ref("post", "A post", source="blog"), blocks=(
        Block(id="t", kind="title", text="A post"),
        Block(id="p", kind="paragraph", text="Short."),
    ))]


def _pulled(store) -> tuple[MemoryWorkspace, MemoryConnector]:
    workspace = MemoryWorkspace.of(marketing())
    connector = MemoryConnector(workspace, source="marketing")
    pull(store, connector)
    pull(store, MemoryConnector(MemoryWorkspace.of(blog()), source="blog"))
    return workspace, connector


def _chars(documents: list[Document]) -> int:
    return sum(len(b.text) for d in documents for b in d.blocks)


def test_the_report_counts_tracked_read_only_and_not_captured_text_per_source(store):
    _pulled(store)
    assert coverage.report(store) == [
        {"source": "blog", "documents": 1, "chars_total": _chars(blog()), "chars_tracked": _chars(blog()),
         "chars_readonly": 0, "not_captured": [], "readonly_reasons": []},
        {"source": "marketing", "documents": 3, "chars_total": _chars(marketing()) + 40 + 12,
         "chars_tracked": _chars(marketing()), "chars_readonly": len(SYNCED_TEXT) + 2 * len(NAV_TEXT),
         "not_captured": [
             {"document": "Navigation", "element": "comment thread", "reason": "comments are not content", "chars": 12},
             {"document": "Company home / Pricing", "element": "drawing 'Setup flow'",
              "reason": "drawings hold no text copydesk can read", "chars": 40}],
         "readonly_reasons": [{"reason": SYNCED, "blocks": 1, "chars": len(SYNCED_TEXT)},
                              {"reason": ALT, "blocks": 1, "chars": len(NAV_TEXT)},
                              {"reason": "Copies the alt text", "blocks": 1, "chars": len(NAV_TEXT)}]},
    ]


def test_a_deleted_document_no_longer_counts_and_one_document_can_be_asked_for(store):
    workspace, connector = _pulled(store)
    pricing = store.document_by_remote("marketing", "pricing")
    [only] = coverage.report(store, document=pricing)
    assert (only["source"], only["documents"], only["chars_tracked"]) == ("marketing", 1, _chars(marketing()[1:2]))
    assert [row["element"] for row in only["not_captured"]] == [DRAWING.element]

    workspace.delete("nav")
    pull(store, connector, full=True)
    marketing_now = next(s for s in coverage.report(store) if s["source"] == "marketing")
    assert marketing_now["documents"] == 2 and [r["reason"] for r in marketing_now["readonly_reasons"]] == [SYNCED]


def test_a_read_only_block_without_a_reason_is_named_as_such_not_hidden(store):
    silent = Document(ref=_ref("x", "Silent"), blocks=(Block(id="c", kind="code", text="x = 1", editable=False),))
    pull(store, MemoryConnector(MemoryWorkspace.of([silent]), source="marketing"))
    [source] = coverage.report(store)
    assert source["readonly_reasons"] == [{"reason": coverage.NO_REASON, "blocks": 1, "chars": 5}]


def test_each_pull_records_the_coverage_of_what_it_fetched(store):
    report = pull(store, MemoryConnector(MemoryWorkspace.of(marketing()), source="marketing"))
    assert (report.chars_total, report.chars_tracked, report.elements_not_captured) == (
        _chars(marketing()) + 52, _chars(marketing()), 2)
    share = coverage.percent(_chars(marketing()), _chars(marketing()) + 52)
    assert coverage_note(report) == (f"marketing: {share} % tracked; 2 element(s) not captured "
                                     "— `copydesk coverage` lists them")
    event = next(e for e in store.events() if e.action == "pull")
    assert event.details["coverage"] == {"chars_total": report.chars_total, "chars_tracked": report.chars_tracked,
                                         "elements_not_captured": 2}
    assert report.not_captured == []  # whole documents refused: a different list, still empty

    unchanged = pull(store, MemoryConnector(MemoryWorkspace.of(blog()), source="blog"))
    assert unchanged.elements_not_captured == 0 and coverage_note(unchanged) == ""


def test_a_sweep_reports_stale_read_only_text_with_its_manual_step_and_never_proposes_on_it(store):
    briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"), source="b.md", actor="lead")
    workspace = MemoryWorkspace.of(marketing())
    connector = MemoryConnector(workspace, source="marketing")
    first = sweep(store, {"marketing": connector}, actor="scheduler")

    assert first.pulls[0]["elements_not_captured"] == 2 and first.pulls[0]["chars_tracked"] == _chars(marketing())
    hand = {(row["title"], row["block"]): row for row in by_hand(first)}
    assert set(hand) == {("Pricing", "s1"), ("Navigation", "alt")}
    synced = hand[("Pricing", "s1")]
    assert synced["manual"] == {"reason": SYNCED, "url": "https://tool.example/pricing"}
    assert synced["text"] == SYNCED_TEXT and any("chatbot" in m for m in synced["matched"])
    edited = {(changesets.get(store, i).document_id, e.block_id)
              for i in first.staged for e in changesets.edits(store, i)}
    pricing = store.document_by_remote("marketing", "pricing").id
    assert (pricing, "p1") in edited and not {block for _, block in edited} & {"s1", "alt"}
    assert "2 read-only block(s) to fix by hand" in summary(first)
    report = to_markdown(first, {})
    assert literal.markdown(f"read-only ({SYNCED}); fix it by hand at https://tool.example/pricing") in report

    again = sweep(store, {"marketing": connector}, actor="scheduler")
    assert (again.staged, again.new_stale, again.fixed) == ([], [], [])
    assert len(by_hand(again)) == 2

    workspace.edit("nav", "the chatbot for your docs", "the AI support engineer for your team")
    third = sweep(store, {"marketing": connector}, actor="scheduler")
    assert third.fixed == [store.document_by_remote("marketing", "nav").id] and third.staged == []
    assert [row["block"] for row in by_hand(third)] == ["s1"]
