"""The sample brief reaches a Webflow page's SEO title: rules-engine propose on the pulled seed
stages the edit, and apply then revert through staging leaves the remote exactly as before."""

from __future__ import annotations

from connectors.sandbox.webflow import WEBFLOW_SITE_ID
from connectors.webflow import WebflowConnector
from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.apply import apply, revert
from staging.pull import pull
from tests.conftest import REPO

SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"
HOME = "page:63e043000f6cad4a26d3ac94"


def test_the_sample_brief_edits_the_seo_title_and_apply_then_revert_is_exact(store, webflow):
    connector = webflow.connector(site_id=WEBFLOW_SITE_ID)
    assert isinstance(connector, WebflowConnector)
    pull(store, connector)
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    run = propose(store, brief, actor="priya")
    staged = [changesets.get(store, i) for i in run.staged]
    home = next(c for c in staged if store.document(c.document_id).remote_id == HOME)
    rows = {row.block_id: row for row in changesets.edits(store, home.id)}
    seo = rows["seo:title"]
    assert seo.before == "HelpHive | The chatbot for your docs"
    assert "chatbot" not in seo.after.lower() and "AI support engineer" in seo.after
    ref = next(r for r in connector.list_changed(None) if r.remote_id == HOME)
    before = connector.fetch(ref)

    # Only the SEO title: the page's node texts are hand-written steps on the primary locale.
    changesets.approve(store, home.id, actor="reviewer", dropped=[b for b in rows if b != "seo:title"])
    assert apply(store, connector, home.id, actor="reviewer").changeset.status == "applied"
    assert connector.fetch(ref).block("seo:title").text == seo.after
    assert revert(store, connector, home.id, actor="reviewer").changeset.status == "reverted"
    after = connector.fetch(ref)
    assert after.raw["page"] == before.raw["page"]
    assert [b.model_dump() for b in after.blocks] == [b.model_dump() for b in before.blocks]
