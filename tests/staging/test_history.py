"""A document's timeline: pulls, applies and reverts, and who made them."""

from __future__ import annotations

from staging import changesets
from staging.apply import apply, revert
from staging.changesets import ProposedEdit
from staging.history import timeline
from staging.pull import pull


def test_the_timeline_names_who_applied_and_reverted(store, sandbox):
    connector = sandbox.connector()
    pull(store, connector)
    tracked = store.find_documents(title="Product overview")[0]
    block = next(b for b in store.load(changesets.revision_of(store, tracked.head_revision_id)).blocks
                 if b.kind == "paragraph" and b.editable)
    changeset = changesets.stage(store, tracked, [ProposedEdit(block.id, block.text + " Really.")], actor="agent",
                                 title="Add a word")
    changesets.approve(store, changeset.id, actor="priya")
    apply(store, connector, changeset.id, actor="priya")
    revert(store, connector, changeset.id, actor="sam")
    entries = timeline(store, tracked.id)
    assert [(e.origin, e.actor, e.changeset_id) for e in entries] == [
        ("revert", "sam", changeset.id), ("apply", "priya", changeset.id), ("pull", "full pull", None)]
    assert entries[0].changeset_title == "Add a word"
    assert entries[0].at >= entries[1].at >= entries[2].at
