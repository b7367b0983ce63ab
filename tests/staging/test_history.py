"""A document's timeline: pulls, applies and reverts, and who made them."""

from __future__ import annotations

from staging import changesets
from staging.apply import apply, revert
from staging.changesets import ProposedEdit
from staging.history import entries, timeline
from staging.models import Revision
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
        ("revert", "sam", changeset.id), ("apply", "priya", changeset.id), ("pull", "Priya Raman", None)]
    assert [e.summary for e in entries] == [f"reverted #{changeset.id} by sam", f"applied #{changeset.id} by priya",
                                            "first pulled; last edited in Notion by Priya Raman"]
    assert entries[0].changeset_title == "Add a word"
    assert entries[0].at >= entries[1].at >= entries[2].at


def test_a_colleagues_edit_is_named_after_them_not_after_the_pull(store, sandbox):
    pull(store, sandbox.connector())
    tracked = store.find_documents(title="Product overview")[0]
    sandbox.post("edit", {"id": tracked.remote_id, "find": "trust what the bot says", "replace": "rely on every answer"})
    pull(store, sandbox.connector())
    newest = timeline(store, tracked.id)[0]
    assert (newest.origin, newest.actor, newest.summary) == ("pull", "Jordan Lee", "edited in Notion by Jordan Lee")
    assert store.load(store.revision(newest.revision_id)).ref.edited_by == "Jordan Lee"


def test_a_tool_that_does_not_say_is_someone_in_it(store, sandbox):
    pull(store, sandbox.connector())
    tracked = store.find_documents(title="Product overview")[0]
    with store.session() as session:
        revision = session.get(Revision, tracked.head_revision_id)
        revision.edited_by, revision.parent_id = "", "earlier"
        session.add(revision)
        session.commit()
    entry = entries(store, [store.revision(tracked.head_revision_id)])[0]
    assert entry.summary == "edited by someone in Notion"


def test_an_editor_alone_makes_no_new_revision(store, sandbox):
    connector = sandbox.connector()
    pull(store, connector)
    tracked = store.find_documents(title="Product overview")[0]
    doc = store.load(store.revision(tracked.head_revision_id))
    again = store.record(doc.model_copy(update={"ref": doc.ref.model_copy(update={"edited_by": "Someone Else"})}))
    assert again.revision is None
