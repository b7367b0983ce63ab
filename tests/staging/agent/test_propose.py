"""From the sample brief to staged changesets on the sandbox workspace (rules engine)."""

from __future__ import annotations

import re

import pytest

from connectors.errors import ConfigError
from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
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
            unquoted = re.sub(r"“[^”]*”|\"[^\"]*\"", "", edit.after)
            assert edit.after != edit.before and "chatbot for your docs" not in unquoted.lower()
            assert edit.reason.startswith("brief terms:")
    assert any(f["claim"] == "Setup in 5 minutes" for f in run.flagged)
    assert 0 < run.candidate_blocks < run.corpus_blocks and 0 < run.candidate_tokens < run.corpus_tokens
    assert (run.tokens_in, run.tokens_out, run.cost_usd) == (0, 0, 0.0), "the rules engine calls no model"


def test_a_rerun_files_no_duplicates_of_open_changesets(pulled):
    store, brief, _ = pulled
    first = propose(store, brief, actor="priya")
    again = propose(store, brief, actor="priya")
    assert again.staged == []
    assert sum("still open" in s["reason"] for s in again.skipped) == len(first.staged)


def test_a_dry_run_stages_and_records_nothing(pulled):
    store, brief, _ = pulled
    run = propose(store, brief, actor="priya", dry_run=True)
    assert run.id is None and run.staged == [] and changesets.listing(store) == []
    assert any(s["reason"].startswith("dry run:") for s in run.skipped)


def test_proposed_changesets_apply_like_hand_made_ones(pulled):
    store, brief, connector = pulled
    run = propose(store, brief, actor="priya")
    changeset_id = run.staged[0]
    changesets.approve(store, changeset_id, actor="reviewer")
    assert apply(store, connector, changeset_id, actor="reviewer").changeset.status == "applied"


def test_an_unknown_engine_is_refused(pulled):
    store, brief, _ = pulled
    with pytest.raises(ConfigError, match="Unknown engine"):
        propose(store, brief, actor="priya", engine="gpt")
