"""The sample brief reaches a Google Doc's second tab: the rules engine stages the tagline's
edit there, and apply then revert leave every tab exactly as it was."""

from __future__ import annotations

from typing import Any

from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.apply import apply, revert
from staging.pull import pull
from tests.conftest import GdocsSandbox
from tests.staging.agent.test_propose import SAMPLE, still_true

CALL = "1KjRKf4-FWw8CaJU-9tVJ10ex5bkmasqYjCEmDvFYWvf"  # Discovery call: Northwind Traders
TRANSCRIPT = "t.9hw89le30za7"  # its second tab, "Meeting transcript"


def _tabs(gdocs: GdocsSandbox) -> list[dict[str, Any]]:
    response = gdocs.http.get(f"{gdocs.base_url}/v1/documents/{CALL}", params={"includeTabsContent": "true"},
                              headers={"Authorization": f"Bearer {gdocs.token}"})
    response.raise_for_status()
    return list(response.json()["tabs"])


def test_propose_edits_the_tagline_in_the_second_tab_and_apply_then_revert_is_exact(store, gdocs: GdocsSandbox):
    connector = gdocs.connector()
    pull(store, connector)
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    run = propose(store, brief, actor="priya")

    tracked = next(d for d in store.find_documents(title="Discovery call: Northwind Traders") if d.remote_id == CALL)
    (changeset_id,) = [i for i in run.staged if changesets.get(store, i).document_id == tracked.id]
    edits = changesets.edits(store, changeset_id)
    tagline = next(e for e in edits if e.block_id == f"{TRANSCRIPT}/p0001")
    assert "the chatbot for your docs" in tagline.before
    assert "the AI support engineer for your team" in tagline.after
    assert all(e.block_id.startswith(("t.", "p")) and "/tab" not in e.block_id for e in edits)

    original = _tabs(gdocs)
    changesets.approve(store, changeset_id, actor="reviewer", dismissed=still_true(store, changeset_id))
    assert apply(store, connector, changeset_id, actor="reviewer").changeset.status == "applied"
    written = _tabs(gdocs)
    assert written[0] == original[0], "the first tab is untouched"
    assert "the AI support engineer for your team" in str(written[1]["documentTab"]["body"])

    assert revert(store, connector, changeset_id, actor="reviewer").changeset.status == "reverted"
    assert _tabs(gdocs) == original
