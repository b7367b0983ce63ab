"""Re-proposing a conflicted changeset on the current text, against the sandbox over HTTP."""

from __future__ import annotations

import pytest

from connectors.errors import Conflict, ConfigError, Forbidden
from staging import changesets
from staging.apply import apply
from staging.changesets import ProposedEdit
from staging.pull import pull
from staging.rebase import merge_words, repropose


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
    with pytest.raises(ConfigError, match="only a changeset in conflict"):
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
