"""A full pull marks a page deleted only when Notion confirms it, never because search missed
it or a listing below the page failed. Real pulls over HTTP against the sandbox, whose `gaps`
make search leave pages out and child listings fail as the real API may."""

from __future__ import annotations

import httpx

from connectors.registry import capabilities
from staging.pull import pull

HEADERS = {"Notion-Version": "2025-09-03"}


def _page(store, title: str):
    return store.find_documents(title=title)[0]


def _status(store, title: str) -> str:
    return _page(store, title).status


def test_only_notion_declares_its_listing_incomplete():
    assert not capabilities("notion").complete_listing
    assert capabilities("gdocs").complete_listing and capabilities("webflow").complete_listing


def test_a_page_search_misses_stays_live_and_is_read_again(store, sandbox):
    pull(store, sandbox.connector())
    missed = _page(store, "Press kit")
    sandbox.post("edit", {"id": missed.remote_id, "find": "Everything a journalist", "replace": "All a journalist"})
    sandbox.post("gaps", {"omit_ids": [missed.remote_id]})
    report = pull(store, sandbox.connector(), full=True)
    assert report.deleted == 0 and _status(store, "Press kit") == "live"
    assert report.changed == 1 and report.changed_titles == ["Press kit"], "asked about, found edited, stored"


def test_a_child_listing_404_leaves_the_page_live_and_names_it_not_captured(store, sandbox):
    pull(store, sandbox.connector())
    page = _page(store, "Brand boilerplate")
    sandbox.post("gaps", {"fail_ids": [page.remote_id], "children_status": 404})
    sandbox.post("edit", {"id": page.remote_id, "find": "Paste the boilerplate", "replace": "Put the boilerplate"})
    report = pull(store, sandbox.connector(), full=True)
    assert report.deleted == 0 and _status(store, "Brand boilerplate") == "live"
    [missed] = report.not_captured
    assert missed["remote_id"] == page.remote_id and "not for the page itself" in missed["reason"]


def test_a_child_listing_404_of_a_page_search_missed_is_not_a_delete_either(store, sandbox):
    pull(store, sandbox.connector())
    page = _page(store, "Press kit")
    sandbox.post("gaps", {"omit_ids": [page.remote_id], "fail_ids": [page.remote_id]})
    sandbox.post("edit", {"id": page.remote_id, "find": "Everything a journalist", "replace": "All a journalist"})
    report = pull(store, sandbox.connector(), full=True)
    assert (report.deleted, _status(store, "Press kit")) == (0, "live")
    assert [m["remote_id"] for m in report.not_captured] == [page.remote_id]


def test_a_page_that_answers_404_itself_is_deleted(store, sandbox):
    pull(store, sandbox.connector())
    sandbox.post("remove", {"id": _page(store, "Press kit").remote_id})
    report = pull(store, sandbox.connector(), full=True)
    assert report.deleted == 1 and _status(store, "Press kit") == "deleted"


def test_a_page_in_the_trash_is_deleted_even_when_its_blocks_cannot_be_listed(store, sandbox):
    pull(store, sandbox.connector())
    page = _page(store, "Brand boilerplate")
    httpx.patch(f"{sandbox.base_url}/v1/pages/{page.remote_id}", json={"in_trash": True},
                headers={**HEADERS, "Authorization": f"Bearer {sandbox.token}"}).raise_for_status()
    sandbox.post("gaps", {"fail_ids": [page.remote_id]})
    report = pull(store, sandbox.connector(), full=True)
    assert (report.deleted, report.not_captured) == (1, [])
    assert _status(store, "Brand boilerplate") == "deleted"


def test_random_gaps_over_several_full_pulls_delete_nothing(store, sandbox):
    pull(store, sandbox.connector())
    live = {d.remote_id for d in store.documents("notion") if d.status == "live"}
    for seed in range(3):
        sandbox.post("gaps", {"search_omits": 0.2, "children_fail": 0.05, "seed": seed})
        report = pull(store, sandbox.connector(), full=True)
        assert report.deleted == 0
    assert {d.remote_id for d in store.documents("notion") if d.status == "live"} == live
