"""Changes a person pastes by hand: apply leaves them awaiting, the next pull verifies them."""

from __future__ import annotations

import pytest

from connectors.errors import ManualStep
from staging import changesets
from staging.apply import apply, revert
from staging.changesets import ProposedEdit
from staging.manual import verify
from tests.builders import make_document


class HandsOnly:
    """A tool whose API cannot write text (like Webflow's primary-locale pages): every apply
    answers with the steps a person must take."""

    source = "notion"
    requests_made = 0

    def apply(self, ref, edits, journal, *, dry_run=False):
        raise ManualStep("Paste it in the Designer.", steps=[
            {"block_id": e.block_id, "where": "Home (English)", "before": e.before, "after": e.after} for e in edits])


@pytest.fixture
def waiting(store):
    tracked = store.record(make_document("Setup in 5 minutes.", "Other text.")).document
    changeset = changesets.stage(store, tracked, [ProposedEdit("b1", "Setup in an afternoon.")], actor="agent")
    changesets.approve(store, changeset.id, actor="priya")
    outcome = apply(store, HandsOnly(), changeset.id, actor="priya")
    assert outcome.changeset.status == "awaiting_manual" and outcome.manual[0]["after"] == "Setup in an afternoon."
    return tracked, changeset.id


def _pulled(store, tracked, *texts):
    recorded = store.record(make_document(*texts, version="2026-11-23T10:00:00.000Z"))
    return verify(store, recorded.document, store.load(store.revision(recorded.document.head_revision_id)))


def test_the_next_pull_verifies_a_pasted_change_then_a_pasted_revert(store, waiting):
    tracked, changeset_id = waiting
    assert _pulled(store, tracked, "Setup in 5 minutes.", "Other text changed.") == []
    assert changesets.get(store, changeset_id).status == "awaiting_manual"
    [settled] = _pulled(store, tracked, "Setup in  an afternoon.", "Other text changed.")
    assert settled.status == "applied" and settled.applied_revision_id == store.document(tracked.id).head_revision_id
    assert store.events(1, subject=changesets.subject(changeset_id))[0].action == "changeset.apply.verified"

    outcome = revert(store, HandsOnly(), changeset_id, actor="priya")
    assert outcome.changeset.status == "awaiting_manual_revert" and outcome.manual[0]["after"] == "Setup in 5 minutes."
    [settled] = _pulled(store, tracked, "Setup in 5 minutes.", "Other text changed.")
    assert settled.status == "reverted"


def test_something_else_pasted_is_a_conflict(store, waiting):
    tracked, changeset_id = waiting
    [settled] = _pulled(store, tracked, "Setup in a day.", "Other text.")
    assert settled.status == "conflict" and settled.conflicts == {"b1": "Setup in a day."}
