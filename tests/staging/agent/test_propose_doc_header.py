"""The sample brief reaches a Google Doc's header: the seed one-pager's header carries the old
tagline, the rules engine stages an edit there, and apply → revert leaves the document exactly
as it was (runs, styles and indexes). Real pull, propose, apply and revert against the sandbox."""

from __future__ import annotations

from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.apply import apply, revert
from staging.pull import pull
from tests.conftest import REPO

SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"
ONE_PAGER = "1amzOtvyoGlOcS84YPosVnZC17rI90DNOTHR8C7dB3HC"


def test_the_sample_brief_edits_the_header_and_apply_then_revert_is_exact(store, gdocs):
    connector = gdocs.connector()
    pull(store, connector)
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    run = propose(store, brief, actor="priya")

    tracked = next(d for d in store.documents("gdocs") if d.remote_id == ONE_PAGER)
    [changeset] = [changesets.get(store, i) for i in run.staged
                   if changesets.get(store, i).document_id == tracked.id]
    rows = changesets.edits(store, changeset.id)
    [header] = [r for r in rows if r.block_id.startswith("header:")]
    assert header.before == "HelpHive — the chatbot for your docs"
    assert header.after == "HelpHive — the AI support engineer for your team"
    [footnote] = [r for r in rows if r.block_id.startswith("footnote:")]  # flagged for a person's rewrite
    assert "cuts support tickets by 40%" in footnote.flag and footnote.before.startswith(" Median of 212")

    before = gdocs.document(ONE_PAGER)
    dismissed = {r.block_id: "the claim is still true here" for r in rows if changesets.unresolved(r)}
    changesets.approve(store, changeset.id, actor="reviewer", dismissed=dismissed)
    assert apply(store, connector, changeset.id, actor="reviewer").changeset.status == "applied"
    applied = gdocs.document(ONE_PAGER)
    [written] = applied["headers"].values()
    assert written["content"][0]["paragraph"]["elements"][0]["textRun"]["content"] == (
        "HelpHive — the AI support engineer for your team\n")

    assert revert(store, connector, changeset.id, actor="reviewer").changeset.status == "reverted"
    assert gdocs.document(ONE_PAGER) == before
