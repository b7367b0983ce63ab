"""Sweeps over every tool's sandbox: stale content found and explained, fixes staged once, a
document fixed by hand recognised, and an unchanged workspace costing only its listing; the
workspace's scope from config, on Notion's seed."""

from __future__ import annotations

from datetime import UTC

from staging import changesets, literal
from staging.agent import briefs
from staging.agent.brief import Scope, read_brief_file
from staging.apply import remote_ref
from staging.models import AgentRun
from staging.sweep import last, retired, sweep, to_markdown, untouched
from tests.conftest import REPO


def _sweep(store, tool):
    connector = tool.connector()
    try:
        return sweep(store, {tool.tool: connector}, actor="scheduler")
    finally:
        connector.close()


def test_a_sweep_finds_explains_and_stages_then_recognises_a_hand_fix(store, tool):
    briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"), source="b.md", actor="lead")
    first = _sweep(store, tool)
    assert first.stale and first.staged and first.pulls[0]["fetched"] == len(store.find_documents())
    assert {row["document"] for row in first.stale} >= {changesets.get(store, i).document_id for i in first.staged}
    reasons = [w for row in first.stale for w in row["why"]]
    assert all(w["matched"] for w in reasons) and any("chatbot" in m.lower() for w in reasons for m in w["matched"])
    assert (first.new_stale, first.fixed) == ([], [])
    report = to_markdown(first, {})
    assert "## Stale content" in report and literal.markdown(first.stale[0]["title"]) in report

    again = _sweep(store, tool)
    assert again.staged == [] and again.resolved == [] and (again.new_stale, again.fixed) == ([], [])
    assert again.pulls[0]["fetched"] == 0

    row = min((r for r in first.stale if any(changesets.get(store, i).document_id == r["document"] for i in first.staged)
               and tool.edits_alone(remote_ref(store.document(r["document"])))), key=lambda r: len(r["why"]))
    _fix_by_hand(store, tool, row)
    third = _sweep(store, tool)
    open_one = next(i for i in first.staged if changesets.get(store, i).document_id == row["document"])
    assert open_one in third.resolved and changesets.get(store, open_one).status == "resolved_upstream"
    assert third.fixed == [row["document"]] and third.staged == []
    assert last(store).id == third.id


# What a colleague writes instead of each retired wording of the brief (fixtures/briefs).
HAND_FIXES = {"chatbot for your docs": "AI support engineer", "chatbot": "assistant",
              "setup in 5 minutes": "quick setup", "cuts support tickets by 40%": "cuts support tickets"}


def _fix_by_hand(store, tool, row) -> None:
    """Someone rewrites every retired wording the sweep found in the row's document, in the tool."""
    tracked = store.document(row["document"])
    doc = store.load(changesets.revision_of(store, tracked.head_revision_id))
    for block_id in {w["block"] for w in row["why"]}:
        text = doc.block(block_id).text
        for retired_words, fixed in HAND_FIXES.items():
            while (at := text.lower().find(retired_words)) >= 0:
                found = text[at:at + len(retired_words)]
                tool.edit(remote_ref(tracked), block_id, found, fixed)
                text = text.replace(found, fixed, 1)


def test_pages_on_the_brief_s_topics_not_edited_since_it_are_listed_to_re_read(store, sandbox):
    """On Notion's seed only: it needs documents on the brief's topics that read none of its
    retired wording, and every such document in the Google Docs and Webflow seeds does."""
    brief, _ = briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"), source="b.md",
                          actor="lead")
    assert briefs.compiled(brief).topics == ["onboarding", "pricing"]
    first = sweep(store, {"notion": sandbox.connector()}, actor="scheduler")
    reread = untouched(first)
    assert reread and {r["document"] for r in reread}.isdisjoint({r["document"] for r in retired(first)})
    for row in reread:
        assert store.document(row["document"]).edited_at.replace(tzinfo=UTC) < brief.added_at
        assert all(any(m.startswith("topic: ") for m in w["matched"]) and "before the brief" in w["matched"][-1]
                   for w in row["why"])
    assert "## Not edited since the brief: re-read" in to_markdown(first, {})

    page = store.document(reread[0]["document"])
    sandbox.post("edit", {"id": page.remote_id, "find": " ", "replace": "  "})  # someone re-reads and touches it
    second = sweep(store, {"notion": sandbox.connector()}, actor="scheduler")
    assert page.id not in {r["document"] for r in untouched(second)} and page.id in second.fixed
    assert second.staged == [], "re-reading needs no changeset"


def test_the_workspace_scope_from_config_is_applied_with_the_brief_s(store, sandbox):
    """On Notion's seed only: the assertions name its pages (Product overview, Archive, Changelog)."""
    briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"), source="b.md", actor="lead")
    house = Scope(skip_archived=False, skip_titles=["Product*"], not_edited_years=2)
    run = sweep(store, {"notion": sandbox.connector()}, actor="scheduler", house=house)
    titles = {r["title"] for r in run.stale} | {changesets.get(store, i).title.split(": ", 1)[-1] for i in run.staged}
    assert "Product overview" not in titles, "skipped by the workspace's title pattern"
    assert "Archive" not in titles, "not edited since 2022: skipped by the workspace's not-edited rule"
    agent_run = store_run(store, run.agent_run_id)
    reasons = {s["title"]: s["reason"] for s in agent_run.skipped}
    assert reasons["Product overview"] == "title matches 'Product*'"
    assert reasons["Changelog"].startswith("title matches"), "the brief's own patterns still apply"

    plain = sweep(store, {"notion": sandbox.connector()}, actor="scheduler")
    assert "Product overview" in {r["title"] for r in retired(plain)}
    staged = next(i for i in plain.staged if changesets.get(store, i).title.endswith(": Product overview"))
    narrowed = sweep(store, {"notion": sandbox.connector()}, actor="scheduler", house=house)
    assert staged not in narrowed.resolved and changesets.get(store, staged).status == "proposed", \
        "out of scope now is not fixed by hand"


def test_a_rejected_proposal_is_not_filed_again_until_the_page_changes(store, tool):
    briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"), source="b.md", actor="lead")
    first = _sweep(store, tool)
    rejected = next(i for i in first.staged
                    if tool.edits_alone(remote_ref(store.document(changesets.get(store, i).document_id))))
    changesets.reject(store, rejected, actor="reviewer", reason="not this quarter")
    again = _sweep(store, tool)
    assert again.staged == [] and store_run(store, again.agent_run_id).tokens_in == 0
    page = store.document(changesets.get(store, rejected).document_id)
    edited = changesets.edits(store, rejected)[0]  # the rejected block changes
    opening = " ".join(edited.before.split()[:3])
    tool.edit(remote_ref(page), edited.block_id, opening, f"{opening} now")
    third = _sweep(store, tool)
    assert [changesets.get(store, i).document_id for i in third.staged] == [page.id]


def store_run(store, run_id):
    with store.session() as session:
        return session.get(AgentRun, run_id)
