"""The Brief page: upload, refusals, correcting the compiled form, proposing."""

from __future__ import annotations

from staging import changesets
from staging.agent import briefs
from tests.ui.web.conftest import SAMPLE_BRIEF, no_traceback, page, texts


def _upload(app, name: str, data: bytes):
    app.file_uploader(key="brief.file").set_value((name, data, "text/markdown"))
    return app.button(key="brief.add").click().run()


def test_upload_the_sample_brief_and_propose(workspace):
    app = no_traceback(page("brief_page"))
    assert any("No brief yet" in i for i in texts(app, "info"))
    _upload(app, SAMPLE_BRIEF.name, SAMPLE_BRIEF.read_bytes())
    no_traceback(app)
    brief = briefs.get(workspace.store)
    assert brief.source == SAMPLE_BRIEF.name and brief.active
    assert any("Added brief" in s for s in texts(app, "success"))
    terms = app.text_area[0].value
    assert "chatbot -> AI support engineer" in terms.replace("Chatbot", "chatbot")

    app.button(key="brief.propose").click().run()
    no_traceback(app)
    staged = changesets.listing(workspace.store, status="proposed")
    assert staged
    assert [m.value for m in app.metric if m.label == "Changesets staged"] == [str(len(staged))]
    assert any(b.label.startswith(f"Review #{staged[-1].id}") for b in app.button)


def test_a_bad_upload_is_refused_in_one_line_and_nothing_is_stored(workspace):
    app = page("brief_page")
    _upload(app, "brief.md", b"\x00\x01binary")
    assert texts(app, "error") == ["brief.md is binary, not text; save the brief as Markdown or plain text."]
    _upload(app, "notes.md", b"Just some prose, no sections.")
    assert any("names no term changes" in e for e in texts(app, "error"))
    assert briefs.listing(workspace.store) == []


def test_correct_the_compiled_form_before_proposing(workspace):
    app = page("brief_page")
    _upload(app, SAMPLE_BRIEF.name, SAMPLE_BRIEF.read_bytes())
    app.text_area[0].set_value("widget -> gadget (a correction)")
    app.button[[b.label for b in app.button].index("Save corrections")].click().run()
    no_traceback(app)
    compiled = briefs.compiled(briefs.get(workspace.store))
    assert [(t.retire, t.use, t.note) for t in compiled.terms] == [("widget", "gadget", "a correction")]
    event = workspace.store.events(1)[0]
    assert event.action == "brief.corrected" and event.details["before"]["terms"]

    app.text_area[0].set_value("no arrow here")
    app.button[[b.label for b in app.button].index("Save corrections")].click().run()
    assert any("needs the form `old -> new`" in e for e in texts(app, "error"))


def test_a_tracked_page_in_prose_is_read_and_refused_without_claude(workspace):
    app = page("brief_page")
    app.radio(key="brief.origin").set_value("A tracked page").run()
    app.button(key="brief.add").click().run()
    assert texts(app, "error") == ["Choose a tracked page first."]
    page_id = workspace.store.find_documents(title="Elevator pitch")[0].id
    app.selectbox(key="brief.page").set_value(page_id)
    app.button(key="brief.add").click().run()
    assert any("names no term changes" in e and "Claude" in e for e in texts(app, "error"))
    assert briefs.listing(workspace.store) == []
