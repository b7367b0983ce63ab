"""The store's contract, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import zlib
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from connectors.errors import ConfigError, CopydeskError
from staging.models import Blob, Brief, as_utc, saved_id, utcnow
from staging.store import canonical_bytes, document_id
from tests.builders import FIXED_TIME, make_document


def test_first_record_creates_document_blob_and_revision(store):
    recorded = store.record(make_document("Setup in 5 minutes."))
    assert recorded.is_new and recorded.revision is not None
    assert recorded.document.head_revision_id == recorded.revision.id
    assert recorded.revision.parent_id is None
    assert store.blob_stats()["blobs"] == 1


def test_recording_unchanged_content_adds_nothing(store):
    store.record(make_document("Setup in 5 minutes."))
    before = store.blob_stats()
    again = store.record(make_document("Setup in 5 minutes.", version="2026-03-02T08:00:00.000Z"))
    assert again.revision is None and not again.is_new
    assert store.blob_stats() == before
    assert store.document(again.document.id).remote_version == "2026-03-02T08:00:00.000Z"


def test_changed_content_becomes_a_child_revision(store):
    first = store.record(make_document("Setup in 5 minutes."))
    second = store.record(make_document("Setup in one afternoon."))
    assert second.revision.parent_id == first.revision.id
    assert [r.id for r in store.revisions(first.document.id)] == [second.revision.id, first.revision.id]
    assert store.load(second.revision).blocks[1].text == "Setup in one afternoon."
    assert store.load(first.revision).blocks[1].text == "Setup in 5 minutes."


def test_same_content_in_two_documents_is_stored_once(store):
    store.record(make_document("Same words.", remote_id="a", title="T"))
    store.record(make_document("Same words.", remote_id="b", title="T"))
    stats = store.blob_stats()
    assert stats["revisions"] == 2
    # remote ids differ, so the canonical bytes differ too: two blobs, not one
    assert stats["blobs"] == 2


def test_blob_is_compressed_and_verified_on_read(store):
    recorded = store.record(make_document("Some words " * 200))
    stats = store.blob_stats()
    assert stats["stored_bytes"] < stats["raw_bytes"]
    with store.session() as session:
        blob = session.get(Blob, recorded.revision.blob_sha256)
        blob.data = zlib.compress(b'{"tampered": true}')
        session.add(blob)
        session.commit()
    with pytest.raises(CopydeskError, match="corrupt"):
        store.load(recorded.revision)


def test_canonical_bytes_ignore_remote_version_but_not_text():
    a = make_document("x", version="2026-01-01T00:00:00.000Z")
    b = make_document("x", version="2026-02-01T00:00:00.000Z")
    c = make_document("y")
    assert canonical_bytes(a) == canonical_bytes(b)
    assert canonical_bytes(a) != canonical_bytes(c)


def test_load_restores_the_revision_remote_version(store):
    recorded = store.record(make_document("x", version="2026-01-01T00:00:00.000Z"))
    assert store.load(recorded.revision).ref.remote_version == "2026-01-01T00:00:00.000Z"


def test_is_current_needs_same_version_fetched_after_the_minute_settled(store):
    doc = make_document("x")
    assert not store.is_current(doc.ref)
    store.record(doc)
    # fetched now, long after FIXED_TIME's minute: certainly current
    assert store.is_current(doc.ref)
    newer = doc.ref.model_copy(update={"remote_version": "2026-03-01T12:05:00.000Z"})
    assert not store.is_current(newer)
    just_now = doc.ref.model_copy(update={"updated_at": utcnow() - timedelta(seconds=10)})
    store.record(doc.model_copy(update={"ref": just_now}))
    assert not store.is_current(just_now), "an edit later in the same minute could still be missing"


def test_deleted_documents_are_not_current(store):
    doc = make_document("x")
    recorded = store.record(doc)
    store.set_status([recorded.document.id], "deleted")
    assert store.document(recorded.document.id).status == "deleted"
    assert not store.is_current(doc.ref)


def test_document_ids_are_stable_and_distinct():
    assert document_id("notion", "a") == document_id("notion", "a")
    assert document_id("notion", "a") != document_id("gdocs", "a")


def test_find_documents_by_prefix_remote_id_and_title(store):
    a = store.record(make_document("x", remote_id="r-a", title="Pricing & plans")).document
    store.record(make_document("x", remote_id="r-b", title="Elevator pitch"))
    assert [d.id for d in store.find_documents(id_prefix=a.id[:6])] == [a.id]
    assert [d.id for d in store.find_documents(remote_id="r-a")] == [a.id]
    assert [d.title for d in store.find_documents(title="PRICING")] == ["Pricing & plans"]


def test_breadcrumb_follows_stored_parents(store):
    store.record(make_document("x", remote_id="root", title="Company home"))
    store.record(make_document("x", remote_id="mid", title="Product", parent="root"))
    leaf = store.record(make_document("x", remote_id="leaf", title="Pricing", parent="mid")).document
    assert store.breadcrumb(leaf) == ["Company home", "Product"]


def test_pulls_keep_the_cursor_of_the_last_successful_one(store):
    ok = store.start_pull("notion", full=True)
    store.finish_pull(ok, status="ok", cursor="2026-03-01T12:00:00.000Z", listed=3)
    failed = store.start_pull("notion", full=False)
    store.finish_pull(failed, status="failed", error="boom")
    assert store.last_pull("notion").cursor == "2026-03-01T12:00:00.000Z"
    assert store.last_pull("notion", successful=False).status == "failed"


def test_events_are_appended_in_order(store):
    store.log_event("maya", "pull", "notion", {"changed": 2})
    store.log_event("maya", "pull", "notion", {"changed": 0})
    events = store.events()
    assert [e.details["changed"] for e in events] == [0, 2]
    assert events[0].at >= events[1].at
    assert FIXED_TIME < events[0].at


def test_the_tool_s_edit_time_is_kept_whatever_the_database_s_time_zone(store):
    if store.engine.dialect.name == "postgresql":
        database = store.engine.url.database
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f'ALTER DATABASE "{database}" SET TimeZone = \'Pacific/Auckland\''))
        store.engine.dispose()  # new sessions start from the database's setting
    tracked = store.record(make_document("One.")).document
    assert as_utc(store.document(tracked.id).edited_at) == FIXED_TIME


def test_stored_times_read_as_utc_with_or_without_a_zone():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    assert as_utc(datetime(2026, 3, 1, 12, 0)) == FIXED_TIME
    assert as_utc(datetime(2026, 3, 2, 1, 0, tzinfo=ZoneInfo("Pacific/Auckland"))) == FIXED_TIME
    assert as_utc(FIXED_TIME).tzinfo == UTC


@pytest.mark.parametrize("tool, current", [("notion", False), ("gdocs", True)])
def test_a_version_is_trusted_once_the_tools_edit_time_interval_has_passed(store, tool, current):
    """Notion stamps edits to the minute: fetched 40 seconds after its stamp, the same version
    may still hide a later edit in that minute. Drive stamps them to the millisecond."""
    doc = make_document("text", updated_at=utcnow() - timedelta(seconds=40), source=tool)
    store.record(doc)
    assert store.is_current(doc.ref) is current


def test_a_saved_row_has_its_id_and_an_unsaved_one_is_refused(store):
    brief = Brief(title="Q3", source="q3.md", text="# Q3", sha256="0" * 64, added_by="ana@example.com")
    with pytest.raises(ValueError, match="Brief was never saved"):
        saved_id(brief)
    with store.session() as session:
        session.add(brief)
        session.commit()
        session.refresh(brief)
    assert saved_id(brief) == brief.id and brief.id is not None


def test_known_document_is_the_stored_one_and_a_lost_one_says_pull_again(store):
    recorded = store.record(make_document("Setup in 5 minutes."))
    assert store.known_document(recorded.document.id).id == recorded.document.id
    with pytest.raises(ConfigError, match="lost document nope; pull again"):
        store.known_document("nope")
