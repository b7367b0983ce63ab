"""Publish after apply and republish after revert, done by staging itself, on the Webflow
sandbox over real HTTP (the one tool with a publish step): no UI code takes part."""

from __future__ import annotations

import pytest

from connectors.document import Edit
from connectors.errors import ConfigError, Conflict
from connectors.webflow import WebflowConnector
from staging import changesets
from staging.apply import apply, revert
from staging.changesets import ProposedEdit
from staging.lifecycle import Status
from staging.models import TrackedDocument
from staging.store import Store, remote_ref
from tests.builders import make_document
from tests.conftest import WebflowAdmin

BLOG = "63fe95809593bd04cf658cda"
WHY = "642b6880d1e01f50575051c1"  # "Why we built HelpHive", published
BLOCK = "field:post-body:2"
PUBLISH = "POST /v2/collections/{id}/items/publish"


def _body(webflow: WebflowAdmin, *, live: bool) -> str:
    return webflow.get(f"/collections/{BLOG}/items/{WHY}" + ("/live" if live else ""))["fieldData"]["post-body"]


def _publishes(webflow: WebflowAdmin) -> int:
    return webflow.routes().get(PUBLISH, 0)


@pytest.fixture
def connector(webflow: WebflowAdmin) -> WebflowConnector:
    return webflow.connector()


def _approved(store: Store, connector: WebflowConnector) -> tuple[TrackedDocument, int]:
    """The published blog post, tracked, with an approved changeset rewording one paragraph."""
    ref = next(r for r in connector.list_changed(None) if r.remote_id == f"item:{BLOG}:{WHY}")
    tracked = store.record(connector.fetch(ref)).document
    text = store.load(store.revision(tracked.head_revision_id)).block(BLOCK).text
    changeset = changesets.stage(store, tracked, [
        ProposedEdit(BLOCK, text.replace("the chatbot for your docs", "the docs chatbot"))], actor="agent")
    changesets.approve(store, changeset.id, actor="priya")
    return tracked, changeset.id


def _actions(store: Store, changeset_id: int) -> list[str]:
    return [e.action for e in store.events(20, subject=changesets.subject(changeset_id))]


def test_apply_with_publish_puts_it_live_and_revert_publishes_the_old_text_again(store, webflow, connector):
    _, changeset_id = _approved(store, connector)
    original = _body(webflow, live=True)

    applied = apply(store, connector, changeset_id, actor="priya", publish=True)
    assert applied.changeset.status == Status.APPLIED and applied.published is True
    assert _body(webflow, live=True) == _body(webflow, live=False) != original
    assert _actions(store, changeset_id)[:2] == ["changeset.published", "changeset.apply.done"]

    reverted = revert(store, connector, changeset_id, actor="priya")
    assert reverted.changeset.status == Status.REVERTED and reverted.published is True
    assert _body(webflow, live=True) == _body(webflow, live=False) == original  # the live site follows the revert
    assert _actions(store, changeset_id)[:2] == ["changeset.republished", "changeset.revert.done"]
    assert _publishes(webflow) == 2


def test_without_publish_apply_stages_only_and_revert_publishes_nothing(store, webflow, connector):
    _, changeset_id = _approved(store, connector)
    original = _body(webflow, live=True)
    applied = apply(store, connector, changeset_id, actor="priya")
    assert applied.published is False and _body(webflow, live=True) == original != _body(webflow, live=False)
    reverted = revert(store, connector, changeset_id, actor="priya")
    assert reverted.published is False and _publishes(webflow) == 0  # never live, so nothing to put back live
    assert "changeset.republished" not in _actions(store, changeset_id)


def test_apply_with_publish_publishes_nothing_when_the_apply_meets_a_conflict(store, webflow, connector):
    tracked, changeset_id = _approved(store, connector)
    current = store.load(store.revision(tracked.head_revision_id)).block(BLOCK)
    # Someone edits the same paragraph in the Designer after the changeset was staged.
    connector.apply(remote_ref(tracked), [Edit(block_id=BLOCK, before=current.text,
                                               after=current.text.replace("So we built", "Then we built"))],
                    _NoJournal())
    original = _body(webflow, live=True)
    with pytest.raises(Conflict):
        apply(store, connector, changeset_id, actor="priya", publish=True)
    changeset = changesets.get(store, changeset_id)
    assert changeset.status == Status.CONFLICT and changeset.published_at is None
    assert _publishes(webflow) == 0 and _body(webflow, live=True) == original
    assert "changeset.published" not in _actions(store, changeset_id)


def test_apply_with_publish_on_a_tool_without_a_publish_step_is_refused_before_writing(store):
    class LiveAtOnce:
        source = "notion"
        requests_made = 0

        def __init__(self) -> None:
            self.sent: list[str] = []

        def apply(self, ref, edits, journal, *, dry_run=False):
            self.sent += [e.block_id for e in edits]
            return make_document(*(e.after for e in edits))

    tracked = store.record(make_document("One.", "Two.")).document
    changeset = changesets.stage(store, tracked, [ProposedEdit("b1", "Uno.")], actor="agent")
    changesets.approve(store, changeset.id, actor="priya")
    tool = LiveAtOnce()
    with pytest.raises(ConfigError, match="notion has no publish step"):
        apply(store, tool, changeset.id, actor="priya", publish=True)
    assert changesets.get(store, changeset.id).status == Status.APPROVED and tool.sent == []
    assert apply(store, tool, changeset.id, actor="priya").published is None  # live at once: nothing to say


class _NoJournal:
    def intent(self, block_ids, request, previous) -> None:
        """An outside edit is not copydesk's to journal."""

    def done(self, block_ids) -> None:
        """Nor to confirm."""
