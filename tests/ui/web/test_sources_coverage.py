"""The Sources page shows the share of each source's text that is tracked, and lists what is
not captured and why text is read-only, as plain text (remote text is never Markdown); the
Sweeps page shows what to fix by hand in read-only text."""

from __future__ import annotations

from connectors.document import Block, Document, DocumentRef, NotCaptured
from staging import coverage
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.sweep import by_hand, manual_step, sweep
from tests.ui.web.conftest import SAMPLE_BRIEF, no_traceback, page, texts

HOSTILE = "**drawing** [click](https://evil.example) 'Flow'"
REASON = "Alt text of an image: edit it in the *Designer*"


def test_sources_show_the_share_tracked_and_list_what_is_left_out_as_written(workspace):
    doc = Document(ref=DocumentRef(source="notion", remote_id="extra-page", kind="page", title="Extra"), blocks=(
        Block(id="t", kind="title", text="Extra"),
        Block(id="i", kind="image", text="A hive", editable=False, readonly_reason=REASON),
    ), not_captured=(NotCaptured(element=HOSTILE, reason="drawings hold no text", chars=25),))
    workspace.store.record(doc, tool="notion")  # as a pull of a page holding these would store it
    [figures] = coverage.report(workspace.store, source="notion")

    app = no_traceback(page("sources_page"))
    share = coverage.percent(figures["chars_tracked"], figures["chars_total"])
    assert any(m.startswith(f"{share} % of text tracked") for m in texts(app, "markdown"))
    plain = "\n".join(t.value for t in app.text)
    assert f"Extra: {HOSTILE} (25 characters): drawings hold no text" in plain
    assert f"1 block(s), 6 characters: {REASON}" in plain


def test_the_sweeps_page_shows_each_stale_read_only_block_s_manual_step(workspace):
    brief, _ = briefs.add(workspace.store, read_brief_file(SAMPLE_BRIEF), source=SAMPLE_BRIEF.name, actor="test")
    run = sweep(workspace.store, {name: workspace.connector(name) for name in workspace.settings.sources},
                actor="test", brief=brief)
    steps = [manual_step(row) for row in by_hand(run)]
    assert steps
    app = no_traceback(page("sweeps_page"))
    shown = texts(app, "warning")
    assert all(step in shown for step in steps)
