"""The memory connector: the whole connector protocol over a `MemoryWorkspace`, no HTTP.

For tests and benchmarks where the tool does not matter: it keeps the contract the real
connectors keep (the conformance suite in tests/connectors/ holds all four to it), so a
staging test can use it as a drop-in for a sandbox connector and run in milliseconds.

- Listing: the cursor is the workspace's change counter; a full listing yields every live
  document, an incremental one what changed after the cursor (a deleted document as an
  archived ref without a version, whose `fetch` is a 404, as Drive and Webflow do).
- Writes are one request per block, in place, journalled intent → send → done, after the
  shared preflight (`Conflict` or `LossyEdit` with nothing written). A rewritten block keeps
  its runs' marks word by word; an edit with a `target` (revert) writes that block exactly.
- Every call is one request (`requests_made`); nothing is retried, so an injected fault is
  raised as the error the tool's answer maps to.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from functools import partial
from typing import Any, TypeVar

from connectors.document import Block, Document, DocumentRef, Edit
from connectors.errors import AuthError, ConfigError, RemoteError, RemoteNotFound
from connectors.journalled import PlannedWrite, send_journalled
from connectors.memory.workspace import Fault, MemoryWorkspace, Stored
from connectors.preflight import PlannedEdit, preflight
from connectors.protocol import Cursor, Listing, WriteJournal

T = TypeVar("T")
TOOL = "memory"
EDITOR = "copydesk"  # who the tool says made the connector's writes


class MemoryConnector:
    """Lists, fetches and writes the documents of one `MemoryWorkspace`, counting requests."""

    tool = TOOL
    label = "Memory"

    def __init__(self, workspace: MemoryWorkspace | None = None, *, source: str = TOOL, token: str = "") -> None:
        self.workspace = workspace if workspace is not None else MemoryWorkspace()
        self.source = source
        self._token = token
        self._requests = 0

    @property
    def requests_made(self) -> int:
        return self._requests

    def close(self) -> None:
        """Nothing to release; here so callers close every connector alike."""

    # -- protocol -------------------------------------------------------------------------

    def list_changed(self, since: Cursor | None) -> Listing:
        return Listing(self._iter_changed(since))

    def fetch(self, ref: DocumentRef) -> Document:
        return self._request("fetch", lambda: self._read(ref))

    def apply(self, ref: DocumentRef, edits: Sequence[Edit], journal: WriteJournal, *,
              dry_run: bool = False) -> Document:
        current = self.fetch(ref)
        writes = (PlannedWrite([block.id], _request(ref, block), [planned.block], block)
                  for planned in preflight(current, edits) for block in [_written(planned)])
        send_journalled(writes, journal, lambda block: self._request(
            "write", partial(self.workspace.write_block, ref.remote_id, block, EDITOR)), dry_run=dry_run)
        return current if dry_run else self.fetch(ref)

    # -- internals ------------------------------------------------------------------------

    def _iter_changed(self, since: Cursor | None) -> Generator[DocumentRef, None, Cursor | None]:
        counter = _counter(since)
        changed, cursor = self._request("list", lambda: self.workspace.listing(counter))
        for stored in changed:
            yield self._ref(stored)
        return str(cursor)

    def _read(self, ref: DocumentRef) -> Document:
        with self.workspace.lock:
            stored = self.workspace.documents.get(ref.remote_id)
        if stored is None or stored.deleted:
            raise _answer(Fault(status=404), self.source, ref.title or ref.remote_id)
        return stored.document.model_copy(update={"ref": self._ref(stored)})

    def _ref(self, stored: Stored) -> DocumentRef:
        ref = stored.document.ref.model_copy(update={"source": self.source})
        if stored.deleted:
            return ref.model_copy(update={"archived": True, "remote_version": ""})
        return ref

    def _request(self, kind: str, answer: Callable[[], T]) -> T:
        """One request to the tool: counted, met by any queued fault, checked against the token."""
        self._requests += 1
        fault = self.workspace.take_fault(kind)
        if fault is not None and not fault.after_sending:
            raise _failure(fault, self.source)
        if self._token != self.workspace.token:
            raise _answer(Fault(status=401), self.source, "")
        result = answer()
        if fault is not None:  # sent and done, but the answer was lost
            raise _failure(fault, self.source)
        return result


class MemoryPublisher(MemoryConnector):
    """The memory connector of a tool with drafts (`MemoryWorkspace(drafts=True)`): writes
    wait for `publish`, as with Webflow's CMS, for tests of the `Publisher` capability."""

    def __init__(self, workspace: MemoryWorkspace | None = None, *, source: str = TOOL, token: str = "") -> None:
        workspace = workspace if workspace is not None else MemoryWorkspace(drafts=True)
        if not workspace.drafts:
            raise ConfigError("A memory publisher needs a workspace with drafts: MemoryWorkspace(drafts=True).")
        super().__init__(workspace, source=source, token=token)

    def publish(self, refs: Sequence[DocumentRef]) -> dict[str, Any]:
        """Publish exactly these documents' drafts (one request)."""
        return self._request("publish", lambda: dict(self.workspace.publish(r.remote_id for r in refs)))


def _written(planned: PlannedEdit) -> Block:
    """The block as the write leaves it: the revision's block itself for a revert, otherwise
    the current block with the new text in runs carried over from the old ones."""
    if planned.rewrite is None:
        assert planned.edit.target is not None
        return planned.edit.target.model_copy(update={"id": planned.block.id})
    return planned.block.model_copy(update={"text": planned.edit.after, "spans": planned.rewrite.spans})


def _counter(since: Cursor | None) -> int | None:
    if since is None:
        return None
    try:
        return int(since)
    except ValueError:
        raise ConfigError(f"The cursor {since!r} is not one the memory tool gave; pull with --full.") from None


def _failure(fault: Fault, source: str) -> BaseException:
    return fault.error if fault.error is not None else _answer(fault, source, "")


def _answer(fault: Fault, source: str, what: str) -> RemoteError:
    """The error a fault's status maps to (the only place: the memory tool's `map_errors`)."""
    status = fault.status
    if status in (401, 403):
        return AuthError(f"The memory tool refused the token ({status}): give the connector its workspace's token.",
                         source=source, status=status)
    if status == 404:
        return RemoteNotFound(f"{what or 'The document'} is gone from the memory tool: it was deleted.",
                              source=source, status=404, code="gone")
    retryable = status == 429 or status >= 500
    return RemoteError(f"The memory tool answered {status}" + ("; try again later." if retryable else "."),
                       source=source, status=status, retryable=retryable, retry_after=fault.retry_after)


def _request(ref: DocumentRef, block: Block) -> dict[str, Any]:
    """How a block's write reads in the journal, as a tool's own request would."""
    return {"method": "PUT", "path": f"/documents/{ref.remote_id}/blocks/{block.id}",
            "body": {"spans": [s.model_dump(mode="json", exclude_defaults=True) for s in block.spans]}}
