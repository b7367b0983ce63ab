"""The workspace: opened from a config path, it recovers what a dead process left claimed,
builds each source's connector once, and closing it lets every HTTP client go."""

from __future__ import annotations

import re
from itertools import islice
from pathlib import Path

import pytest

from connectors.errors import CopydeskError
from staging import changesets, lifecycle
from staging.changesets import ProposedEdit
from staging.config import CONFIG_NAME, config_text
from staging.lifecycle import Action, Status
from staging.pull import pull
from staging.workspace import Workspace
from tests.closing import is_closed


@pytest.fixture
def config(sandbox, sandbox_server, tmp_path) -> Path:
    """`copydesk init --sandbox` for the test's sandbox, without the client rate limits."""
    path = tmp_path / CONFIG_NAME
    path.write_text(re.sub(r"^rate = [0-9.]+", "rate = 1000.0", config_text(sandbox=True, port=sandbox_server.port),
                           flags=re.MULTILINE))
    return path


def test_opening_settles_a_changeset_whose_applying_process_died(config):
    with Workspace.open(config) as workspace:
        pull(workspace.store, workspace.connector("notion"))
        tracked = workspace.store.find_documents(title="Product overview")[0]
        block = next(b for b in workspace.store.load(workspace.store.revisions(tracked.id, limit=1)[0]).blocks
                     if b.kind == "paragraph" and b.editable)
        changeset = changesets.stage(workspace.store, tracked, [ProposedEdit(block.id, block.text + " Revised.")],
                                     actor="agent")
        changesets.approve(workspace.store, changeset.id, actor="reviewer")
        lifecycle.transition(workspace.store, changeset.id, Action.APPLY, Status.APPLYING, actor="worker",
                             event="changeset.apply.started")
        changesets.release(workspace.store, changeset.id)  # its process is gone: nobody holds the claim

    with Workspace.open(config) as reopened:
        assert [o.changeset.id for o in reopened.opened.recovered] == [changeset.id]
        assert reopened.opened.recovery_error is None
        assert changesets.claimed(reopened.store) == []
        assert changesets.get(reopened.store, changeset.id).status == "failed"  # nothing had been written


def test_each_source_gets_one_connector_for_the_workspace_s_life(config):
    with Workspace.open(config) as workspace:
        notion = workspace.connector("notion")
        assert workspace.connector("notion") is notion
        everything = workspace.connectors()
        assert list(everything) == sorted(workspace.settings.sources) == ["gdocs", "notion", "webflow"]
        assert everything["notion"] is notion
        assert len({id(c) for c in everything.values()}) == 3


def test_closing_the_workspace_closes_every_connector_and_the_store(config):
    workspace = Workspace.open(config)
    connectors = workspace.connectors()
    for connector in connectors.values():
        list(islice(connector.list_changed(None), 1))
    with workspace.store.session() as session:
        session.connection()
    assert not any(is_closed(c) for c in connectors.values())
    assert workspace.store.engine.pool.checkedin() == 1

    workspace.close()

    assert all(is_closed(c) for c in connectors.values())
    assert workspace.store.engine.pool.checkedin() == 0  # the engine's pooled connection is gone too
    with pytest.raises(CopydeskError, match="closed"):
        workspace.connector("notion")
    workspace.close()  # closing twice does nothing
