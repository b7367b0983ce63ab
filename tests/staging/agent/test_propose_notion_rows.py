"""The sample brief reaches a Notion database's "Tagline" column and an image's caption.

The seed's "Content calendar" row "Launch post: HelpHive 3.5" says "the chatbot for your
docs" in its Tagline (a rich_text property), and "Marketing: Launch plan Q3" shows an image
whose caption says it too. Pulled through the Notion connector from the sandbox, the rules
engine stages an edit of each; applied, the remote reads the new text, and reverted, it reads
exactly as before.
"""

from __future__ import annotations

import pytest

from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.apply import apply, remote_ref, revert
from staging.pull import pull
from tests.conftest import REPO

SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


@pytest.fixture
def proposed(store, sandbox):
    connector = sandbox.connector()
    pull(store, connector)
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    run = propose(store, brief, actor="priya")
    return store, connector, run


def _staged_edit(store, run, title: str, kind_of_block):
    tracked = store.find_documents(title=title)[0]
    changeset = next(changesets.get(store, i) for i in run.staged
                     if changesets.get(store, i).document_id == tracked.id)
    edit = next(e for e in changesets.edits(store, changeset.id) if kind_of_block(e.block_id))
    return tracked, changeset, edit


def _apply_then_revert_exactly(store, connector, tracked, changeset, edit):
    """Approve the page's whole changeset (its flags dismissed), apply it, revert it."""
    ref = remote_ref(tracked)
    before = connector.fetch(ref)
    changesets.approve(store, changeset.id, actor="reviewer",
                       dismissed={r.block_id: "the claim is still true here" for r in changesets.edits(store, changeset.id)
                                  if changesets.unresolved(r)})

    assert apply(store, connector, changeset.id, actor="reviewer").changeset.status == "applied"
    assert connector.fetch(ref).block(edit.block_id).text == edit.after

    assert revert(store, connector, changeset.id, actor="reviewer").changeset.status == "reverted"
    after = connector.fetch(ref)
    assert after.blocks == before.blocks
    assert after.raw["properties"] == before.raw["properties"]


def test_the_brief_edits_the_tagline_property_and_apply_then_revert_is_exact(proposed):
    store, connector, run = proposed
    tracked, changeset, edit = _staged_edit(store, run, "Launch post: HelpHive 3.5",
                                            lambda block_id: block_id.startswith("property:"))
    assert "the chatbot for your docs" in edit.before
    assert "the AI support engineer for your team" in edit.after and "chatbot" not in edit.after
    _apply_then_revert_exactly(store, connector, tracked, changeset, edit)


def test_the_brief_edits_an_image_caption_and_apply_then_revert_is_exact(proposed):
    store, connector, run = proposed
    tracked, changeset, edit = _staged_edit(store, run, "Marketing: Launch plan Q3",
                                            lambda block_id: block_id.endswith("/caption"))
    assert "chatbot" in edit.before and "chatbot" not in edit.after
    _apply_then_revert_exactly(store, connector, tracked, changeset, edit)
