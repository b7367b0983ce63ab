"""The queue's pages and counts, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from connectors.errors import ConfigError
from staging import changesets, queue
from staging.changesets import ProposedEdit
from tests.builders import make_document


@pytest.fixture
def staged(store):
    """Three documents with changesets 1–7; 2 and 5 approved, 3 rejected."""
    ids = []
    for n, title in enumerate(("Pricing", "Product overview", "FAQ")):
        tracked = store.record(make_document("One sentence.", "Two sentences here.", remote_id=f"p{n}",
                                             title=title)).document
        for _ in range(3 if n < 2 else 1):
            ids.append(changesets.stage(store, tracked, [ProposedEdit("b1", f"Edit {len(ids)}."),
                                                         ProposedEdit("b2", "Other.")], actor="t").id)
    for changeset_id in (ids[1], ids[4]):
        changesets.approve(store, changeset_id, actor="r")
    changesets.reject(store, ids[2], actor="r")
    return ids


def test_a_page_holds_only_its_rows_newest_first_with_the_total(store, staged):
    first = queue.page(store, limit=3)
    second = queue.page(store, offset=3, limit=3)
    assert [r.id for r in first.rows] == staged[::-1][:3] and [r.id for r in second.rows] == staged[::-1][3:6]
    assert (first.total, first.pages) == (7, 3)
    assert {r.edits for r in first.rows} == {2}
    assert first.rows[0].document_title == "FAQ"


def test_filters_combine_and_counts_ignore_the_status_filter(store, staged):
    approved = queue.page(store, queue.Filters(status="approved"))
    assert [r.id for r in approved.rows] == [staged[4], staged[1]]
    by_title = queue.Filters(document="PRODUCT over")
    assert [r.id for r in queue.page(store, by_title).rows] == staged[3:6][::-1]
    assert queue.counts(store, queue.Filters(status="approved", document="product")) == {"proposed": 2, "approved": 1}
    assert queue.counts(store) == {"proposed": 4, "approved": 2, "rejected": 1}
    assert queue.page(store, queue.Filters(source="gdocs")).rows == []
    assert queue.sources(store) == ["notion"]


def test_bad_filters_are_refused(store):
    with pytest.raises(ConfigError, match="Unknown status 'done'"):
        queue.page(store, queue.Filters(status="done"))
    with pytest.raises(ConfigError):
        queue.page(store, limit=0)


def test_a_row_says_what_kind_of_document_and_what_changes(store):
    cms = store.record(make_document("Hello.", remote_id="i1", title="Zendesk", source="webflow", kind="item")).document
    static = store.record(make_document("Hello.", remote_id="p1", title="Home", source="webflow", kind="page")).document
    doc = store.record(make_document("Hello.", "Hi.", remote_id="d1", title="Battlecard", source="gdocs",
                                     kind="document")).document
    changesets.stage(store, cms, [ProposedEdit("b1", "Hey.")], actor="t")
    changesets.stage(store, static, [ProposedEdit("b1", "Hey.")], actor="t")
    changesets.stage(store, doc, [ProposedEdit("b1", "Hey."), ProposedEdit("b2", "Hi.", flag="90%")], actor="t")
    rows = {r.document_title: r for r in queue.page(store).rows}
    assert rows["Zendesk"].tool == "Webflow CMS item" and rows["Home"].tool == "Webflow static page"
    assert rows["Battlecard"].tool == "Google Doc"
    assert (rows["Battlecard"].size, rows["Home"].size) == ("2 edits · 1 flag", "1 edit")
