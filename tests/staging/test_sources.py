"""Adopting rows stored under a source's old name: a store pulled before sources had names of
their own holds `[sources.marketing] type = "notion"`'s documents under "notion". Opening it
moves them to "marketing" when that is unambiguous, so the next pull finds every document it
has and the old changesets find their connector; anything ambiguous is left and explained."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from staging import changesets, lease
from staging.apply import apply, revert
from staging.changesets import ProposedEdit
from staging.models import Blob, Lease
from staging.pull import pull
from staging.sources import ADOPTED, adopt_renamed_sources, orphans


def _pulled_the_old_way(store, sandbox) -> int:
    """What copydesk did before: the connector stamped its tool's id as the source. Returns an
    applied changeset on "Product overview"."""
    old = sandbox.connector()  # source defaults to the tool's id, as every connector's did
    pull(store, old)
    tracked = store.find_documents(title="Product overview")[0]
    head = store.load(store.revision(tracked.head_revision_id))
    block = next(b for b in head.blocks if b.kind == "paragraph" and len(b.text) > 20)
    staged = changesets.stage(store, tracked, [ProposedEdit(block.id, block.text + " Revised.")], actor="test")
    changesets.approve(store, staged.id, actor="reviewer")
    apply(store, old, staged.id, actor="test")
    old.close()
    return staged.id


def test_rows_under_the_tools_id_move_to_the_one_configured_source_of_that_tool(store, sandbox):
    changeset_id = _pulled_the_old_way(store, sandbox)
    ids = sorted(d.id for d in store.documents("notion"))
    cursor = store.cursor(store.last_pull("notion"))
    lease.acquire(store, "pull:notion", "a-dead-pull@elsewhere", ttl=timedelta(0))  # lapsed

    adoption = adopt_renamed_sources(store, {"marketing": "notion", "site": "webflow"})

    assert [(o.name, o.adopter, o.documents) for o in adoption.adopted] == [("notion", "marketing", len(ids))]
    assert adoption.left == [] and orphans(store, {"marketing": "notion"}) == []
    assert store.documents("notion") == [] and sorted(d.id for d in store.documents("marketing")) == ids
    assert changesets.get(store, changeset_id).source == "marketing"
    assert store.cursor(store.last_pull("marketing")) == cursor
    with store.session() as session:
        assert session.get(Lease, "pull:notion") is None, "the old name's lapsed pull lease goes with it"
    [event] = [e for e in store.events() if e.action == ADOPTED]
    assert event.details["from"] == "notion" and event.details["to"] == "marketing"

    connector = sandbox.connector(source="marketing")
    again = pull(store, connector, full=True)  # every stored page found again, unchanged: nothing new
    assert (again.new, again.changed, again.deleted) == (0, 0, 0)
    assert revert(store, connector, changeset_id, actor="test").changeset.status == "reverted"
    assert adopt_renamed_sources(store, {"marketing": "notion"}).adopted == [], "done once"


def test_the_old_content_is_restamped_and_nothing_is_left_behind(store, sandbox):
    _pulled_the_old_way(store, sandbox)
    with store.session() as session:
        blobs = session.exec(select(func.count()).select_from(Blob)).one()
    adopt_renamed_sources(store, {"marketing": "notion"})
    for tracked in store.documents("marketing"):
        for revision in store.revisions(tracked.id):
            assert store.load(revision).ref.source == "marketing"
    with store.session() as session:
        assert session.exec(select(func.count()).select_from(Blob)).one() == blobs, "old blobs replaced, not kept"


def test_two_configured_sources_of_the_tool_are_ambiguous_and_nothing_moves(store, sandbox):
    _pulled_the_old_way(store, sandbox)
    configured = {"marketing": "notion", "support": "notion"}

    adoption = adopt_renamed_sources(store, configured)

    assert adoption.adopted == [] and [o.name for o in adoption.left] == ["notion"]
    assert "'marketing', 'support' could each be" in adoption.left[0].why
    assert "[sources.notion]" in adoption.left[0].why
    assert store.documents("marketing") == [] and store.documents("notion")
    assert not [e for e in store.events() if e.action == ADOPTED]


def test_a_source_with_documents_of_its_own_adopts_nothing(store, sandbox):
    _pulled_the_old_way(store, sandbox)
    pull(store, sandbox.connector(source="marketing"))
    [left] = adopt_renamed_sources(store, {"marketing": "notion"}).left
    assert "no Notion source without documents of its own" in left.why
    assert adopt_renamed_sources(store, {"notion": "notion", "marketing": "notion"}).left == [], "configured: no orphan"


def test_a_running_pull_under_the_old_name_defers_the_move(store, sandbox):
    _pulled_the_old_way(store, sandbox)
    lease.acquire(store, "pull:notion", "a-live-pull@elsewhere", ttl=timedelta(minutes=5))
    [left] = adopt_renamed_sources(store, {"marketing": "notion"}).left
    assert "is running" in left.why and store.documents("marketing") == []


def test_a_new_source_under_the_old_name_gets_documents_of_its_own(store, sandbox):
    """Adopted documents keep their ids, made from the old name: a source later configured
    under that name again gets fresh ids instead of colliding with them."""
    _pulled_the_old_way(store, sandbox)
    adopt_renamed_sources(store, {"marketing": "notion"})
    report = pull(store, sandbox.connector())  # a [sources.notion] again, beside marketing
    adopted = {d.remote_id: d.id for d in store.documents("marketing")}
    fresh = {d.remote_id: d.id for d in store.documents("notion")}
    assert report.new == len(adopted) and fresh.keys() == adopted.keys()
    assert not set(fresh.values()) & set(adopted.values())
