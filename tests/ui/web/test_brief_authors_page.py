"""The queue page as the brief's writer sees an engine's changeset: no approve button, and a
caption saying who else must approve, and why."""

from __future__ import annotations

import streamlit as st

from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from tests.ui.web.conftest import REVIEWER, SAMPLE_BRIEF, no_traceback, page, texts


def test_the_brief_s_writer_cannot_approve_what_it_proposed_in_the_app(workspace, monkeypatch):
    brief, _ = briefs.add(workspace.store, read_brief_file(SAMPLE_BRIEF), source=SAMPLE_BRIEF.name, actor=REVIEWER)
    run = propose(workspace.store, brief, actor="lee")
    changeset = next(i for i in run.staged
                     if not any(r.flag for r in changesets.edits(workspace.store, i)))

    app = no_traceback(page("queue_page", changeset=str(changeset)))
    assert app.button(key="approve").disabled
    captions = [c.replace("\\", "") for c in texts(app, "caption")]  # as read, Markdown escapes aside
    assert any(f"{REVIEWER} (who wrote the brief)" in c and "lee (who ran propose)" in c for c in captions), captions
    assert any(f"You ({REVIEWER}) are one of this changeset's authors" in c for c in captions)

    monkeypatch.setenv("COPYDESK_ACTOR", "sam")
    st.cache_resource.clear()
    other = no_traceback(page("queue_page", changeset=str(changeset)))
    other.button(key="approve").click().run()
    assert changesets.get(workspace.store, changeset).status == "approved"
