"""Reviewing edit by edit: rewriting some, dropping others, and what is refused."""

from __future__ import annotations

import pytest

from connectors.errors import ConfigError, NotFound
from staging import changesets
from staging.changesets import ProposedEdit
from tests.builders import make_document


@pytest.fixture
def three_edits(store) -> int:
    tracked = store.record(make_document("One.", "Two.", "Three.")).document
    return changesets.stage(store, tracked, [ProposedEdit("b1", "Uno."), ProposedEdit("b2", "Dos."),
                                             ProposedEdit("b3", "Tres.")], actor="agent").id


def test_dropped_edits_are_kept_for_the_record_but_never_written(store, three_edits):
    changesets.rewrite(store, three_edits, actor="priya", changes={"b1": "Eins."}, dropped=["b3"])
    rows = {r.block_id: r for r in changesets.edits(store, three_edits)}
    assert rows["b3"].dropped and rows["b3"].after == "Tres." and not rows["b1"].dropped
    assert rows["b1"].revised_by == "priya" and rows["b1"].proposed_after == "Uno."
    assert [(r.block_id, r.after) for r in changesets.to_write(store, three_edits)] == [("b1", "Eins."), ("b2", "Dos.")]
    details = store.events(1, subject=changesets.subject(three_edits))[0].details
    assert details["dropped"] == {"b3": "Tres."} and details["edited"]["b1"] == {"proposed": "Uno.", "rewritten": "Eins."}


def test_an_approver_may_drop_edits_and_approves_what_is_left(store, three_edits):
    assert changesets.approve(store, three_edits, actor="priya", dropped=["b2"]).status == "approved"
    assert [r.block_id for r in changesets.to_write(store, three_edits)] == ["b1", "b3"]
    assert store.events(1, subject=changesets.subject(three_edits))[0].details["dropped"] == {"b2": "Dos."}


@pytest.mark.parametrize("changes, dropped, error, message", [
    ({}, ["b1", "b2", "b3"], ConfigError, "reject it instead"),
    ({"b1": "Eins."}, ["b1"], ConfigError, "both rewritten and dropped"),
    ({}, ["b9"], NotFound, "no edits for block 'b9'"),
    ({"b1": "Uno."}, [], ConfigError, "Nothing to rewrite"),
])
def test_refused_reviews_change_nothing(store, three_edits, changes, dropped, error, message):
    with pytest.raises(error, match=message):
        changesets.rewrite(store, three_edits, actor="priya", changes=changes, dropped=dropped)
    if not changes:
        with pytest.raises(error, match=message):
            changesets.approve(store, three_edits, actor="priya", dropped=dropped)
    assert changesets.get(store, three_edits).status == "proposed"
    assert not any(r.dropped for r in changesets.edits(store, three_edits))
