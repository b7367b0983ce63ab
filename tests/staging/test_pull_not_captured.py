"""One unreadable document never breaks a pull or a sweep: it is named as not captured, the
others are stored, and the next pull retries it. Errors every document would meet still stop
the pull. Real pulls over HTTP against the sandboxes."""

from __future__ import annotations

import pytest

from connectors.errors import AuthError, RemoteError
from connectors.webflow import connector as webflow_connector
from staging import literal
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.pull import pull
from staging.sweep import summary, sweep, to_markdown
from tests.conftest import REPO
from tests.connectors.test_webflow_connector import WHY, WHY_ID

PAGE_FETCH = "GET /v1/pages"


def _stored(store, source: str) -> set[str]:
    return {d.remote_id for d in store.documents(source)}


def test_a_page_the_tool_refuses_is_not_captured_and_the_next_pull_retries_it(store, sandbox):
    sandbox.post("faults", {"status": 400, "code": "validation_error", "match": PAGE_FETCH, "skip": 2})
    report = pull(store, sandbox.connector())

    [missed] = report.not_captured
    assert missed["title"] and missed["reason"].startswith("RemoteError: Notion said 400 validation_error")
    assert report.new == report.listed - 1 and missed["remote_id"] not in _stored(store, "notion")
    row = store.last_pull("notion")
    assert row.status == "ok" and missed["title"] in row.error and "retried next pull" in row.error
    event = next(e for e in store.events() if e.action == "pull")
    assert event.details["not_captured"] == [missed]

    again = pull(store, sandbox.connector())
    assert again.not_captured == [] and again.new == 1
    assert missed["remote_id"] in _stored(store, "notion")


def test_an_item_the_normaliser_cannot_read_is_retried_even_after_the_cursor_would_have_moved_past_it(
        store, webflow, monkeypatch):
    """Webflow's cursor is the map of versions the last listing saw: had the pull that skipped
    the item kept the new map, no incremental pull would ever list that version again."""
    connector = webflow.connector()
    pull(store, connector)
    webflow.post("edit", {"item": WHY, "field": "post-body", "find": "the chatbot for your docs", "replace": "a bot"})
    readable = webflow_connector.item_document

    def poisoned(item, collection, site, **named):  # stands in for a normaliser bug this one item meets
        if item["id"] == WHY:
            raise RecursionError("maximum recursion depth exceeded while calling a Python object")
        return readable(item, collection, site, **named)

    monkeypatch.setattr(webflow_connector, "item_document", poisoned)
    report = pull(store, connector)
    assert [(m["remote_id"], m["reason"]) for m in report.not_captured] == [
        (WHY_ID, "RecursionError: maximum recursion depth exceeded while calling a Python object")]
    assert report.not_captured[0]["title"] == "Why we built HelpHive, the chatbot for your docs"
    assert pull(store, connector).not_captured, "still unreadable: still named, still retried"

    monkeypatch.setattr(webflow_connector, "item_document", readable)
    fixed = pull(store, connector)
    assert (fixed.not_captured, fixed.changed) == ([], 1)
    assert pull(store, connector).fetched == 0, "once captured, the cursor moves on"


@pytest.mark.parametrize("status, error", [(401, AuthError), (429, RemoteError), (500, RemoteError)])
def test_credentials_rate_limits_and_outages_still_stop_the_pull(store, sandbox, status, error):
    sandbox.post("faults", {"status": status, "match": PAGE_FETCH, "count": 20, "retry_after": 0})
    with pytest.raises(error) as raised:
        pull(store, sandbox.connector())
    assert not isinstance(raised.value, AuthError) or status == 401
    assert store.last_pull("notion", successful=False).status == "failed"


def test_a_sweep_carries_on_past_an_unreadable_page_and_its_report_names_it(store, sandbox):
    briefs.add(store, read_brief_file(REPO / "fixtures/briefs/ai-support-engineer.md"), source="b.md", actor="lead")
    sandbox.post("faults", {"status": 400, "code": "validation_error", "match": PAGE_FETCH, "skip": 1})
    run = sweep(store, {"notion": sandbox.connector()}, actor="scheduler")
    [missed] = run.pulls[0]["not_captured"]
    assert run.stale and "1 document(s) not captured" in summary(run)
    report = to_markdown(run, {})
    assert "## Not captured" in report
    assert f"{literal.markdown(missed['title'])} (notion {literal.markdown(missed['remote_id'])})" in report
