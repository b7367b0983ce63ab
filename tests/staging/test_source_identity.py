"""A source's identity is its name in copydesk.toml, not its tool: two Notion sources of
different names, both pointing at the one sandbox workspace, pull, apply, revert and recover
independently (the same remote page is one document per source), over real HTTP with the
real SDKs."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from connectors.document import DocumentRef
from connectors.errors import CopydeskError, RemoteError
from staging import activity, changesets, lease, queue
from staging.apply import apply, recover, revert
from staging.changesets import ProposedEdit
from staging.config import config_text, load_settings
from staging.pull import pull
from tests.conftest import REPO

PAGE = "Product overview"

WORKER = """
import sys
from connectors.notion import NotionConnector
from staging.apply import apply
from staging.store import Store

url, token, base_url, source, changeset = sys.argv[1:6]
apply(Store(url), NotionConnector(token, source=source, base_url=base_url, rate=None), int(changeset), actor="worker")
"""


@pytest.fixture
def pulled(store, sandbox):
    """Both sources pulled: name → connector."""
    connectors = {name: sandbox.connector(source=name) for name in ("marketing", "support")}
    for connector in connectors.values():
        pull(store, connector)
    yield connectors
    for connector in connectors.values():
        connector.close()


def _page(store, source: str):
    return next(d for d in store.documents(source) if d.title == PAGE)


def _approved(store, source: str, connector) -> tuple[int, list]:
    tracked = _page(store, source)
    original = connector.fetch(DocumentRef(source=source, remote_id=tracked.remote_id, kind="page"))
    paragraphs = [b for b in original.blocks if b.kind == "paragraph" and len(b.text) > 20][:2]
    staged = changesets.stage(store, tracked, [ProposedEdit(b.id, b.text + " Revised.") for b in paragraphs],
                              actor="test")
    changesets.approve(store, staged.id, actor="reviewer")
    return staged.id, paragraphs


def test_the_same_page_is_one_document_per_source_with_its_own_pulls(store, pulled):
    marketing, support = _page(store, "marketing"), _page(store, "support")
    assert marketing.remote_id == support.remote_id and marketing.id != support.id
    assert (marketing.tool, support.tool) == ("notion", "notion")
    assert store.documents("notion") == []
    assert {d.remote_id for d in store.documents("marketing")} == {d.remote_id for d in store.documents("support")}
    first, second = store.last_pull("marketing"), store.last_pull("support")
    assert first.id != second.id and first.cursor and second.cursor

    again = pull(store, pulled["support"])  # incremental: from support's own cursor, nothing new
    assert (again.full, again.new, again.changed) == (False, 0, 0)
    assert store.last_pull("marketing").id == first.id


def test_a_pull_lease_is_per_source(store, pulled):
    assert lease.acquire(store, "pull:marketing", "another-process@elsewhere", ttl=timedelta(minutes=5))
    with pytest.raises(CopydeskError, match="pulling marketing"):
        pull(store, pulled["marketing"])
    assert pull(store, pulled["support"]).full is False  # the other source pulls meanwhile


def test_apply_and_revert_on_one_source_leave_the_other_alone(store, pulled):
    connector = pulled["marketing"]
    support_head = _page(store, "support").head_revision_id
    changeset_id, paragraphs = _approved(store, "marketing", connector)
    assert changesets.get(store, changeset_id).source == "marketing"

    applied = apply(store, connector, changeset_id, actor="test")
    assert applied.changeset.status == "applied"
    assert store.revision(_page(store, "marketing").head_revision_id).origin == "apply"
    assert _page(store, "support").head_revision_id == support_head
    assert changesets.listing(store, source="support") == []

    [row] = queue.page(store).rows
    assert (row.source, row.tool) == ("marketing", "Notion page")  # named by the stored tool, not the source
    told = [activity.sentence(r) for r in activity.page(store)[0]]
    assert f"test applied #{changeset_id} to “{PAGE}” in Notion (marketing)" in told
    assert any("pulled Notion (support)" in t for t in told)

    assert revert(store, connector, changeset_id, actor="test").changeset.status == "reverted"
    now = connector.fetch(DocumentRef(source="marketing", remote_id=_page(store, "marketing").remote_id, kind="page"))
    assert [now.block(b.id).text for b in paragraphs] == [b.text for b in paragraphs]
    assert _page(store, "support").head_revision_id == support_head


def test_a_crashed_apply_is_recovered_by_its_sources_name(store, sandbox, pulled):
    """Recovery looks the connector up by the changeset's source: before sources had names of
    their own it asked for "notion", which a config naming its sources has not got."""
    changeset_id, paragraphs = _approved(store, "support", pulled["support"])
    patches = lambda: sum(n for route, n in sandbox.stats()["routes"].items() if route.startswith("PATCH"))  # noqa: E731
    before = patches()
    sandbox.post("faults", {"status": 503, "hang": 30, "match": "PATCH /v1/blocks", "skip": 1})
    with subprocess.Popen([sys.executable, "-c", WORKER, store.url, sandbox.token, sandbox.base_url, "support",
                           str(changeset_id)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as worker:  # its pipes closed when it is gone
        deadline = time.monotonic() + 20
        while patches() - before < 2:  # the first write landed, the second hangs
            assert worker.poll() is None and time.monotonic() < deadline, worker.stderr.read() if worker.poll() else ""
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    sandbox.post("faults", {"clear": True})

    outcomes, busy = recover(store, pulled.__getitem__, actor="test")

    assert busy == [] and [o.changeset.status for o in outcomes] == ["failed"]
    assert outcomes[0].recovery["rolled_back"] == [paragraphs[0].id]
    assert changesets.claimed(store) == []
    assert apply(store, pulled["support"], changeset_id, actor="test").changeset.status == "applied"


def test_a_connectors_errors_name_its_source(pulled):
    with pytest.raises(RemoteError) as caught:
        pulled["support"].fetch(DocumentRef(source="support", remote_id="00000000-0000-0000-0000-000000000000",
                                            kind="page"))
    assert caught.value.source == "support" and caught.value.status == 404


@pytest.mark.parametrize("tool, name", [("notion", "docs_team"), ("gdocs", "emea"), ("webflow", "site")])
def test_every_tool_stamps_its_configured_name(tmp_path, sandbox, tool, name):
    """copydesk.toml's section name reaches the connector, which puts it on every ref, document
    and error it makes; `tool` stays the tool."""
    port = int(sandbox.base_url.rsplit(":", 1)[1].split("/")[0])
    config = config_text(sandbox=True, port=port).replace(f"[sources.{tool}]", f"[sources.{name}]")
    (tmp_path / "copydesk.toml").write_text(config)
    connector = load_settings(tmp_path / "copydesk.toml").connector(name)
    try:
        ref = next(r for r in connector.list_changed(None) if not r.archived)
        assert (connector.source, connector.tool, ref.source) == (name, tool, name)
        assert connector.fetch(ref).ref.source == name
        missing = ref.model_copy(update={"remote_id": ref.remote_id[:-4] + "0000", "remote_version": ""})
        with pytest.raises(RemoteError) as caught:
            connector.fetch(missing)
        assert caught.value.source == name and caught.value.status == 404
    finally:
        connector.close()
