"""Pull end to end: the real connector over HTTP against the sandbox, into both stores."""

from __future__ import annotations

import httpx
import pytest

from connectors.errors import CopydeskError, RemoteError
from staging.diff import diff_documents
from staging.lease import acquire, release
from staging.pull import pull, remote_status


def _live_pages(sandbox) -> list[dict]:
    response = httpx.post(f"{sandbox.base_url}/v1/search",
                          json={"page_size": 100, "filter": {"property": "object", "value": "page"}},
                          headers={"Authorization": f"Bearer {sandbox.token}", "Notion-Version": "2025-09-03"})
    return response.json()["results"]


def _page_titled(sandbox, title: str) -> dict:
    return next(p for p in _live_pages(sandbox) if "".join(
        i["plain_text"] for prop in p["properties"].values() if prop["type"] == "title" for i in prop["title"]) == title)


def test_first_pull_snapshots_every_live_page(store, sandbox):
    connector = sandbox.connector(page_size=10)
    report = pull(store, connector)
    served = sandbox.stats()["total"]
    live = _live_pages(sandbox)
    assert report.full and report.new == len(live) == report.fetched == report.listed
    assert report.requests == served == connector.requests_made
    assert {d.remote_id for d in store.documents("notion")} == {p["id"] for p in live}
    assert store.last_pull("notion").cursor == max(p["last_edited_time"] for p in live)


def test_repulling_unchanged_content_adds_no_blob_and_no_revision(store, sandbox):
    pull(store, sandbox.connector())
    before = store.blob_stats()
    for _ in range(3):
        report = pull(store, sandbox.connector())
        assert (report.fetched, report.changed, report.new) == (0, 0, 0)
        assert report.requests == 1, "an unchanged workspace costs one search call"
    assert store.blob_stats() == before


def test_an_edit_behind_copydesks_back_becomes_one_new_revision(store, sandbox):
    pull(store, sandbox.connector())
    page = _page_titled(sandbox, "Product overview")
    sandbox.post("edit", {"id": page["id"], "find": "Setup in 5 minutes", "replace": "Setup in one afternoon"})
    status = remote_status(store, sandbox.connector())
    assert status["changed"] == ["Product overview"] and not status["new"]
    report = pull(store, sandbox.connector())
    assert (report.fetched, report.changed, report.new) == (1, 1, 0)
    tracked = store.document_by_remote("notion", page["id"])
    newest, previous = store.revisions(tracked.id)[:2]
    changed = [d for d in diff_documents(store.load(previous), store.load(newest)) if d.status != "equal"]
    assert len(changed) == 1
    assert "Setup in 5 minutes" in changed[0].before and "Setup in one afternoon" in changed[0].after


def test_status_writes_nothing(store, sandbox):
    pull(store, sandbox.connector())
    pulls_before, stats_before = store.pulls(), store.blob_stats()
    remote_status(store, sandbox.connector())
    assert store.pulls() == pulls_before and store.blob_stats() == stats_before


def test_full_pull_marks_trashed_pages_deleted(store, sandbox):
    pull(store, sandbox.connector())
    page = _page_titled(sandbox, "Product overview")
    httpx.patch(f"{sandbox.base_url}/v1/pages/{page['id']}", json={"in_trash": True},
                headers={"Authorization": f"Bearer {sandbox.token}", "Notion-Version": "2025-09-03"}
                ).raise_for_status()
    report = pull(store, sandbox.connector(), full=True)
    assert report.deleted == 1
    assert store.document_by_remote("notion", page["id"]).status == "deleted"


def test_a_failed_pull_keeps_what_was_stored_and_the_old_cursor(store, sandbox):
    pull(store, sandbox.connector())
    cursor = store.last_pull("notion").cursor
    page = _page_titled(sandbox, "Product overview")
    sandbox.post("edit", {"id": page["id"], "find": "Setup in 5 minutes", "replace": "Setup in one afternoon"})
    sandbox.post("faults", {"status": 500, "count": 50})
    with pytest.raises(RemoteError) as caught:
        pull(store, sandbox.connector())
    assert caught.value.retryable
    failed = store.last_pull("notion", successful=False)
    assert failed.status == "failed" and "500" in failed.error
    assert store.last_pull("notion").cursor == cursor
    sandbox.post("faults", {"clear": True})
    assert pull(store, sandbox.connector()).changed == 1


def test_a_google_doc_trashed_or_edited_shows_in_status_and_pulls(store, gdocs):
    connector = gdocs.connector()
    first = pull(store, connector)
    assert (first.new, first.full) == (9, True)
    one_pager = store.find_documents(title="HelpHive one-pager")[0]
    pitch = store.find_documents(title="Pitch narrative: first call")[0]
    gdocs.post("edit", {"id": one_pager.remote_id, "find": "Fernhill Labs", "replace": "Fernhill"})
    gdocs.post("trash", {"id": pitch.remote_id})
    status = remote_status(store, connector)
    assert (status["changed"], status["deleted"], status["new"]) == (["HelpHive one-pager"], [pitch.title], [])
    routes = gdocs.stats()["routes"]
    second = pull(store, connector)
    assert (second.changed, second.fetched) == (2, 2) and not second.full  # trashing is a change too
    assert store.document(pitch.id).status == "archived"
    sent = {k: v - routes.get(k, 0) for k, v in gdocs.stats()["routes"].items() if v != routes.get(k, 0)}
    assert sent == {"GET /drive/v3/changes": 1, "GET /drive/v3/files/{id}": 1, "GET /v1/documents/{id}": 2}


def test_pulls_of_one_source_never_interleave(store, sandbox):
    other = "someone-else"
    assert acquire(store, "pull:notion", other)
    with pytest.raises(CopydeskError, match="Another process is pulling notion"):
        pull(store, sandbox.connector())
    release(store, "pull:notion", other)
    assert pull(store, sandbox.connector()).new > 20
