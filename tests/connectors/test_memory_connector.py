"""What the memory connector offers beyond the contract (tests/connectors/test_memory_conformance.py):
seeding and editing behind copydesk's back, deletion, fault injection, and staging using it
as a drop-in for a sandbox connector (pull, apply, a write lost mid-apply)."""

from __future__ import annotations

import pytest

from connectors.document import Block, Document, DocumentRef, Edit, Span
from connectors.errors import ConfigError, NotFound, RemoteError
from connectors.memory import MemoryConnector, MemoryPublisher, MemoryWorkspace
from staging import changesets
from staging.apply import apply
from staging.changesets import ProposedEdit
from staging.pull import pull
from tests.connectors.journals import RecordingJournal


def page(remote_id: str = "pricing", *texts: str) -> Document:
    blocks = [Block(id="title", kind="title", text=remote_id.title())]
    blocks += [Block(id=f"b{n}", kind="paragraph", text=text) for n, text in enumerate(texts, start=1)]
    return Document(ref=DocumentRef(source="memory", remote_id=remote_id, kind="page"), blocks=tuple(blocks))


class ProcessDied(BaseException):
    """Stands for the applying process being killed: nothing after it runs."""


def test_a_seeded_document_gets_a_version_an_editor_a_title_and_plain_runs():
    workspace = MemoryWorkspace.of([page("pricing", "Plans from $49.")])
    connector = MemoryConnector(workspace, source="marketing")
    [ref] = connector.list_changed(None)
    assert (ref.source, ref.remote_id, ref.title, ref.remote_version) == ("marketing", "pricing", "Pricing", "1")
    assert ref.edited_by == "Jordan Lee" and ref.updated_at is not None
    document = connector.fetch(ref)
    assert document.ref == ref and document.block("b1").spans == (Span(text="Plans from $49."),)
    assert connector.tool == "memory" and connector.requests_made == 2 and workspace.requests["fetch"] == 1


def test_a_colleagues_edit_keeps_the_runs_around_it_and_moves_the_cursor():
    bold = Block(id="b1", kind="paragraph", text="Setup in 5 minutes today.",
                 spans=(Span(text="Setup in 5 minutes", bold=True), Span(text=" today.")))
    workspace = MemoryWorkspace.of([page("pricing").model_copy(update={"blocks": (bold,)})])
    connector = MemoryConnector(workspace)
    listing = connector.list_changed(None)
    list(listing)
    edited = workspace.edit("pricing", "5 minutes", "10 minutes", editor="Priya Raman")
    assert edited.spans == (Span(text="Setup in 10 minutes", bold=True), Span(text=" today."))
    [changed] = connector.list_changed(listing.cursor)
    assert (changed.remote_version, changed.edited_by) == ("2", "Priya Raman")
    with pytest.raises(KeyError):
        workspace.edit("pricing", "not there", "x")


def test_a_deleted_document_is_listed_once_as_archived_then_is_not_found_and_pull_marks_it(store):
    workspace = MemoryWorkspace.of([page("pricing", "One."), page("faq", "Two.")])
    connector = MemoryConnector(workspace)
    assert pull(store, connector).new == 2
    workspace.delete("faq")
    listing = connector.list_changed(store.cursor(store.last_pull("memory")))
    [gone] = list(listing)
    assert (gone.remote_id, gone.archived, gone.remote_version) == ("faq", True, "")
    assert list(connector.list_changed(listing.cursor)) == []
    with pytest.raises(NotFound) as caught:
        connector.fetch(gone)
    assert isinstance(caught.value, RemoteError) and caught.value.status == 404
    assert pull(store, connector).deleted == 1
    assert store.document_by_remote("memory", "faq").status == "deleted"
    assert [r.remote_id for r in connector.list_changed(None)] == ["pricing"]


def test_a_cursor_from_another_tool_is_refused():
    with pytest.raises(ConfigError, match="--full"):
        list(MemoryConnector().list_changed("2026-03-01T12:00:00.000Z"))


@pytest.mark.parametrize("after_sending", [False, True])
def test_a_write_fault_fails_before_or_after_the_write_lands_and_is_never_confirmed(after_sending):
    workspace = MemoryWorkspace.of([page("pricing", "One.", "Two.")])
    connector = MemoryConnector(workspace)
    ref = next(iter(connector.list_changed(None)))
    workspace.fail_next(503, on="write", skip=1, after_sending=after_sending)
    journal = RecordingJournal()
    edits = [Edit(block_id="b1", before="One.", after="Uno."), Edit(block_id="b2", before="Two.", after="Dos.")]
    with pytest.raises(RemoteError) as caught:
        connector.apply(ref, edits, journal)
    assert caught.value.retryable and caught.value.status == 503
    assert [ids for ids, _, _ in journal.intents] == [["b1"], ["b2"]] and journal.confirmed == [["b1"]]
    assert workspace.read("pricing").block("b2").text == ("Dos." if after_sending else "Two.")
    assert workspace.writes == 2 and workspace.read("pricing").block("b1").text == "Uno."


def test_a_tests_own_exception_stands_for_the_process_dying_mid_write():
    workspace = MemoryWorkspace.of([page("pricing", "One.")])
    connector = MemoryConnector(workspace)
    ref = next(iter(connector.list_changed(None)))
    workspace.fail_next(on="write", after_sending=True, error=ProcessDied())
    journal = RecordingJournal()
    with pytest.raises(ProcessDied):
        connector.apply(ref, [Edit(block_id="b1", before="One.", after="Uno.")], journal)
    assert len(journal.intents) == 1 and journal.confirmed == []
    assert workspace.read("pricing").block("b1").text == "Uno."


def test_a_wrong_token_is_refused_on_every_request():
    workspace = MemoryWorkspace.of([page("pricing", "One.")], token="right")
    connector = MemoryConnector(workspace, token="wrong")
    with pytest.raises(RemoteError) as caught:
        connector.fetch(DocumentRef(source="memory", remote_id="pricing", kind="page"))
    assert caught.value.status == 401 and "wrong" not in str(caught.value)


def test_a_publisher_needs_a_workspace_with_drafts():
    with pytest.raises(ConfigError, match="drafts"):
        MemoryPublisher(MemoryWorkspace())
    workspace = MemoryWorkspace.of([page("pricing", "One.")], drafts=True)
    assert MemoryPublisher(workspace).publish([DocumentRef(source="memory", remote_id="gone", kind="page")]) == {
        "published": [], "errors": ["gone"]}


def _staged(store, workspace: MemoryWorkspace, connector: MemoryConnector) -> int:
    pull(store, connector)
    tracked = store.find_documents(title="Pricing")[0]
    staged = changesets.stage(store, tracked, [ProposedEdit("b1", "Uno."), ProposedEdit("b2", "Dos.")], actor="agent")
    changesets.approve(store, staged.id, actor="priya")
    return staged.id


def test_staging_applies_through_it_and_journals_each_write(store):
    workspace = MemoryWorkspace.of([page("pricing", "One.", "Two.")])
    connector = MemoryConnector(workspace)
    changeset_id = _staged(store, workspace, connector)
    outcome = apply(store, connector, changeset_id, actor="sam")
    assert outcome.changeset.status == "applied"
    assert [b.text for b in workspace.read("pricing").blocks] == ["Pricing", "Uno.", "Dos."]
    assert workspace.writes == 2


def test_a_write_lost_mid_apply_is_put_back_by_staging(store):
    workspace = MemoryWorkspace.of([page("pricing", "One.", "Two.")])
    connector = MemoryConnector(workspace)
    changeset_id = _staged(store, workspace, connector)
    workspace.fail_next(500, on="write", skip=1)
    with pytest.raises(Exception, match="failed"):
        apply(store, connector, changeset_id, actor="sam")
    assert changesets.get(store, changeset_id).status == "failed"
    assert [b.text for b in workspace.read("pricing").blocks] == ["Pricing", "One.", "Two."]
    assert workspace.writes == 3  # b1, the refused b2, b1 put back
