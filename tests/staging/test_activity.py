"""The audit log as the Activity page reads it: filtered, paged, joined with briefs and runs."""

from __future__ import annotations

from staging import activity, changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.pull import pull
from tests.conftest import REPO


def test_events_carry_their_document_brief_and_engine_and_filter(store, sandbox):
    pull(store, sandbox.connector(), actor="scheduler")
    brief, _ = briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"),
                          source="brief.md", actor="lead")
    run = propose(store, brief, actor="rules")
    first = run.staged[0]
    changesets.approve(store, first, actor="priya")

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
