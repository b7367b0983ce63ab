"""A reviewer's opened changesets, as they read: what a bulk approval may cover."""

from __future__ import annotations

from staging import changesets, opened
from staging.changesets import ProposedEdit
from tests.builders import make_document


def test_only_changesets_opened_as_they_read_now_count_as_seen(store):
    tracked = store.record(make_document("One.", "Two.")).document
    first = changesets.stage(store, tracked, [ProposedEdit("b1", "Uno."), ProposedEdit("b2", "Dos.")], actor="t")
    second = changesets.stage(store, tracked, [ProposedEdit("b1", "Eins.")], actor="t")
    opened.record(store, first, "Sam")
    opened.record(store, first, "sam")  # the same person, the same content: recorded once
    assert opened.unopened(store, [first.id, second.id], "SAM") == [second.id]
    assert opened.unopened(store, [first.id], "lee") == [first.id]
    assert [e.action for e in store.events(10, subject=changesets.subject(first.id))].count(opened.ACTION) == 1

    changesets.rewrite(store, first.id, actor="lee", changes={"b1": "Un."})
    assert opened.unopened(store, [first.id], "sam") == [first.id]  # it reads otherwise now
