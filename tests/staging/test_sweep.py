"""Sweeps over the Notion sandbox: stale content found and explained, fixes staged once, a
page fixed by hand recognised, and an unchanged workspace costing only its listing."""

from __future__ import annotations

from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.sweep import last, sweep, to_markdown
from tests.conftest import REPO


def _sweep(store, sandbox):
    return sweep(store, {"notion": sandbox.connector()}, actor="scheduler")


def test_a_sweep_finds_explains_and_stages_then_recognises_a_hand_fix(store, sandbox):
    briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"), source="b.md", actor="lead")
    first = _sweep(store, sandbox)
    assert first.stale and first.staged and first.pulls[0]["fetched"] > 20
    assert {row["document"] for row in first.stale} >= {changesets.get(store, i).document_id for i in first.staged}
    reasons = [w for row in first.stale for w in row["why"]]
    assert all(w["matched"] for w in reasons) and any("chatbot" in m.lower() for w in reasons for m in w["matched"])
    assert (first.new_stale, first.fixed) == ([], [])
    report = to_markdown(first, {})
    assert "## Stale content" in report and first.stale[0]["title"] in report

    again = _sweep(store, sandbox)
    assert again.staged == [] and again.resolved == [] and (again.new_stale, again.fixed) == ([], [])
    assert again.pulls[0]["fetched"] == 0

    row = next(r for r in first.stale if len(r["why"]) == 1 and r["why"][0]["text"].lower().count("chatbot") == 1
               and all("chatbot" in m.lower() for m in r["why"][0]["matched"])
               and any(changesets.get(store, i).document_id == r["document"] for i in first.staged))
    block = next(b for b in store.load(changesets.revision_of(store, store.document(row["document"]).head_revision_id))
                 .blocks if b.id == row["why"][0]["block"])
    sandbox.post("edit", {"id": block.id, "find": "chatbot", "replace": "helper"})  # someone fixes it by hand
    third = _sweep(store, sandbox)
    open_one = next(i for i in first.staged if changesets.get(store, i).document_id == row["document"])
    assert open_one in third.resolved and changesets.get(store, open_one).status == "resolved_upstream"
    assert third.fixed == [row["document"]] and third.staged == []
    assert last(store).id == third.id
