"""The sample brief on the Notion seed's synced block and link chip, end to end over HTTP: the
rules engine stages the synced original once (never its copy on another page), apply then
revert is exact on it, and the paragraph holding a link mention is refused as lossy before
any write."""

from __future__ import annotations

import pytest

from connectors.errors import LossyEdit
from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.apply import apply, remote_ref, revert
from staging.pull import pull
from tests.conftest import REPO

SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"
TAGLINE = "the chatbot for your docs"


def _patches(sandbox) -> int:
    return sum(n for route, n in sandbox.stats()["routes"].items() if route.startswith("PATCH"))


@pytest.fixture
def proposed(store, sandbox):
    connector = sandbox.connector()
    pull(store, connector)
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    run = propose(store, brief, actor="priya")
    staged = {store.document(c.document_id).title: c for c in (changesets.get(store, i) for i in run.staged)}
    return store, connector, staged


def _edits(store, changeset) -> dict:
    return {e.block_id: e for e in changesets.edits(store, changeset.id)}


def test_the_synced_original_is_staged_once_and_apply_then_revert_is_exact(proposed, sandbox):
    store, connector, staged = proposed
    boilerplate = store.find_documents(title="Brand boilerplate")[0]
    original = connector.fetch(remote_ref(boilerplate))
    synced = next(b for b in original.blocks if TAGLINE in b.text)
    assert synced.editable and "synced_original" in synced.attrs

    edits = _edits(store, staged["Brand boilerplate"])
    assert synced.id in edits and TAGLINE not in edits[synced.id].after.lower()
    press = connector.fetch(remote_ref(store.find_documents(title="Press kit")[0]))
    copies = {b.id for b in press.blocks if b.attrs.get("synced_original")}
    assert copies and TAGLINE in " ".join(b.text for b in press.blocks if b.id in copies)
    assert not copies & set(_edits(store, staged["Press kit"])), "the copy in the press kit is never staged"

    changesets.approve(store, staged["Brand boilerplate"].id, actor="reviewer")
    assert apply(store, connector, staged["Brand boilerplate"].id, actor="lead").changeset.status == "applied"
    press = connector.fetch(remote_ref(store.find_documents(title="Press kit")[0]))
    assert edits[synced.id].after in [b.text for b in press.blocks if not b.editable], "the copy shows the edit"

    assert revert(store, connector, staged["Brand boilerplate"].id, actor="lead").changeset.status == "reverted"
    assert connector.fetch(remote_ref(boilerplate)).blocks == original.blocks


def test_the_paragraph_with_a_link_mention_is_refused_as_lossy_before_any_write(proposed, sandbox):
    store, connector, staged = proposed
    press = store.find_documents(title="Press kit")[0]
    before = connector.fetch(remote_ref(press))
    chip = next(b for b in before.blocks if any(s.mention and s.mention.type == "link_mention" for s in b.spans))
    edits = _edits(store, staged["Press kit"])
    assert chip.id in edits and "chatbot" not in edits[chip.id].after
    changesets.approve(store, staged["Press kit"].id, actor="reviewer")
    writes = _patches(sandbox)

    with pytest.raises(LossyEdit, match="link preview"):
        apply(store, connector, staged["Press kit"].id, actor="lead")

    assert _patches(sandbox) == writes and changesets.get(store, staged["Press kit"].id).status == "approved"
    assert connector.fetch(remote_ref(press)).blocks == before.blocks
