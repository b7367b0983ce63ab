"""The connector contract, as one set of tests every tool passes (dulwich's object-store tests
are the model: one base class, run against each implementation).

A tool joins by subclassing `ConnectorContract` in a small `test_<tool>_conformance.py` with a
`tool` fixture that returns its `ToolUnderTest`: how to build the connector, and how to reach
the tool behind it (edit as a colleague, delete, count writes, fail requests). Where a tool
cannot keep a point of the contract, its file overrides that test with
`pytest.mark.xfail(strict=True, reason=...)` saying why, so the gap is on record and a fix
shows up as an unexpected pass.

The points: a listing returns refs and a cursor, and re-lists nothing new when nothing
changed; an edit made behind copydesk's back shows up in the next incremental listing; a
vanished document is a typed `NotFound`; a stale `before` is a `Conflict` with no write sent;
each write is journalled as intent before it is sent and done after; a dry run journals and
sends nothing; apply then revert restores every block, formatting included; errors map to the
tree (refused token, rate limit, server error); every read-only block says why and every
text left out is named with its reason and size; and the optional capabilities (`Publisher`,
`HandWritten`) do what they say.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from connectors.document import Block, Document, DocumentRef, Edit
from connectors.errors import AuthError, Conflict, ManualStep, NotFound, RemoteError
from connectors.protocol import Connector, HandWritten, Publisher
from tests.connectors.journals import RecordingJournal


@dataclass(frozen=True)
class Sample:
    """An editable block of one document, and a word in it to change (inside one plain run,
    so the edit keeps the block's formatting): for the revert point, a block with a bold run
    and a link."""

    remote_id: str
    block_id: str
    find: str
    replace: str


class ToolUnderTest(ABC):
    """One implementation of the protocol, and the tool behind it, as the contract needs them."""

    sample: Sample  # a block with bold and a link, in a document the connector writes
    other: Sample  # an editable block of another document (Publisher: published or not)
    hand_written: Sample | None = None  # a block `apply` cannot write (HandWritten tools only)

    def __init__(self) -> None:
        self._made: list[Connector] = []

    def connector(self, **options: Any) -> Connector:
        """A connector to the tool, closed after the test."""
        connector = self.make_connector(**options)
        self._made.append(connector)
        return connector

    def close(self) -> None:
        for connector in self._made:
            connector.close()  # type: ignore[attr-defined]

    @abstractmethod
    def make_connector(self, *, token: str | None = None) -> Connector:
        """A connector with the tool's test token, or with `token` instead."""

    @abstractmethod
    def edit_behind(self, remote_id: str, find: str, replace: str) -> None:
        """A colleague replaces `find` with `replace` in the document, in the tool itself."""

    @abstractmethod
    def vanish(self, ref: DocumentRef) -> DocumentRef:
        """Make the document gone from the tool; the ref a caller then holds for it."""

    @abstractmethod
    def writes(self) -> int:
        """Write requests the tool has received so far."""

    @abstractmethod
    def fail_requests(self, status: int, count: int) -> None:
        """The tool answers the next `count` requests with `status` (Retry-After 0 on a 429)."""

    def is_live(self, ref: DocumentRef) -> bool:
        """Whether visitors see the document as last written (Publisher tools only)."""
        raise NotImplementedError(f"{type(self).__name__} is not a Publisher")


class WatchingJournal(RecordingJournal):
    """A recording journal that also reads the tool at each call, in order, so a test sees
    what the remote said when a write was announced (it must not have landed yet) and when it
    was confirmed (it must have)."""

    def __init__(self, tool: ToolUnderTest, ref: DocumentRef) -> None:
        super().__init__()
        self._reader = tool.connector()
        self._ref = ref
        self.seen: list[tuple[str, str, str]] = []  # (call, block id, the remote's text then)

    def intent(self, block_ids: Sequence[str], request: dict[str, Any], previous: Sequence[Block]) -> None:
        self._look("intent", block_ids)
        super().intent(block_ids, request, previous)

    def done(self, block_ids: Sequence[str]) -> None:
        self._look("done", block_ids)
        super().done(block_ids)

    def _look(self, call: str, block_ids: Sequence[str]) -> None:
        remote = self._reader.fetch(self._ref)
        for block_id in block_ids:
            block = remote.block(block_id)
            self.seen.append((call, block_id, block.text if block else "<gone>"))


def listed(connector: Connector, remote_id: str) -> DocumentRef:
    """The document's ref as a full listing gives it."""
    refs = [r for r in connector.list_changed(None) if r.remote_id == remote_id]
    assert refs, f"{remote_id} is not in a full listing"
    return refs[0]


def edit_of(document: Document, sample: Sample) -> Edit:
    block = document.block(sample.block_id)
    assert block is not None and sample.find in block.text, f"{sample.block_id} does not read {sample.find!r}"
    return Edit(block_id=block.id, before=block.text, after=block.text.replace(sample.find, sample.replace, 1))


def coverage_problems(document: Document) -> list[str]:
    """What breaks "nothing silently missed" in one fetched document: a read-only block with
    text that does not say why, or an element left out without a name, a reason or a size.
    A block without text (a divider) has nothing for a reviewer to read or fix by hand."""
    name = document.ref.title or document.ref.remote_id
    problems = [f"{name}: read-only block {b.id} ({b.kind}) has no readonly_reason"
                for b in document.blocks if not b.editable and b.text.strip() and not b.readonly_reason.strip()]
    problems += [f"{name}: not-captured entry {item!r} lacks an element, a reason or a size"
                 for item in document.not_captured
                 if not item.element.strip() or not item.reason.strip() or item.chars <= 0]
    return problems


def formatting(blocks: Sequence[Block]) -> list[tuple[str, str, str, tuple[Any, ...]]]:
    """Blocks as the contract compares them: id, kind, text and every run with its marks."""
    return [(b.id, b.kind, b.text, b.spans) for b in blocks]


class ConnectorContract:
    """The contract's tests; a subclass supplies the `tool` fixture."""

    @pytest.fixture
    def tool(self) -> Iterator[ToolUnderTest]:
        raise NotImplementedError("a tool's conformance file provides the `tool` fixture")

    def test_a_full_listing_gives_refs_and_a_cursor_and_nothing_new_when_unchanged(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        full = connector.list_changed(None)
        seen = {r.remote_id: r.remote_version for r in full}
        assert full.done and full.cursor, "a full listing ends with a cursor"
        assert tool.sample.remote_id in seen and tool.other.remote_id in seen
        again = connector.list_changed(full.cursor)
        news = [r.remote_id for r in again if seen.get(r.remote_id) != r.remote_version]
        assert news == [] and again.cursor

    def test_an_edit_behind_copydesks_back_shows_in_the_next_incremental_listing(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        full = connector.list_changed(None)
        seen = {r.remote_id: r.remote_version for r in full}
        tool.edit_behind(tool.sample.remote_id, tool.sample.find, tool.sample.replace)
        changed = {r.remote_id: r.remote_version for r in tool.connector().list_changed(full.cursor)}
        assert tool.sample.remote_id in changed and changed[tool.sample.remote_id] != seen[tool.sample.remote_id]
        assert changed.get(tool.other.remote_id, seen[tool.other.remote_id]) == seen[tool.other.remote_id]

    def test_every_read_only_block_says_why_and_every_text_left_out_is_named(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        problems = [problem for ref in connector.list_changed(None) if not ref.archived
                    for problem in coverage_problems(connector.fetch(ref))]
        assert not problems, "\n".join(problems)

    def test_a_vanished_document_is_a_typed_not_found(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        gone = tool.vanish(listed(connector, tool.other.remote_id))
        with pytest.raises(NotFound):
            connector.fetch(gone)

    def test_a_stale_before_is_a_conflict_and_nothing_is_written(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        ref = listed(connector, tool.sample.remote_id)
        edit = edit_of(connector.fetch(ref), tool.sample)
        tool.edit_behind(tool.sample.remote_id, tool.sample.find, "changed by a colleague")
        writes, journal = tool.writes(), RecordingJournal()
        with pytest.raises(Conflict) as caught:
            connector.apply(ref, [edit], journal)
        assert "changed by a colleague" in (caught.value.remote[edit.block_id] or "")
        assert tool.writes() == writes and journal.intents == []

    def test_each_write_is_journalled_before_it_is_sent_and_done_after(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        ref = listed(connector, tool.sample.remote_id)
        edit = edit_of(connector.fetch(ref), tool.sample)
        journal = WatchingJournal(tool, ref)
        applied = connector.apply(ref, [edit], journal)
        assert applied.block(edit.block_id).text == edit.after  # type: ignore[union-attr]
        assert [ids for ids, _, _ in journal.intents] == [[edit.block_id]]
        assert [b.text for _, _, previous in journal.intents for b in previous] == [edit.before]
        assert journal.confirmed == [[edit.block_id]]
        assert journal.seen == [("intent", edit.block_id, edit.before), ("done", edit.block_id, edit.after)]

    def test_a_dry_run_journals_intents_and_sends_nothing(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        ref = listed(connector, tool.sample.remote_id)
        original = connector.fetch(ref)
        edit = edit_of(original, tool.sample)
        writes, journal = tool.writes(), RecordingJournal()
        current = connector.apply(ref, [edit], journal, dry_run=True)
        assert [ids for ids, _, _ in journal.intents] == [[edit.block_id]] and journal.confirmed == []
        assert journal.intents[0][1], "the intent carries the request that would be sent"
        assert tool.writes() == writes
        assert formatting(current.blocks) == formatting(original.blocks)
        assert formatting(tool.connector().fetch(ref).blocks) == formatting(original.blocks)

    def test_apply_then_revert_restores_every_block_with_its_formatting(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        ref = listed(connector, tool.sample.remote_id)
        original = connector.fetch(ref)
        block = original.block(tool.sample.block_id)
        assert block is not None and any(s.bold for s in block.spans) and any(s.href for s in block.spans), \
            "the sample block has a bold run and a link"
        edit = edit_of(original, tool.sample)
        applied = connector.apply(ref, [edit], RecordingJournal())
        written = applied.block(edit.block_id)
        assert written is not None and written.text == edit.after
        assert [(s.bold, s.href) for s in written.spans] == [(s.bold, s.href) for s in block.spans]
        revert = Edit(block_id=edit.block_id, before=edit.after, after=edit.before, target=block)
        reverted = connector.apply(ref, [revert], RecordingJournal())
        assert formatting(reverted.blocks) == formatting(original.blocks)
        assert formatting(tool.connector().fetch(ref).blocks) == formatting(original.blocks)

    def test_a_refused_token_is_an_auth_error(self, tool: ToolUnderTest) -> None:
        connector = tool.connector(token="not-the-token-0000")
        with pytest.raises(AuthError) as caught:
            list(connector.list_changed(None))
        assert "not-the-token-0000" not in str(caught.value)

    @pytest.mark.parametrize("status", [429, 500])
    def test_rate_limits_and_server_errors_are_retryable_remote_errors(self, tool: ToolUnderTest, status: int) -> None:
        connector = tool.connector()
        tool.fail_requests(status, count=20)
        with pytest.raises(RemoteError) as caught:
            list(connector.list_changed(None))
        assert caught.value.status == status and caught.value.retryable
        assert not isinstance(caught.value, AuthError)

    def test_a_publisher_publishes_exactly_the_refs_given(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        if not isinstance(connector, Publisher):
            pytest.skip(f"{type(connector).__name__} is not a Publisher: its writes are live at once")
        refs = [listed(connector, s.remote_id) for s in (tool.sample, tool.other)]
        edits = [edit_of(connector.fetch(ref), sample) for ref, sample in zip(refs, (tool.sample, tool.other))]
        for ref, edit in zip(refs, edits):
            connector.apply(ref, [edit], RecordingJournal())
            assert not tool.is_live(ref), "a write is staged until published"
        answer = connector.publish(refs[:1])
        assert answer["published"] == [refs[0].remote_id] and not answer.get("errors")
        assert tool.is_live(refs[0]) and not tool.is_live(refs[1])

    def test_hand_written_steps_are_what_apply_raises(self, tool: ToolUnderTest) -> None:
        connector = tool.connector()
        if not isinstance(connector, HandWritten) or tool.hand_written is None:
            pytest.skip(f"{type(connector).__name__} writes all its text through its API")
        ref = listed(connector, tool.hand_written.remote_id)
        document = connector.fetch(ref)
        edit = edit_of(document, tool.hand_written)
        steps = connector.manual_steps(document, [edit])
        assert [s["block_id"] for s in steps] == [edit.block_id]
        writes, journal = tool.writes(), RecordingJournal()
        with pytest.raises(ManualStep) as caught:
            connector.apply(ref, [edit], journal)
        assert caught.value.steps == steps and tool.writes() == writes and journal.intents == []
        api_ref = listed(connector, tool.sample.remote_id)
        api_document = connector.fetch(api_ref)
        assert connector.manual_steps(api_document, [edit_of(api_document, tool.sample)]) == []
