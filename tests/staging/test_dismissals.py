"""Flags must be settled, and won't fix is remembered: on the sample brief over the Notion
sandbox's seed pages (rules engine, real SQLite), served from memory: which tool serves them
does not matter here."""

from __future__ import annotations

import pytest

from connectors.errors import ConfigError
from staging import changesets, dismissals
from staging.agent import briefs
from staging.agent.brief import parse_term, read_brief_file
from staging.agent.propose import propose
from staging.apply import apply
from staging.pull import pull
from staging.sweep import retired, summary, sweep
from tests.conftest import REPO

SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


@pytest.fixture
def proposed(store, notion_pages_in_memory):
    tool = notion_pages_in_memory
    pull(store, tool)
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    run = propose(store, brief, actor="priya")
    return store, brief, tool, run


def _with(store, run, test):
    return next(i for i in run.staged if test(changesets.edits(store, i)))


def _mixed(store, run) -> int:
    """A changeset with a term edit and a flag-only edit (a retired claim, the text unchanged)."""
    return _with(store, run, lambda rows: {r.after == r.before for r in rows} == {True, False}
                 and any(r.flag for r in rows))


def test_an_unresolved_flag_refuses_the_approval_naming_the_block_by_its_first_words(proposed):
    store, _, _, run = proposed
    changeset_id = _mixed(store, run)
    flagged = next(r for r in changesets.edits(store, changeset_id) if r.flag and r.after == r.before)
    with pytest.raises(ConfigError) as refused:
        changesets.approve(store, changeset_id, actor="sam")
    message = str(refused.value)
    assert dismissals.first_words(flagged.before) in message and "--dismiss" in message and "--drop" in message
    assert changesets.get(store, changeset_id).status == "proposed"


def test_a_flag_on_an_edit_that_also_changes_a_term_must_be_settled_too(proposed):
    store, _, _, run = proposed
    changeset_id = _with(store, run, lambda rows: any(r.flag and r.after != r.before for r in rows))
    both = next(r for r in changesets.edits(store, changeset_id) if r.flag and r.after != r.before)
    assert changesets.unresolved(both)
    with pytest.raises(ConfigError, match="unresolved flag"):
        changesets.approve(store, changeset_id, actor="sam")


def test_a_dismissal_needs_a_reason_and_a_flag(proposed):
    store, _, _, run = proposed
    changeset_id = _mixed(store, run)
    rows = changesets.edits(store, changeset_id)
    flagged = next(r for r in rows if r.flag)
    plain = next((r for r in rows if not r.flag), None)
    with pytest.raises(ConfigError, match="Say why"):
        changesets.approve(store, changeset_id, actor="sam", dismissed={flagged.block_id: "  "})
    if plain is not None:
        with pytest.raises(ConfigError, match="no flag to dismiss"):
            changesets.approve(store, changeset_id, actor="sam", dismissed={plain.block_id: "fine"})


def test_dismissed_flags_are_recorded_on_the_edit_in_the_audit_trail_and_as_won_t_fix(proposed):
    store, _, _, run = proposed
    changeset_id = _mixed(store, run)
    flagged = {r.block_id: "the claim is still true here" for r in changesets.edits(store, changeset_id) if r.flag}
    assert changesets.approve(store, changeset_id, actor="sam", dismissed=flagged).status == "approved"
    rows = {r.block_id: r for r in changesets.edits(store, changeset_id)}
    for block_id in flagged:
        assert (rows[block_id].flag_dismissed, rows[block_id].flag_dismissed_by) == ("the claim is still true here", "sam")
        assert changesets.settled(rows[block_id]) == "dismissed by sam: the claim is still true here"
    event = store.events(5, subject=changesets.subject(changeset_id))[0]
    assert event.details["flags_dismissed"] == flagged
    recorded = [d for d in dismissals.listing(store) if d.changeset_id == changeset_id]
    assert {d.block_id for d in recorded} == set(flagged)
    assert {d.how for d in recorded} == {dismissals.FLAG_DISMISSED} and all(d.rules for d in recorded)
    assert not any(r.block_id in flagged for r in changesets.to_write(store, changeset_id) if r.after == r.before)


def test_a_changeset_that_would_write_nothing_is_to_be_rejected_not_approved(proposed):
    store, _, _, run = proposed
    changeset_id = _with(store, run, lambda rows: all(r.flag and r.after == r.before for r in rows))
    waived = {r.block_id: "still true" for r in changesets.edits(store, changeset_id)}
    with pytest.raises(ConfigError, match="would write nothing"):
        changesets.approve(store, changeset_id, actor="sam", dismissed=waived)


def test_a_dropped_edit_is_not_staged_again_nor_listed_stale_until_undone(store, notion_pages_in_memory):
    tool = notion_pages_in_memory
    briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    connectors = {"memory": tool}
    first = sweep(store, connectors, actor="scheduler")
    changeset_id = _with(store, first, lambda rows: sum(r.after != r.before for r in rows) > 1)
    rows = changesets.edits(store, changeset_id)
    document_id = changesets.get(store, changeset_id).document_id
    dropped = next(r for r in rows if r.after != r.before and not r.flag)
    waived = {r.block_id: "still true" for r in rows if r.flag}
    changesets.approve(store, changeset_id, actor="sam", dropped=[dropped.block_id], dismissed=waived)
    assert apply(store, tool, changeset_id, actor="sam").changeset.status == "applied"

    second = sweep(store, connectors, actor="scheduler")
    assert not [i for i in second.staged if changesets.get(store, i).document_id == document_id], \
        "the dropped edit does not come back as a new changeset"
    assert document_id not in {row["document"] for row in retired(second)}, "nor is the page listed stale"
    left_alone = {d["block"] for d in second.dismissed if d["document"] == document_id}
    assert left_alone == {dropped.block_id, *waived}
    assert f"{len(second.dismissed)} block(s) dismissed as won't fix" in summary(second)

    dismissal = next(d for d in dismissals.listing(store) if d.block_id == dropped.block_id)
    assert dismissal.how == dismissals.DROPPED and dismissal.text == dropped.before
    dismissals.undo(store, dismissal.id, actor="sam")
    assert dismissal.id not in {d.id for d in dismissals.listing(store)}
    third = sweep(store, connectors, actor="scheduler")
    back = [i for i in third.staged if changesets.get(store, i).document_id == document_id]
    assert [r.block_id for i in back for r in changesets.edits(store, i)] == [dropped.block_id]
    with pytest.raises(ConfigError, match="already undone"):
        dismissals.undo(store, dismissal.id, actor="sam")


def test_a_rejected_proposal_is_dismissed_until_the_brief_changes(proposed):
    store, brief, _, run = proposed
    changeset_id = run.staged[0]
    document_id = changesets.get(store, changeset_id).document_id
    changesets.reject(store, changeset_id, actor="sam", reason="not this quarter")
    recorded = [d for d in dismissals.listing(store) if d.changeset_id == changeset_id]
    assert recorded and {(d.how, d.reason) for d in recorded} == {(dismissals.REJECTED, "not this quarter")}

    again = propose(store, brief, actor="priya", again=True)
    assert document_id not in {changesets.get(store, i).document_id for i in again.staged}
    assert {d["document"] for d in again.dismissed} == {document_id}

    corrected = briefs.compiled(brief).model_copy(update={"terms": [*briefs.compiled(brief).terms,
                                                                     parse_term("widget -> gadget")]})
    briefs.correct(store, brief.id, corrected, actor="lee")
    changed = propose(store, briefs.get(store, brief.id), actor="priya", again=True)
    assert document_id in {changesets.get(store, i).document_id for i in changed.staged}, \
        "a corrected brief judges the page afresh"
