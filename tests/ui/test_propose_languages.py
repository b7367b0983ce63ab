"""`copydesk propose` of the sample brief on a fresh sandbox directory: the French Webflow
page is flagged for a person, never pasted over with the brief's English."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from staging import changesets
from staging.config import load_settings
from staging.models import AgentRun
from staging.store import Store
from tests.ui.browsing import changeset_id, copydesk


def test_the_french_page_gets_translate_flags_not_english_words(proposed: Path):
    shown = json.loads(copydesk(proposed, "changeset", "show", str(changeset_id(proposed, "Tarifs [fr-FR]")), "--json"))
    french = [e for e in shown["edits"] if "chatbot" in e["before"].lower()]

    assert french, "the French pricing page's chatbot lines are proposed on"
    for edit in french:
        assert edit["after"] == edit["before"], f"English pasted into French: {edit['after']!r}"
        assert "This page is in French and the brief in English" in edit["reason"]


def test_english_pages_are_still_rewritten_and_modifiers_are_flagged(proposed: Path):
    store = Store(load_settings(proposed / "copydesk.toml").store_url)
    try:
        edits = [e for c in changesets.listing(store) for e in changesets.edits(store, c.id)]
        with store.session() as session:
            run_flags = {f["kind"] for run in session.exec(select(AgentRun)) for f in run.flagged}
    finally:
        store.close()
    rewritten = [e.after for e in edits if e.after != e.before]

    assert any("AI support engineer" in after for after in rewritten)
    assert not any("AI support engineer project" in after or "le AI support" in after.lower() for after in rewritten)
    [modifier] = [e for e in edits if "six-month chatbot project" in e.before]
    assert modifier.after == modifier.before and modifier.flag.startswith("term used as a modifier: chatbot")
    assert {"claim", "translate", "modifier"} <= run_flags, "the run's report counts each kind"
