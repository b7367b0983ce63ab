"""Issue 15, plain words: tools by their names, statuses in words, events as sentences, errors
that say what to do in the app, scope globs literal, the real upload limit, the whole brief
form, and a Webflow static page's manual steps shown before apply, by section."""

from __future__ import annotations

import re

import pytest

from connectors.errors import ConfigError
from staging import changesets, queue
from staging.agent import briefs
from tests.ui.web.conftest import REVIEWER, no_traceback, page, settle_flags, sources, still_true, texts

_RAW = re.compile(r"\bgdocs\b|awaiting_manual|changeset\.[a-z_]+\.|revert_conflict")


def _shown(app) -> str:
    """Everything a reader sees on the page, as text."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "text", "title", "subheader")
    return "\n".join(t for kind in kinds for t in texts(app, kind))


def _changeset(workspace, source: str, wanted=lambda d: True) -> int:
    for row in queue.page(workspace.store, queue.Filters(source=source, status="proposed"), limit=100).rows:
        tracked = workspace.store.document(row.document_id)
        if wanted(tracked) and any(e.after != e.before for e in changesets.edits(workspace.store, row.id)):
            return row.id
    raise AssertionError(f"no proposed {source} changeset")


def test_the_queue_names_tools_and_statuses_in_words(proposed):
    app = no_traceback(page("queue_page"))
    shown = _shown(app)
    rows = [t for t in texts(app, "markdown") if ":gray[" in t]  # each row names its tool's kind of document
    assert any(":gray[Google Doc · " in t for t in rows) and any(":gray[Webflow CMS item · " in t for t in rows)
    assert not _RAW.search(shown), _RAW.search(shown)
    assert any("blue-badge[to review]" in t for t in texts(app, "markdown"))
    status = app.selectbox(key="queue.status")
    assert "awaiting a manual step in the tool" in status.options and "awaiting_manual" not in status.options
    assert "Google Docs" in app.selectbox(key="queue.source").options
    status.set_value("awaiting_manual").run()
    assert "No changesets match." in texts(app, "info")


def test_a_changeset_names_its_tool_and_tells_its_audit_trail_in_sentences(proposed):
    changeset_id = _changeset(proposed, "gdocs")
    changesets.approve(proposed.store, changeset_id, actor=REVIEWER, dismissed=still_true(proposed.store, changeset_id))
    title = proposed.store.document(changesets.get(proposed.store, changeset_id).document_id).title
    app = no_traceback(page("queue_page", changeset=str(changeset_id)))
    shown = _shown(app)
    assert "Google Docs" in shown and not _RAW.search(shown)
    assert "base revision" not in shown
    trail = [t for t in texts(app, "markdown") if re.match(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC · ", t)]
    assert any(t.endswith(f"{REVIEWER} approved #{changeset_id} (“{title}” in Google Docs)") for t in trail), trail
    assert any(f"proposed #{changeset_id} for “{title}” in Google Docs" in t for t in trail), trail


def test_activity_is_a_whole_page_of_sentences_with_filters(proposed):
    changeset_id = _changeset(proposed, "gdocs")
    changesets.approve(proposed.store, changeset_id, actor=REVIEWER, dismissed=still_true(proposed.store, changeset_id))
    app = no_traceback(page("activity_page"))
    said = _events(app)
    assert len(said) == 50 and not app.dataframe  # a whole page of events, not a 10-row box
    assert said[0].startswith(f"{REVIEWER} approved #{changeset_id} (“") and said[0].endswith("in Google Docs)")
    assert not any(_RAW.search(s) for s in said)
    app.selectbox(key="activity.action").set_value("changeset.approv").run()
    assert _events(app) == [said[0]]
    app.selectbox(key="activity.action").set_value("brief").run()
    assert _events(app)[0].startswith("test added brief #")


def _events(app) -> list[str]:
    """The sentences of the Activity page's list, without their time and greyed details."""
    return [re.sub(r"^.+? UTC · ", "", t).split("  \n")[0] for t in texts(app, "markdown") if " UTC · " in t]


def test_errors_in_the_app_name_no_command_or_flag(proposed):
    app = page("queue_page", changeset="99")
    assert texts(app, "error") == ["There is no changeset #99: go back to the queue to find it."]
    changeset = next(c for c in changesets.listing(proposed.store, status="proposed")
                     if all(changesets.unresolved(r) for r in changesets.edits(proposed.store, c.id)))
    app = page("queue_page", changeset=str(changeset.id))
    # Approve waits for every flag to be settled; the page says how in its own words
    assert app.button(key="approve").disabled
    [left] = [c for c in texts(app, "caption") if "left to settle" in c]
    assert "copydesk" not in left and "--" not in left
    # and the refusal the app shows, were it asked anyway, names its buttons, not a command or flag
    with pytest.raises(ConfigError) as refused:
        changesets.approve(proposed.store, changeset.id, actor=REVIEWER)
    error = refused.value.in_app
    assert "unresolved flag" in error and "Dismiss flag" in error
    assert "copydesk" not in error and "--" not in error


def test_sources_name_the_tool_and_show_scope_globs_literally(proposed):
    compiled = briefs.compiled(briefs.get(proposed.store))
    compiled.scope.skip_titles = ["Legal:*", "Meeting notes*", "_draft_"]
    briefs.correct(proposed.store, briefs.get(proposed.store).id, compiled, actor=REVIEWER)
    app = no_traceback(page("sources_page"))
    assert {"Google Docs", "Notion", "Webflow"} <= set(texts(app, "subheader"))
    [scope] = [s for s in sources(app, "markdown") if "titles matching" in s]
    assert r"“Legal\:\*”, “Meeting notes\*”, “\_draft\_”" in scope  # escaped: no italics can form
    assert "titles matching: “Legal:*”, “Meeting notes*”, “_draft_” (skipped)" in "".join(texts(app, "markdown"))


def test_the_brief_form_shows_the_real_upload_limit_key_messages_and_topics(proposed):
    app = no_traceback(page("brief_page"))
    assert app.get("file_uploader")[0].proto.max_upload_size_mb == 2
    compiled = briefs.compiled(briefs.get(proposed.store))
    messages = next(a for a in app.text_area if a.label.startswith("Key messages"))
    assert messages.value == "\n".join(compiled.key_messages) and compiled.key_messages
    topics = next(t for t in app.text_input if t.label.startswith("Topics"))
    assert topics.value == ", ".join(compiled.topics) and compiled.topics
    messages.set_value("Resolves tickets end to end")
    topics.set_value("onboarding, pricing")
    app.button[[b.label for b in app.button].index("Save corrections")].click().run()
    no_traceback(app)
    saved = briefs.compiled(briefs.get(proposed.store))
    assert saved.key_messages == ["Resolves tickets end to end"] and saved.topics == ["onboarding", "pricing"]


def test_a_static_page_shows_its_designer_checklist_before_and_after_apply(proposed):
    changeset_id = _changeset(proposed, "webflow", lambda d: d.kind == "page" and "@" not in d.remote_id)
    app = no_traceback(page("queue_page", changeset=str(changeset_id)))
    assert any("This is a static page" in i and "Webflow Designer" in i for i in texts(app, "info"))
    steps = [c.label for c in app.checkbox if c.key.startswith(f"manual-{changeset_id}-")]
    assert steps and all(re.search(r"under the heading “|at the top of the page", s) for s in steps)
    before = [c.value for c in app.code]
    wanted = [r.after for r in changesets.to_write(proposed.store, changeset_id)]
    assert before == wanted
    assert not any("node" in s.lower() for s in steps)

    settle_flags(app, proposed.store, changeset_id).button(key="approve").click().run()
    app.button(key="apply").click().run()
    app.button(key="confirm-apply").click().run()
    no_traceback(app)
    waiting = changesets.get(proposed.store, changeset_id)
    assert waiting.status == "awaiting_manual"
    assert any("Waiting for someone to paste the new text in the Webflow Designer" in w for w in texts(app, "warning"))
    assert [c.value for c in app.code] == before
    assert [c.label for c in app.checkbox if c.key.startswith(f"manual-{changeset_id}-")] == steps
    assert any("awaiting a manual step in the tool" in s for s in texts(app, "success"))
