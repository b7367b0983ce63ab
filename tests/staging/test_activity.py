"""The audit log as the Activity page reads it: filtered, paged, joined with briefs and runs."""

from __future__ import annotations

from staging import activity, changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.pull import pull
from tests.conftest import REPO


def test_events_carry_their_document_brief_and_engine_and_filter(store, notion_pages_in_memory):
    pull(store, notion_pages_in_memory, actor="scheduler")
    brief, _ = briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"),
                          source="brief.md", actor="lead")
    run = propose(store, brief, actor="rules")
    first = run.staged[0]
    flagged = {r.block_id: "the claim is still true here" for r in changesets.edits(store, first)
               if changesets.unresolved(r)}
    changesets.approve(store, first, actor="priya", dismissed=flagged)

    rows, total = activity.page(store, limit=5)
    assert total == len(run.staged) + 3 and len(rows) == 5  # pull, brief, every staging, the approval
    top = rows[0]
    assert (top.actor, top.action, top.subject) == ("priya", "changeset.approved", f"changeset/{first}")
    assert top.engine == "rules" and top.brief == brief.title and top.cost_usd == 0.0
    assert top.document == store.document(changesets.get(store, first).document_id).title

    mine, count = activity.page(store, activity.Filters(actor="priya"))
    assert count == 1 and [r.subject for r in mine] == [f"changeset/{first}"]
    staged, count = activity.page(store, activity.Filters(action="changeset.staged", changeset_id=first))
    assert count == 1 and staged[0].actor == "agent:rules"
    brief_rows, _ = activity.page(store, activity.Filters(action="brief"))
    assert [(r.action, r.brief) for r in brief_rows] == [("brief.added", brief.title)]
    later, _ = activity.page(store, offset=5, limit=5)
    assert later[0].at <= rows[-1].at
    assert activity.actors(store) == sorted({"scheduler", "lead", "agent:rules", "priya"})


def test_events_read_as_sentences_naming_the_tool(store, sandbox):
    from connectors.errors import ManualStep
    from staging.apply import apply
    from staging.changesets import ProposedEdit
    from tests.builders import make_document

    pull(store, sandbox.connector(), actor="pull")
    brief, _ = briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"),
                          source="brief.md", actor="lead")
    doc = store.record(make_document("Setup in 5 minutes.", source="gdocs", remote_id="doc-1", title="Pricing")).document
    staged = changesets.stage(store, doc, [ProposedEdit("b1", "Setup in an afternoon.")], actor="agent:rules")
    changesets.approve(store, staged.id, actor="priya")

    class PasteOnly:
        """A tool whose API cannot write this text: apply hands it to a person."""
        source = "gdocs"
        requests_made = 0

        def apply(self, ref, edits, journal, *, dry_run=False):
            raise ManualStep("Paste it.", steps=[{"block_id": e.block_id, "where": "Pricing", "before": e.before,
                                                  "after": e.after} for e in edits])

    apply(store, PasteOnly(), staged.id, actor="sam")
    rejected = changesets.stage(store, doc, [ProposedEdit("b1", "Setup in a day.")], actor="agent:rules")
    changesets.reject(store, rejected.id, actor="priya", reason="too vague")
    store.log_event("priya", "dismissal.added", f"changeset/{rejected.id}")

    said = [activity.sentence(r) for r in activity.page(store, limit=8)[0]]
    assert said == [
        f"priya: dismissal added (changeset/{rejected.id})",  # an event nobody wrote a sentence for: still words
        f"priya rejected #{rejected.id} (“Pricing” in Google Docs): too vague",
        f"agent:rules proposed #{rejected.id} for “Pricing” in Google Docs",
        f"sam asked to apply #{staged.id}; the Google Docs API cannot write it, so a person pastes the new text in "
        "“Pricing” in Google Docs",
        f"sam started applying #{staged.id} to “Pricing” in Google Docs",
        f"priya approved #{staged.id} (“Pricing” in Google Docs)",
        f"agent:rules proposed #{staged.id} for “Pricing” in Google Docs",
        f"lead added brief #{brief.id} (“{brief.title}”)",
    ]
    [pulled] = activity.page(store, activity.Filters(action="pull"))[0]
    assert activity.sentence(pulled).startswith("Notion pulled: ") and "new" in activity.sentence(pulled)
