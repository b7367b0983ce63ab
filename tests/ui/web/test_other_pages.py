"""History, Activity and Sources, and the app's navigation."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from staging import changesets
from staging.agent import briefs
from staging.apply import apply
from tests.ui.web.conftest import REVIEWER, SAMPLE_BRIEF, no_traceback, page, still_true, texts

APP = Path(__file__).resolve().parents[3] / "ui" / "app.py"


def _applied(workspace, title: str = "Product overview") -> int:
    changeset = workspace.changeset_for(title)
    changesets.approve(workspace.store, changeset.id, actor=REVIEWER,
                       dismissed=still_true(workspace.store, changeset.id))
    apply(workspace.store, workspace.connector("notion"), changeset.id, actor=REVIEWER)
    return changeset.id


def test_activity_lists_who_did_what_and_filters(proposed):
    changeset_id = _applied(proposed)
    app = no_traceback(page("activity_page"))
    rows = [t for t in texts(app, "markdown") if " UTC · " in t]
    assert rows[0].split(" UTC · ")[1].startswith(f"{REVIEWER} applied #{changeset_id} to “Product overview” in Notion")
    assert ":gray[brief “Positioning brief" in rows[0] and "· rules" in rows[0]
    app.selectbox(key="activity.actor").set_value(REVIEWER).run()
    assert all(t.split(" UTC · ")[1].startswith(f"{REVIEWER} ") for t in texts(app, "markdown") if " UTC · " in t)
    app.text_input(key="activity.changeset").set_value(str(changeset_id)).run()
    assert all(f"#{changeset_id} " in t for t in texts(app, "markdown") if " UTC · " in t)
    app.text_input(key="activity.changeset").set_value("abc").run()
    assert texts(app, "error") == ["'abc' is not a changeset number."]


def test_sources_pull_with_progress_and_report_a_failure(workspace):
    app = no_traceback(page("sources_page"))
    assert any("Last pull" in m for m in texts(app, "markdown"))
    app.button(key="sources.check.notion").click().run()
    assert any("Connected" in s for s in texts(app, "success"))
    app.button(key="sources.pull.notion").click().run()
    assert any(s.startswith("Pulled Notion") for s in texts(app, "success"))
    workspace.sandbox.post("faults", {"status": 401, "code": "unauthorized", "count": 5})
    app.button(key="sources.pull.notion").click().run()
    no_traceback(app)
    assert any("failed" in e for e in texts(app, "error"))


def test_empty_states(empty):
    assert any("Never pulled" in i for i in texts(no_traceback(page("sources_page")), "info"))
    assert any("Nothing tracked yet" in i for i in texts(no_traceback(page("history_page")), "info"))
    assert any("Nothing recorded yet" in i for i in texts(no_traceback(page("activity_page")), "info"))
    assert any("No brief yet" in i for i in texts(no_traceback(page("brief_page")), "info"))


def test_the_app_opens_on_the_queue(proposed):
    """Clicking through the navigation is the browser test's part (AppTest switches only to
    file-based pages)."""
    app = no_traceback(AppTest.from_file(str(APP), default_timeout=60).run())
    assert app.title[0].value == "Review queue"
    assert [b for b in app.button if b.label == "Open"]


def test_sweeps_page_sweeps_now_and_shows_the_report(workspace):
    app = no_traceback(page("sweeps_page"))
    assert any("No active brief" in i for i in texts(app, "info"))
    briefs.add(workspace.store, SAMPLE_BRIEF.read_text(), source=SAMPLE_BRIEF.name, actor="lead")
    app = no_traceback(page("sweeps_page"))
    assert any("No sweep yet" in i for i in texts(app, "info"))
    app.button(key="sweeps.now").click().run()
    no_traceback(app)
    assert any(s.startswith("Sweep 1:") for s in texts(app, "success"))
    assert [m.label for m in app.metric] == ["Stale documents", "To re-read", "Changesets staged", "Fixed by hand",
                                          "Left alone: won't fix"]
    assert int(app.metric[2].value) == len(changesets.listing(workspace.store, status="proposed")) > 0
    assert int(app.metric[1].value) > 0, "pages on the brief's topics (onboarding, pricing) predate it"
    assert any(m.startswith("untouched since") for m in texts(app, "markdown") if "topic:" in m) or any(
        "topic:" in m for m in texts(app, "markdown"))
    assert len(app.expander) >= 8 and set(app.dataframe[0].value["tool"]) == {"Google Docs", "Notion", "Webflow"}
