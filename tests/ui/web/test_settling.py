"""Every state of an opened changeset has its next action in the app, and writes are
confirmed first: a conflict settled by the reviewer's text or rejected, a failed apply
retried, a reverted changeset applied again, a superseded one linked to its successor."""

from __future__ import annotations

import pytest
import streamlit as st

from staging import changesets, lifecycle
from staging.diff import diff_words
from staging.lifecycle import Action, Status
from tests.ui.web.conftest import REVIEWER, approve_settled, no_traceback, page, texts

PAGE = "Product overview"


def _html(app) -> str:
    return "".join(str(element.proto) for element in app.get("html"))


def _protos(node) -> list[str]:
    """Every container's and element's message in the page tree, as text."""
    found = [str(node.proto)] if getattr(node, "proto", None) is not None else []
    for child in getattr(node, "children", {}).values():
        found.extend(_protos(child))
    return found


def _conflict_on_the_edited_words(proposed):
    """PAGE's changeset approved, then a colleague changes in the tool the very words it edits."""
    changeset = proposed.changeset_for(PAGE)
    row = changesets.edits(proposed.store, changeset.id)[0]
    edited = next(op.text for op in diff_words(row.before, row.after) if op.kind == "delete").strip()
    proposed.sandbox.post("edit", {"id": row.block_id, "find": edited, "replace": "assistant"})
    approve_settled(proposed.store, changeset.id)
    app = page("queue_page", changeset=str(changeset.id))
    app.button(key="apply").click().run()
    app.button(key="confirm-apply").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "conflict"
    return app, changeset, row


def test_a_conflict_on_the_same_words_is_settled_with_the_reviewers_text(proposed, monkeypatch):
    app, changeset, row = _conflict_on_the_edited_words(proposed)
    box = app.text_area(key=f"conflict-text-{changeset.id}-{row.block_id}")
    assert "assistant" in box.value, "the editor starts from the tool's text"
    assert app.button(key="reject") and app.button(key="repropose")
    mine = box.value.replace("assistant", "AI teammate")
    box.set_value(mine).run()
    assert "AI teammate" in _html(app) and "<ins>" in _html(app), "the diff against the tool's text follows the box"
    assert changesets.get(proposed.store, changeset.id).status == "conflict", "typing writes nothing"
    app.button(key="submit-conflict-edit").click().run()
    no_traceback(app)
    assert changesets.get(proposed.store, changeset.id).status == "superseded"
    new_id = int(app.query_params["changeset"][0] if isinstance(app.query_params["changeset"], list)
                 else app.query_params["changeset"])
    new = changesets.get(proposed.store, new_id)
    assert new.status == "proposed" and new.proposed_by == REVIEWER
    assert {r.block_id: r.after for r in changesets.edits(proposed.store, new_id)}[row.block_id] == mine
    assert app.button(key="approve").disabled, "the reviewer wrote it: someone else approves"
    monkeypatch.setenv("COPYDESK_ACTOR", "sam")
    st.cache_resource.clear()
    other = page("queue_page", changeset=str(changeset.id))
    assert any(f"#{new_id}" in i for i in texts(other, "info"))
    other.button(key="open-successor").click().run()
    other.button(key="approve").click().run()
    assert changesets.get(proposed.store, new_id).status == "approved"


def test_a_conflict_can_be_rejected_with_a_reason(proposed):
    app, changeset, _ = _conflict_on_the_edited_words(proposed)
    app.text_input(key=f"reject-reason-{changeset.id}").set_value("the tool's wording is better")
    app.button(key="reject").click().run()
    no_traceback(app)
    assert changesets.get(proposed.store, changeset.id).status == "rejected"
    assert any("the tool's wording is better" in i and REVIEWER in i for i in texts(app, "info"))


def test_apply_asks_first_saying_what_is_written_where_and_cancel_writes_nothing(proposed):
    changeset = proposed.changeset_for(PAGE)
    approve_settled(proposed.store, changeset.id)
    original = proposed.remote(changeset)
    count = len(changesets.to_write(proposed.store, changeset.id))
    app = page("queue_page", changeset=str(changeset.id))
    app.button(key="apply").click().run()
    said = " ".join(texts(app, "markdown"))
    assert f"Write {count} edit{'s' if count != 1 else ''} to the Notion page “{PAGE}”" in said
    assert changesets.get(proposed.store, changeset.id).status == "approved"
    app.button(key="cancel-apply").click().run()
    assert not [b for b in app.button if b.key == "confirm-apply"], "Cancel closes the dialog"
    assert proposed.remote(changeset) == original and changesets.get(proposed.store, changeset.id).status == "approved"
    app.button(key="apply").click().run()
    app.button(key="confirm-apply").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "applied"

    app.button(key="revert").click().run()
    assert any(f"Restore the text of {count} block" in m for m in texts(app, "markdown"))
    assert changesets.get(proposed.store, changeset.id).status == "applied"
    styled = _html(app)
    assert "st-key-destructive-" in styled and "#b42318" in styled
    app.button(key="confirm-revert").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "reverted"


def test_a_confirmation_outrun_by_another_reviewer_says_why_nothing_was_written(proposed):
    changeset = proposed.changeset_for(PAGE)
    approve_settled(proposed.store, changeset.id)
    original = proposed.remote(changeset)
    app = page("queue_page", changeset=str(changeset.id))
    app.button(key="apply").click().run()
    lifecycle.transition(proposed.store, changeset.id, Action.APPLY, Status.APPLYING, actor="kim",
                         event="changeset.apply.started", claim="kim's app")  # kim confirmed first
    app.button(key="confirm-apply").click().run()
    assert any(f"Changeset {changeset.id} is being applied right now" in t for t in texts(app, "error")), \
        texts(app, "error")
    assert not [b for b in app.button if b.key == "confirm-apply"]
    assert proposed.remote(changeset) == original


def test_revert_and_reject_are_styled_destructive_and_apply_is_not(proposed):
    changeset = proposed.changeset_for(PAGE)
    approve_settled(proposed.store, changeset.id)
    app = page("queue_page", changeset=str(changeset.id))
    keys = " ".join(_protos(app.main))
    assert "destructive-reject" in keys and "destructive-apply" not in keys


def test_a_failed_apply_is_retried_once_its_cause_is_fixed(proposed):
    changeset = proposed.changeset_for(PAGE)
    approve_settled(proposed.store, changeset.id)
    proposed.sandbox.post("faults", {"status": 400, "code": "validation_error", "match": "PATCH"})
    app = page("queue_page", changeset=str(changeset.id))
    app.button(key="apply").click().run()
    app.button(key="confirm-apply").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "failed"
    assert app.button(key="apply").label == "Retry apply" and app.button(key="reject")
    proposed.sandbox.post("faults", {"clear": True})
    app.button(key="apply").click().run()
    assert any("Retry" in t for t in texts(app, "markdown") + [b.label for b in app.button])
    app.button(key="confirm-apply").click().run()
    no_traceback(app)
    assert changesets.get(proposed.store, changeset.id).status == "applied"


def test_a_reverted_changeset_is_applied_again_as_a_new_proposal(proposed):
    changeset = proposed.changeset_for(PAGE)
    approve_settled(proposed.store, changeset.id)
    app = page("queue_page", changeset=str(changeset.id))
    for operation in ("apply", "revert"):
        app.button(key=operation).click().run()
        app.button(key=f"confirm-{operation}").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "reverted"
    app.button(key="apply-again").click().run()
    no_traceback(app)
    new = changesets.listing(proposed.store, status="proposed")[0]
    assert new.document_id == changeset.document_id and new.proposed_by == REVIEWER
    assert [r.after for r in changesets.edits(proposed.store, new.id)] == [
        r.after for r in changesets.to_write(proposed.store, changeset.id)]
    assert f"#{new.id}" in app.title[0].value
    assert changesets.get(proposed.store, changeset.id).status == "reverted"


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SUPERSEDED])
def test_a_finished_changeset_says_what_became_of_it(proposed, status):
    changeset = proposed.changeset_for(PAGE)
    action = {Status.REJECTED: Action.REJECT, Status.SUPERSEDED: Action.SUPERSEDE}[status]
    lifecycle.transition(proposed.store, changeset.id, action, status, actor="t", event=f"changeset.{status}")
    app = no_traceback(page("queue_page", changeset=str(changeset.id)))
    assert any(status.capitalize() in i for i in texts(app, "info"))


def test_a_revert_that_met_an_outside_edit_says_what_can_be_done(proposed):
    changeset = proposed.changeset_for(PAGE)
    approve_settled(proposed.store, changeset.id)
    row = changesets.to_write(proposed.store, changeset.id)[0]
    app = page("queue_page", changeset=str(changeset.id))
    app.button(key="apply").click().run()
    app.button(key="confirm-apply").click().run()
    last = row.after.rstrip(".").split()[-1]
    proposed.sandbox.post("edit", {"id": row.block_id, "find": last, "replace": last + " today"})
    app.button(key="revert").click().run()
    app.button(key="confirm-revert").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "revert_conflict"
    assert any("Revert again once they read the applied text" in c for c in texts(app, "caption"))
    assert app.button(key="revert") and not app.button(key="revert").disabled
