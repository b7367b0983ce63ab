"""Settling what cannot be written as it is, against the sandbox over HTTP: a conflicted
changeset re-proposed on the current text, rewritten by a reviewer against the tool's text or
rejected; a reverted one applied again."""

from __future__ import annotations

import pytest

from connectors.errors import Conflict, ConfigError, CopydeskError, Forbidden, NotFound, StateError
from staging import changesets
from staging.apply import apply, revert
from staging.changesets import ProposedEdit
from staging.pull import pull
from staging.rebase import apply_again, drafts, merge_words, repropose, restage, successor


def test_merge_carries_an_edit_over_changes_to_other_words():
    base = "Our chatbot answers tickets in minutes."
    assert merge_words(base, "Our AI support engineer answers tickets in minutes.",
                       "Our chatbot answers tickets in seconds.") == "Our AI support engineer answers tickets in seconds."
    assert merge_words(base, "Our assistant answers tickets in minutes.", "Our bot answers tickets in minutes.") is None


@pytest.fixture
def conflicted(store, sandbox):
    """An approved two-edit changeset on "Product overview" whose apply met outside edits."""
    connector = sandbox.connector()
    pull(store, connector)
    tracked = store.find_documents(title="Product overview")[0]
    doc = store.load(changesets.revision_of(store, tracked.head_revision_id))
    first, second = [b for b in doc.blocks if b.kind == "paragraph" and b.editable and len(b.text.split()) > 6][:2]
    changeset = changesets.stage(store, tracked, [
        ProposedEdit(first.id, "Now: " + first.text, reason="lead"),
        ProposedEdit(second.id, "Now: " + second.text)], actor="agent", brief_id=None)
    changesets.approve(store, changeset.id, actor="r")
    return store, connector, changeset, first, second


def test_repropose_merges_what_it_can_and_supersedes(conflicted, sandbox):
    store, connector, changeset, first, second = conflicted
    last = first.text.rstrip(".").split()[-1]
    sandbox.post("edit", {"id": first.id, "find": last, "replace": last + " (updated)"})
    sandbox.post("edit", {"id": second.id, "find": second.text.split()[0], "replace": "Lately"})
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="r")
    result = repropose(store, connector, changeset.id, actor="r")
    assert changesets.get(store, changeset.id).status == "superseded"
    rows = changesets.edits(store, result.changeset.id)
    assert [r.block_id for r in rows] == [first.id]
    assert rows[0].after.startswith("Now: ") and "(updated)" in rows[0].after and rows[0].reason == "lead"
    assert "same words" in result.left_out[second.id]
    assert result.changeset.base_revision_id == store.document(changeset.document_id).head_revision_id
    assert store.events(1, subject=changesets.subject(changeset.id))[0].details["by"] == result.changeset.id


def test_repropose_refuses_what_is_not_in_conflict_and_what_cannot_merge(conflicted, sandbox):
    store, connector, changeset, first, second = conflicted
    with pytest.raises(StateError, match="only a changeset in conflict"):
        repropose(store, connector, changeset.id, actor="r")
    for block in (first, second):
        sandbox.post("edit", {"id": block.id, "find": block.text.split()[0], "replace": "Lately"})
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="r")
    with pytest.raises(ConfigError, match="Nothing of changeset"):
        repropose(store, connector, changeset.id, actor="r")
    assert changesets.get(store, changeset.id).status == "conflict"


def test_whoever_re_proposes_the_writers_of_the_carried_text_still_cannot_approve_it(store, sandbox):
    """mallory stages, priya rewrites, sam approves; the apply meets an outside edit and kim
    re-proposes: the new changeset holds mallory's and priya's words, so neither approves it."""
    connector = sandbox.connector()
    pull(store, connector)
    tracked = store.find_documents(title="Product overview")[0]
    doc = store.load(changesets.revision_of(store, tracked.head_revision_id))
    block = next(b for b in doc.blocks if b.kind == "paragraph" and b.editable and len(b.text.split()) > 6)
    changeset = changesets.stage(store, tracked, [ProposedEdit(block.id, "Now: " + block.text)], actor="mallory")
    changesets.rewrite(store, changeset.id, actor="priya", changes={block.id: "Lately: " + block.text})
    changesets.approve(store, changeset.id, actor="sam")
    last = block.text.rstrip(".").split()[-1]
    sandbox.post("edit", {"id": block.id, "find": last, "replace": last + " (updated)"})
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="sam")
    new = repropose(store, connector, changeset.id, actor="kim").changeset
    for writer in ("mallory", "priya", "kim"):
        with pytest.raises(Forbidden):
            changesets.approve(store, new.id, actor=writer)
    assert changesets.approve(store, new.id, actor="sam").status == "approved"


def _conflict_on_the_same_words(store, connector, sandbox, changeset, first, second):
    """The first block changed elsewhere (the edit still fits), the second on the edited words."""
    last = first.text.rstrip(".").split()[-1]
    sandbox.post("edit", {"id": first.id, "find": last, "replace": last + " (updated)"})
    sandbox.post("edit", {"id": second.id, "find": second.text.split()[0], "replace": "Lately"})
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="r")


def test_a_conflict_is_settled_with_the_reviewers_text_against_the_tools(conflicted, sandbox):
    store, connector, changeset, first, second = conflicted
    _conflict_on_the_same_words(store, connector, sandbox, changeset, first, second)
    found = {d.block_id: d for d in drafts(store, changeset.id)}
    assert found[first.id].merged and found[first.id].text.startswith("Now: ") and "(updated)" in found[first.id].text
    assert not found[second.id].merged and found[second.id].text == found[second.id].now
    assert found[second.id].now.startswith("Lately")

    kims = found[second.id].now.replace("Lately", "These days", 1)
    result = restage(store, connector, changeset.id, actor="kim", texts={second.id[:8]: kims})
    new = result.changeset
    assert changesets.get(store, changeset.id).status == "superseded" and successor(store, changeset.id) == new.id
    assert new.status == "proposed" and new.proposed_by == "kim"
    assert new.base_revision_id == store.document(changeset.document_id).head_revision_id
    rows = {r.block_id: r for r in changesets.edits(store, new.id)}
    assert rows[first.id].after == found[first.id].text and rows[second.id].after == kims
    assert rows[second.id].before.startswith("Lately") and rows[second.id].revised_by == "kim"
    for author in ("kim", "agent"):  # the reviewer wrote it, the agent proposed what it carries
        with pytest.raises(Forbidden):
            changesets.approve(store, new.id, actor=author)
    assert changesets.approve(store, new.id, actor="r").status == "approved"
    assert apply(store, connector, new.id, actor="r").changeset.status == "applied"


def test_a_block_changed_again_while_the_reviewer_wrote_is_refused_and_shown(conflicted, sandbox):
    store, connector, changeset, first, second = conflicted
    _conflict_on_the_same_words(store, connector, sandbox, changeset, first, second)
    sandbox.post("edit", {"id": second.id, "find": "Lately", "replace": "Recently"})
    with pytest.raises(Conflict, match="again"):
        restage(store, connector, changeset.id, actor="kim", texts={second.id: "Kim's own sentence."})
    again = changesets.get(store, changeset.id)
    assert again.status == "conflict" and again.conflicts[second.id].startswith("Recently")
    assert {d.block_id: d.now for d in drafts(store, changeset.id)}[second.id].startswith("Recently")


def test_a_text_that_changes_nothing_is_refused(conflicted, sandbox):
    store, connector, changeset, first, second = conflicted
    for block in (first, second):
        sandbox.post("edit", {"id": block.id, "find": block.text.split()[0], "replace": "Lately"})
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="r")
    now = {d.block_id: d.now for d in drafts(store, changeset.id)}
    with pytest.raises(ConfigError, match="changes nothing"):
        restage(store, connector, changeset.id, actor="kim", texts=now)
    with pytest.raises(NotFound, match="not the blocks in conflict"):
        restage(store, connector, changeset.id, actor="kim", texts={"nosuchblock": "x"})
    assert changesets.get(store, changeset.id).status == "conflict"


def test_a_reverted_changeset_is_applied_again_as_a_new_proposal(conflicted):
    store, connector, changeset, first, second = conflicted
    with pytest.raises(StateError, match="only a changeset in reverted"):
        apply_again(store, connector, changeset.id, actor="kim")
    apply(store, connector, changeset.id, actor="r")
    revert(store, connector, changeset.id, actor="r")
    result = apply_again(store, connector, changeset.id, actor="kim")
    new = result.changeset
    assert changesets.get(store, changeset.id).status == "reverted" and successor(store, changeset.id) == new.id
    assert [(r.block_id, r.after, r.proposed_by) for r in changesets.edits(store, new.id)] == [
        (first.id, "Now: " + first.text, "kim"), (second.id, "Now: " + second.text, "kim")]
    assert new.base_revision_id == store.document(changeset.document_id).head_revision_id
    with pytest.raises(Forbidden):
        changesets.approve(store, new.id, actor="kim")
    changesets.approve(store, new.id, actor="r")
    assert apply(store, connector, new.id, actor="r").changeset.status == "applied"


def test_conflicted_and_failed_changesets_can_be_rejected(conflicted, sandbox):
    store, connector, changeset, first, second = conflicted
    _conflict_on_the_same_words(store, connector, sandbox, changeset, first, second)
    assert changesets.reject(store, changeset.id, actor="kim", reason="moot").status == "rejected"
    with pytest.raises(CopydeskError, match="only a proposed, approved, conflict or failed"):
        changesets.reject(store, changeset.id, actor="kim")
