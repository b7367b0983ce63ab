"""Apply and revert over HTTP: on every tool's sandbox, exact writes and reverts with formatting
kept, conflicts, retried faults and restore; on Notion's, what only Notion has (mentions, page
properties, block-by-block writes rolled back, its request shape)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from connectors.document import Block, Document
from connectors.errors import Conflict, CopydeskError, LossyEdit
from staging import changesets
from staging.apply import apply, recover, remote_ref, revert
from staging.changesets import ProposedEdit
from staging.models import JournalEntry
from staging.pull import pull


def _patches(sandbox) -> int:
    return sum(n for route, n in sandbox.stats()["routes"].items() if route.startswith("PATCH"))


class Page:
    """One pulled page: its tracked row, ref, and the document as the remote has it."""

    def __init__(self, store, connector, title: str) -> None:
        self.store, self.connector = store, connector
        self.tracked = store.find_documents(title=title)[0]
        self.ref = remote_ref(self.tracked)
        self.original = self.remote()

    def remote(self) -> Document:
        return self.connector.fetch(self.ref)

    def first(self, kind: str, where) -> Block:
        return next(b for b in self.original.blocks if b.kind == kind and b.editable and where(b))

    def approved(self, *proposals: ProposedEdit, allow_lossy: bool = False) -> int:
        changeset = changesets.stage(self.store, self.tracked, list(proposals), actor="test")
        changesets.approve(self.store, changeset.id, actor="reviewer", allow_lossy=allow_lossy)
        return changeset.id


@pytest.fixture
def page(store, sandbox) -> Page:
    """Notion's "Product overview", pulled."""
    connector = sandbox.connector()
    pull(store, connector)
    return Page(store, connector, "Product overview")


@pytest.fixture
def tool_page(store, tool):
    """The tool's seeded document with formatted text, pulled."""
    connector = tool.connector()
    pull(store, connector)
    yield Page(store, connector, tool.document)
    connector.close()


def _with_marks(block: Block) -> bool:
    return len(block.spans) > 1 and any(s.bold or s.href for s in block.spans) and not any(s.mention for s in block.spans)


def _words(block: Block) -> tuple:
    return block.id, block.kind, block.text, block.spans


def test_apply_writes_exactly_the_approved_edits_and_revert_restores_the_document_exactly(tool_page, tool):
    page = tool_page
    formatted = page.first("paragraph", _with_marks)
    plain_run = next(s for s in formatted.spans if not (s.bold or s.href or s.mention) and len(s.text.split()) > 2)
    word = plain_run.text.split()[1]
    other = page.first("paragraph", lambda b: b.id != formatted.id and len(b.text.split()) > 6)
    edits = [
        ProposedEdit(formatted.id, formatted.text.replace(plain_run.text, plain_run.text.replace(word, "REWORDED", 1), 1)),
        ProposedEdit(other.id, other.text + " And more."),
    ]
    changeset_id = page.approved(*edits)

    outcome = apply(page.store, page.connector, changeset_id, actor="test")

    assert outcome.changeset.status == "applied"
    now = page.remote()
    assert {e.block_id: now.block(e.block_id).text for e in edits} == {e.block_id: e.after for e in edits}
    kept = [s for s in formatted.spans if s != plain_run]
    assert all(s in now.block(formatted.id).spans for s in kept), "bold and linked runs are untouched"
    edited = {e.block_id for e in edits}
    assert [_words(b) for b in now.blocks if b.id not in edited] == \
        [_words(b) for b in page.original.blocks if b.id not in edited], "nothing else was written"
    assert page.store.revision(outcome.revision_id).changeset_id == changeset_id

    reverted = revert(page.store, page.connector, changeset_id, actor="test")

    assert reverted.changeset.status == "reverted"
    assert page.remote().blocks == page.original.blocks, "text, runs, links, structure and order"


def test_an_outside_edit_after_apply_makes_revert_a_conflict_and_writes_nothing(tool_page, tool):
    page = tool_page
    block = page.first("paragraph", lambda b: "Setup in 5 minutes" in b.text)
    changeset_id = page.approved(ProposedEdit(block.id, block.text.replace("5 minutes", "an hour")))
    apply(page.store, page.connector, changeset_id, actor="test")
    tool.edit(page.ref, block.id, "an hour", "a day")
    writes = tool.writes()

    with pytest.raises(Conflict) as raised:
        revert(page.store, page.connector, changeset_id, actor="test")

    assert tool.writes() == writes
    settled = changesets.get(page.store, changeset_id)
    assert settled.status == "revert_conflict"
    assert "a day" in settled.conflicts[block.id] and block.id in str(raised.value)


def test_rate_limits_and_5xx_during_apply_are_retried(tool_page, tool):
    page = tool_page
    block = page.first("paragraph", lambda b: "Setup in 5 minutes" in b.text)
    changeset_id = page.approved(ProposedEdit(block.id, block.text.replace("5 minutes", "an hour")))
    tool.post("faults", {"status": 429, "retry_after": 0, "match": tool.write_match})
    tool.post("faults", {"status": 503, "match": tool.write_match})

    assert apply(page.store, page.connector, changeset_id, actor="test").changeset.status == "applied"

    assert tool.stats()["faults_served"] == 2
    assert page.remote().block(block.id).text == block.text.replace("5 minutes", "an hour")


def test_restore_brings_back_an_older_revision_with_its_formatting(tool_page, tool):
    page = tool_page
    formatted = page.first("paragraph", _with_marks)
    changeset_id = page.approved(ProposedEdit(formatted.id, "Plain words only."), allow_lossy=True)
    apply(page.store, page.connector, changeset_id, actor="test")
    before_apply = page.store.revisions(page.tracked.id)[1]

    restore = changesets.stage_restore(page.store, page.store.document(page.tracked.id), before_apply, actor="test")
    changesets.approve(page.store, restore.id, actor="reviewer")
    assert apply(page.store, page.connector, restore.id, actor="test").changeset.status == "applied"

    assert page.remote().block(formatted.id) == formatted


def test_apply_keeps_mentions_and_page_properties_and_revert_restores_the_page_exactly(page, sandbox):
    """Notion only: mentions inside edited text and the page's properties (its title)."""
    formatted = page.first("paragraph", _with_marks)
    plain_run = next(s for s in formatted.spans if not (s.bold or s.href or s.mention) and len(s.text.split()) > 2)
    word = plain_run.text.split()[1]
    mentioned = page.first("cell", lambda b: any(s.mention for s in b.spans)) if any(
        b.kind == "cell" and any(s.mention for s in b.spans) for b in page.original.blocks) else \
        page.first("paragraph", lambda b: any(s.mention for s in b.spans))
    cell = page.first("cell", lambda b: b.text and not any(s.mention for s in b.spans))
    edits = [
        ProposedEdit(formatted.id, formatted.text.replace(plain_run.text, plain_run.text.replace(word, "REWORDED", 1), 1)),
        ProposedEdit(mentioned.id, mentioned.text + " (updated)"),
        ProposedEdit(cell.id, cell.text + " and more"),
        ProposedEdit("title", "Product overview, revised"),
    ]
    changeset_id = page.approved(*edits)

    outcome = apply(page.store, page.connector, changeset_id, actor="test")

    assert outcome.changeset.status == "applied"
    now = page.remote()
    for edit in edits:
        assert now.block(edit.block_id).text == edit.after
    kept = [s for s in formatted.spans if s != plain_run]
    assert all(s in now.block(formatted.id).spans for s in kept), "bold and linked runs are untouched"
    assert [s for s in now.block(mentioned.id).spans if s.mention] == [s for s in mentioned.spans if s.mention]
    assert now.block(mentioned.id).raw != mentioned.raw
    assert page.store.revision(outcome.revision_id).changeset_id == changeset_id

    reverted = revert(page.store, page.connector, changeset_id, actor="test")

    assert reverted.changeset.status == "reverted"
    assert page.remote().blocks == page.original.blocks, "text, runs, links, mentions, children and order"
    assert page.remote().raw["properties"] == page.original.raw["properties"]


def test_a_write_that_keeps_failing_ends_failed_with_the_first_write_rolled_back(page, sandbox):
    """Notion only: it writes block by block, so a write can fail after another landed."""
    blocks = [b for b in page.original.blocks if b.kind == "paragraph" and len(b.text) > 20][:2]
    changeset_id = page.approved(*(ProposedEdit(b.id, b.text + " Revised.") for b in blocks))
    attempts = 4  # the sandbox connector's RetryPolicy
    sandbox.post("faults", {"status": 500, "count": attempts, "match": "PATCH", "skip": 1})

    with pytest.raises(CopydeskError) as raised:
        apply(page.store, page.connector, changeset_id, actor="test")

    settled = changesets.get(page.store, changeset_id)
    assert settled.status == "failed" and "put back" in str(raised.value)
    assert [page.remote().block(b.id) for b in blocks] == blocks
    with page.store.session() as session:
        journal = list(session.exec(select(JournalEntry).where(JournalEntry.changeset_id == changeset_id)
                                    .order_by(JournalEntry.id)))
    assert [(j.operation, j.phase) for j in journal][:3] == [("apply", "intent"), ("apply", "done"), ("apply", "intent")]
    assert ("rollback", "done") in [(j.operation, j.phase) for j in journal]


def test_a_lossy_edit_is_refused_unless_allowed(page, sandbox):
    """Notion only: the loss here is a mention, which only Notion's seed has."""
    block = page.first("paragraph", lambda b: any(s.mention for s in b.spans))
    mention = next(s for s in block.spans if s.mention)
    lossy_text = block.text.replace(mention.text, "someone", 1)
    refused = page.approved(ProposedEdit(block.id, lossy_text))
    base = page.store.load(page.store.revision(page.tracked.head_revision_id))
    assert block.id in changesets.lossy_report(base, changesets.edits(page.store, refused))

    with pytest.raises(LossyEdit):
        apply(page.store, page.connector, refused, actor="test")

    assert changesets.get(page.store, refused).status == "approved" and _patches(sandbox) == 0
    assert apply(page.store, page.connector, refused, actor="test", allow_lossy=True).changeset.status == "applied"
    assert page.remote().block(block.id).text == lossy_text


def test_dry_run_returns_the_exact_request_and_touches_nothing(page, sandbox):
    """Notion only: the request checked is Notion's own."""
    block = page.first("paragraph", lambda b: "Setup in 5 minutes" in b.text)
    changeset_id = page.approved(ProposedEdit(block.id, block.text.replace("5 minutes", "an hour")))

    preview = apply(page.store, page.connector, changeset_id, actor="test", dry_run=True)

    assert _patches(sandbox) == 0 and changesets.get(page.store, changeset_id).status == "approved"
    [write] = preview.writes
    assert (write["method"], write["path"], write["blocks"]) == ("PATCH", f"/v1/blocks/{block.id}", [block.id])
    sent = "".join(item["text"]["content"] for item in write["body"]["paragraph"]["rich_text"])
    assert sent == block.text.replace("5 minutes", "an hour")


def test_applying_twice_or_a_rejected_changeset_is_refused(page, sandbox):
    block = page.first("paragraph", lambda b: "Setup in 5 minutes" in b.text)
    changeset_id = page.approved(ProposedEdit(block.id, block.text.replace("5 minutes", "an hour")))
    apply(page.store, page.connector, changeset_id, actor="test")
    writes = _patches(sandbox)
    with pytest.raises(CopydeskError, match="is applied"):
        apply(page.store, page.connector, changeset_id, actor="test")
    rejected = changesets.stage(page.store, page.store.document(page.tracked.id),
                                [ProposedEdit("title", "Another title")], actor="test")
    changesets.reject(page.store, rejected.id, actor="reviewer")
    with pytest.raises(CopydeskError, match="is rejected"):
        changesets.approve(page.store, rejected.id, actor="reviewer")
    with pytest.raises(CopydeskError, match="is rejected"):
        apply(page.store, page.connector, rejected.id, actor="test")
    assert _patches(sandbox) == writes


def test_when_the_remote_stays_down_the_changeset_waits_for_recover(page, sandbox):
    """Notion only: it writes block by block, so the first write can land before the remote goes down."""
    blocks = [b for b in page.original.blocks if b.kind == "paragraph" and len(b.text) > 20][:2]
    changeset_id = page.approved(*(ProposedEdit(b.id, b.text + " Revised.") for b in blocks))
    served = sandbox.stats()["total"]
    page.remote()
    check = sandbox.stats()["total"] - served
    sandbox.post("faults", {"status": 503, "count": 1000, "skip": check + 1})  # the check and the first write pass

    with pytest.raises(CopydeskError, match="copydesk recover"):
        apply(page.store, page.connector, changeset_id, actor="test")

    assert changesets.get(page.store, changeset_id).status == "applying"
    sandbox.post("faults", {"clear": True})
    outcomes, busy = recover(page.store, lambda source: page.connector, actor="test")
    assert busy == [] and outcomes[0].changeset.status == "failed"
    assert outcomes[0].recovery["rolled_back"] == [blocks[0].id]
    assert [page.remote().block(b.id) for b in blocks] == blocks
