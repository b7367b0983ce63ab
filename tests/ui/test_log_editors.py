"""`copydesk log` and `show` say who made each revision: the colleague the tool names for an
outside edit, and the reviewer for copydesk's own writes."""

from __future__ import annotations

import json
from contextlib import closing

from staging import changesets
from staging.apply import apply
from staging.changesets import ProposedEdit
from staging.config import load_settings
from staging.store import Store
from tests.ui.conftest import cli


def test_log_names_the_colleague_who_edited_and_the_reviewer_who_applied(workdir, sandbox):
    cli("pull")
    store = Store(load_settings(workdir / "copydesk.toml").store_url)
    tracked = store.find_documents(title="Product overview")[0]
    sandbox.post("edit", {"id": tracked.remote_id, "find": "Setup in 5 minutes", "replace": "Setup in one afternoon"})
    cli("pull")
    text = cli("log", "Product overview")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert "edited in Notion by Jordan Lee" in lines[0] and "Priya Raman" in lines[1], text.stdout
    assert "pull" not in lines[0].split("Product overview")[1]

    head = store.load(changesets.revision_of(store, store.document(tracked.id).head_revision_id))
    block = next(b for b in head.blocks if b.kind == "paragraph" and b.editable)
    changeset = changesets.stage(store, store.document(tracked.id), [ProposedEdit(block.id, block.text + " Really.")],
                                 actor="agent", title="Add a word")
    changesets.approve(store, changeset.id, actor="sam")
    with closing(load_settings(workdir / "copydesk.toml").connector("notion")) as connector:
        apply(store, connector, changeset.id, actor="sam")
    log = json.loads(cli("log", "Product overview", "--json").stdout)
    assert [(e["origin"], e["actor"], e["summary"]) for e in log[:2]] == [
        ("apply", "sam", f"applied #{changeset.id} by sam"), ("pull", "Jordan Lee", "edited in Notion by Jordan Lee")]
    assert log[1]["edited_by"] == "Jordan Lee" and log[0]["changeset"] == changeset.id
    assert f"applied #{changeset.id} by sam" in " ".join(cli("show", "Product overview").stderr.split())
    store.close()
