"""Settling what cannot be written as it is, on every tool's sandbox over HTTP: a conflicted
changeset re-proposed on the current text, rewritten by a reviewer against the tool's text or
rejected; a reverted one applied again."""

from __future__ import annotations

import pytest

from connectors.errors import ConfigError, Conflict, CopydeskError, Forbidden, NotFound, StateError
from staging import block_ids, changesets
from staging.apply import apply, remote_ref, revert
from staging.changesets import ProposedEdit
from staging.pull import pull
from staging.rebase import apply_again, drafts, merge_words, repropose, restage, successor


def test_merge_carries_an_edit_over_changes_to_other_words():
    base = "Our chatbot answers tickets in minutes."
    assert merge_words(base, "Our AI support engineer answers tickets in minutes.",
                       "Our chatbot answers tickets in seconds.") == "Our AI support engineer answers tickets in seconds."
    assert merge_words(base, "Our assistant answers tickets in minutes.", "Our bot answers tickets in minutes.") is None


class Outside:
    """Edits of the tracked document made in the tool, behind copydesk's back."""

    def __init__(self, tool, ref) -> None:
        self.tool, self.ref = tool, ref

    def edit(self, block_id: str, find: str, replace: str) -> None:
        self.tool.edit(self.ref, block_id, find, replace)


def _tracked(store, tool):
    """The tool's seeded document with formatted text, pulled; its editable paragraphs."""
    connector = tool.connector()
    pull(store, connector)
    tracked = store.find_documents(title=tool.document)[0]
    doc = store.load(changesets.revision_of(store, tracked.head_revision_id))
    paragraphs = [b for b in doc.blocks if b.kind == "paragraph" and b.editable and len(b.text.split()) > 6]
    return connector, tracked, paragraphs, Outside(tool, remote_ref(tracked))


@pytest.fixture
def conflicted(store, tool):
    """An approved two-edit changeset on the tool's document, and a way to edit it outside."""
    connector, tracked, paragraphs, outside = _tracked(store, tool)
    first, second = paragraphs[:2]
    changeset = changesets.stage(store, tracked, [
        ProposedEdit(first.id, "Now: " + first.text, reason="lead"),
        ProposedEdit(second.id, "Now: " + second.text)], actor="agent", brief_id=None)
    changesets.approve(store, changeset.id, actor="r")
    yield store, connector, changeset, first, second, outside
    connector.close()


def test_repropose_merges_what_it_can_and_supersedes(conflicted):
    store, connector, changeset, first, second, outside = conflicted
    last = first.text.rstrip(".").split()[-1]
    outside.edit(first.id, last, last + " (updated)")
    outside.edit(second.id, second.text.split()[0], "Lately")
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


def test_repropose_refuses_what_is_not_in_conflict_and_what_cannot_merge(conflicted):
    store, connector, changeset, first, second, outside = conflicted
    with pytest.raises(StateError, match="only a changeset in conflict"):
        repropose(store, connector, changeset.id, actor="r")
    for block in (first, second):
        outside.edit(block.id, block.text.split()[0], "Lately")
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="r")
    with pytest.raises(ConfigError, match="Nothing of changeset"):
        repropose(store, connector, changeset.id, actor="r")
    assert changesets.get(store, changeset.id).status == "conflict"


def test_whoever_re_proposes_the_writers_of_the_carried_text_still_cannot_approve_it(store, tool):
    """mallory stages, priya rewrites, sam approves; the apply meets an outside edit and kim
    re-proposes: the new changeset holds mallory's and priya's words, so neither approves it."""
    connector, tracked, paragraphs, outside = _tracked(store, tool)
    block = paragraphs[0]
    changeset = changesets.stage(store, tracked, [ProposedEdit(block.id, "Now: " + block.text)], actor="mallory")
    changesets.rewrite(store, changeset.id, actor="priya", changes={block.id: "Lately: " + block.text})
    changesets.approve(store, changeset.id, actor="sam")
    last = block.text.rstrip(".").split()[-1]
    outside.edit(block.id, last, last + " (updated)")
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="sam")
    new = repropose(store, connector, changeset.id, actor="kim").changeset
    for writer in ("mallory", "priya", "kim"):
        with pytest.raises(Forbidden):
            changesets.approve(store, new.id, actor=writer)
    assert changesets.approve(store, new.id, actor="sam").status == "approved"


def _conflict_on_the_same_words(store, connector, changeset, first, second, outside):
    """The first block changed elsewhere (the edit still fits), the second on the edited words."""
    last = first.text.rstrip(".").split()[-1]
    outside.edit(first.id, last, last + " (updated)")
    outside.edit(second.id, second.text.split()[0], "Lately")
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="r")


def test_a_conflict_is_settled_with_the_reviewers_text_against_the_tools(conflicted):
    store, connector, changeset, first, second, outside = conflicted
    _conflict_on_the_same_words(*conflicted)
    found = {d.block_id: d for d in drafts(store, changeset.id)}
    assert found[first.id].merged and found[first.id].text.startswith("Now: ") and "(updated)" in found[first.id].text
    assert not found[second.id].merged and found[second.id].text == found[second.id].now
    assert found[second.id].now.startswith("Lately")

    kims = found[second.id].now.replace("Lately", "These days", 1)
    shown = block_ids.short_id(second.id, [r.block_id for r in changesets.edits(store, changeset.id)])
    result = restage(store, connector, changeset.id, actor="kim", texts={shown: kims})
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


def test_a_block_changed_again_while_the_reviewer_wrote_is_refused_and_shown(conflicted):
    store, connector, changeset, first, second, outside = conflicted
    _conflict_on_the_same_words(*conflicted)
    outside.edit(second.id, "Lately", "Recently")
    with pytest.raises(Conflict, match="again"):
        restage(store, connector, changeset.id, actor="kim", texts={second.id: "Kim's own sentence."})
    again = changesets.get(store, changeset.id)
    assert again.status == "conflict" and again.conflicts[second.id].startswith("Recently")
    assert {d.block_id: d.now for d in drafts(store, changeset.id)}[second.id].startswith("Recently")


def test_a_text_that_changes_nothing_is_refused(conflicted):
    store, connector, changeset, first, second, outside = conflicted
    for block in (first, second):
        outside.edit(block.id, block.text.split()[0], "Lately")
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="r")
    now = {d.block_id: d.now for d in drafts(store, changeset.id)}
    with pytest.raises(ConfigError, match="changes nothing"):
        restage(store, connector, changeset.id, actor="kim", texts=now)
    with pytest.raises(NotFound, match="not the blocks in conflict"):
        restage(store, connector, changeset.id, actor="kim", texts={"nosuchblock": "x"})
    assert changesets.get(store, changeset.id).status == "conflict"


def test_a_reverted_changeset_is_applied_again_as_a_new_proposal(conflicted):
    store, connector, changeset, first, second, _ = conflicted
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


def test_conflicted_and_failed_changesets_can_be_rejected(conflicted):
    store, connector, changeset, first, second, outside = conflicted
    _conflict_on_the_same_words(*conflicted)
    assert changesets.reject(store, changeset.id, actor="kim", reason="moot").status == "rejected"
    with pytest.raises(CopydeskError, match="only a proposed, approved, conflict or failed"):
        changesets.reject(store, changeset.id, actor="kim")
