"""From the sample brief to staged changesets on the sandbox workspace (rules engine)."""

from __future__ import annotations

import re

import pytest

from connectors.errors import ConfigError
from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import candidates, propose
from staging.agent.rules import RulesEngine
from staging.apply import apply
from staging.pull import pull
from tests.conftest import REPO

SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


@pytest.fixture
def pulled(store, sandbox):
    connector = sandbox.connector()
    pull(store, connector)
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    return store, brief, connector


def test_propose_stages_one_changeset_per_in_scope_document_and_records_the_run(pulled):
    store, brief, _ = pulled
    run = propose(store, brief, actor="priya")

    assert run.id is not None and run.staged
    staged = [changesets.get(store, i) for i in run.staged]
    assert len({c.document_id for c in staged}) == len(staged), "one changeset per document"
    titles = {store.document(c.document_id).title for c in staged}
    assert not {t for t in titles if t == "Changelog" or t.startswith("Legal:") or t.startswith("Meeting notes")}
    assert {s["title"] for s in run.skipped} >= {"Changelog", "Legal: Terms of Service"}
    for changeset in staged:
        assert (changeset.brief_id, changeset.agent_run_id, changeset.status) == (brief.id, run.id, "proposed")
        for edit in changesets.edits(store, changeset.id):
            held = {f["claim"] for f in run.flagged if f["block"] == edit.block_id and f["kind"] != "claim"}
            if edit.flag and edit.after == edit.before:
                claims = set(edit.flag.split("; ")) - held
                assert claims <= brief_claims(brief)
                assert edit.reason.startswith("retired claim:") if claims else "by hand" in edit.reason
                continue
            unquoted = re.sub(r"“[^”]*”|\"[^\"]*\"", "", edit.after)
            assert edit.after != edit.before and "chatbot for your docs" not in unquoted.lower()
            assert edit.reason.startswith("brief terms:")
            assert not edit.flag or "still makes the retired claim" in edit.reason or "Still to do" in edit.reason
    assert any(f["claim"] == "Setup in 5 minutes" for f in run.flagged)
    assert 0 < run.candidate_blocks < run.corpus_blocks and 0 < run.candidate_tokens < run.corpus_tokens
    assert (run.tokens_in, run.tokens_out, run.cost_usd) == (0, 0, 0.0), "the rules engine calls no model"


class CountingEngine(RulesEngine):
    """The rules engine, counting the documents it is asked about (as a model would be billed)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def answer(self, doc, passages, brief):  # type: ignore[no-untyped-def]
        self.asked.append(doc.ref.title)
        return super().answer(doc, passages, brief)


def test_a_rerun_files_no_duplicates_of_open_changesets_and_asks_the_engine_nothing(pulled):
    store, brief, _ = pulled
    first = propose(store, brief, actor="priya")
    engine = CountingEngine()
    again = propose(store, brief, actor="priya", engine=engine)
    assert again.staged == [] and engine.asked == []
    assert sum("is open and the page has not changed since" in s["reason"] for s in again.skipped) == len(first.staged)


def test_a_proposal_on_an_older_text_is_superseded_and_an_approved_one_left_alone(pulled, sandbox):
    store, brief, connector = pulled
    first = propose(store, brief, actor="priya")
    proposed_id, approved_id = first.staged[:2]
    changesets.approve(store, approved_id, actor="reviewer", dismissed=still_true(store, approved_id))
    for changeset_id in (proposed_id, approved_id):
        ref = connector_ref(store, changeset_id)
        sandbox.post("edit", {"id": ref.remote_id, "find": " ", "replace": "  "})  # an edit elsewhere on the page
    pull(store, connector)
    engine = CountingEngine()
    again = propose(store, brief, actor="priya", engine=engine)

    assert changesets.get(store, proposed_id).status == "superseded"
    [new_id] = again.staged
    assert changesets.get(store, new_id).document_id == changesets.get(store, proposed_id).document_id
    assert f"Supersedes changeset {proposed_id}" in changesets.get(store, new_id).rationale
    assert changesets.get(store, approved_id).status == "approved"
    assert engine.asked == [store.document(changesets.get(store, proposed_id).document_id).title]


def test_a_dry_run_stages_and_records_nothing(pulled):
    store, brief, _ = pulled
    run = propose(store, brief, actor="priya", dry_run=True)
    assert run.id is None and run.staged == [] and changesets.listing(store) == []
    assert any(s["reason"].startswith("dry run:") for s in run.skipped)


def test_proposed_changesets_apply_like_hand_made_ones(pulled):
    store, brief, connector = pulled
    run = propose(store, brief, actor="priya")
    changeset_id = run.staged[0]
    changesets.approve(store, changeset_id, actor="reviewer", dismissed=still_true(store, changeset_id))
    assert apply(store, connector, changeset_id, actor="reviewer").changeset.status == "applied"


def brief_claims(brief) -> set[str]:
    return set(briefs.compiled(brief).retired_claims)


def test_retired_claims_become_flagged_edits_a_person_rewrites(pulled):
    store, brief, connector = pulled
    run = propose(store, brief, actor="priya")
    flagged = {f["document"] for f in run.flagged}
    staged = {changesets.get(store, i).document_id: i for i in run.staged}
    assert flagged and flagged & set(staged) == flagged, "every page with a retired claim gets a changeset"
    only_flags = next(i for i in run.staged if all(e.after == e.before for e in changesets.edits(store, i))
                      and "setup in 5 minutes" in changesets.edits(store, i)[0].before.lower())
    with pytest.raises(ConfigError, match="unresolved flag"):
        changesets.approve(store, only_flags, actor="reviewer")
    row = changesets.edits(store, only_flags)[0]
    rewrite = row.before.replace("Setup in 5 minutes", "Live in an afternoon").replace(
        "setup in 5 minutes", "live in an afternoon")
    assert rewrite != row.before
    changesets.rewrite(store, only_flags, actor="reviewer", changes={row.block_id: rewrite})
    # the rewrite's writer cannot approve it; the page's other flags are dismissed
    changesets.approve(store, only_flags, actor="second-reviewer", dismissed=still_true(store, only_flags))
    assert apply(store, connector, only_flags, actor="reviewer").changeset.status == "applied"
    assert connector.fetch(connector_ref(store, only_flags)).block(row.block_id).text == rewrite


def test_flags_must_be_settled_and_a_dismissed_flag_writes_nothing(pulled):
    store, brief, connector = pulled
    run = propose(store, brief, actor="priya")
    mixed = next(i for i in run.staged if {e.after == e.before for e in changesets.edits(store, i)} == {True, False})
    rows = changesets.edits(store, mixed)
    with pytest.raises(ConfigError, match="unresolved flag") as refused:
        changesets.approve(store, mixed, actor="reviewer")
    flagged = [r for r in rows if r.flag]
    assert all(r.block_id[:8] in str(refused.value) for r in flagged)
    assert changesets.get(store, mixed).status == "proposed"
    changesets.approve(store, mixed, actor="reviewer",
                       dismissed={r.block_id: "the claim is still true here" for r in flagged})
    outcome = apply(store, connector, mixed, actor="reviewer")
    assert outcome.changeset.status == "applied"
    remote = connector.fetch(connector_ref(store, mixed))
    for edit in changesets.edits(store, mixed):
        assert remote.block(edit.block_id).text == edit.after
        assert edit.flag_dismissed == ("the claim is still true here" if edit.flag else "")


def still_true(store, changeset_id) -> dict[str, str]:
    """A reviewer's dismissal of every flag nobody settled yet."""
    return {r.block_id: "the claim is still true here" for r in changesets.edits(store, changeset_id)
            if changesets.unresolved(r)}


def connector_ref(store, changeset_id):
    from connectors.document import DocumentRef
    tracked = store.document(changesets.get(store, changeset_id).document_id)
    return DocumentRef(source=tracked.source, remote_id=tracked.remote_id, kind=tracked.kind, title=tracked.title)


def test_an_unknown_engine_is_refused(tmp_path):
    from staging.config import Settings
    with pytest.raises(ConfigError, match="Unknown engine"):
        Settings(home=tmp_path).engine("gpt")


def test_the_claude_engine_needs_a_key_from_the_environment(tmp_path, monkeypatch):
    from staging.config import Settings
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="export ANTHROPIC_API_KEY"):
        Settings(home=tmp_path).engine("claude")


def test_quotes_are_not_candidates_when_the_scope_skips_them(pulled):
    store, brief, _ = pulled
    compiled = briefs.compiled(brief)
    assert compiled.scope.skip_quotes
    assert not [p for w in candidates(store, compiled).work for p in w.passages if p.kind == "quote"]
    compiled.scope.skip_quotes = False
    assert [p for w in candidates(store, compiled).work for p in w.passages if p.kind == "quote"]
