"""The connector protocol: what staging may ask of any tool.

Like a git remote, a connector only lists, fetches and applies. It never
stores anything: staging owns the store and the incremental cursor, and hands the cursor
back on the next listing. A cursor is opaque to staging (Notion: an edit time; Drive: a
changes page token).
"""

from __future__ import annotations

from typing import Any, Generator, Iterator, Protocol, Sequence, runtime_checkable

from connectors.document import Block, Document, DocumentRef, Edit

Cursor = str


class Listing(Iterator[DocumentRef]):
    """The refs a listing yields, and afterwards the cursor to resume from next time.

    Wraps a generator that yields refs and returns the new cursor, so a caller can stream
    refs (and show progress) and still get the cursor once the listing is exhausted.
    """

    def __init__(self, refs: Generator[DocumentRef, None, Cursor | None]) -> None:
        self._refs = refs
        self.cursor: Cursor | None = None
        self.done = False

    def __iter__(self) -> Listing:
        return self

    def __next__(self) -> DocumentRef:
        try:
            return next(self._refs)
        except StopIteration as stop:
            self.cursor = stop.value
            self.done = True
            raise


class WriteJournal(Protocol):
    """Where `apply` records each remote write before and after making it, so that a crash
    in between can be found and reconciled (staging's journal; a list for dry runs)."""

    def intent(self, block_ids: Sequence[str], request: dict[str, Any], previous: Sequence[Block]) -> None:
        """About to send `request` (the tool's own write, no credentials) for these blocks,
        which read `previous` just before."""

    def done(self, block_ids: Sequence[str]) -> None:
        """The tool confirmed the write."""


class Connector(Protocol):
    """One tool behind the smallest interface staging needs.

    `source` is the configured source's name (its key in copydesk.toml), the identity every
    ref, document and error carries; `tool` is the tool's id ("notion"), which only decides
    how the source's documents are handled."""

    source: str
    tool: str

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries included."""

    def list_changed(self, since: Cursor | None) -> Listing:
        """Refs of documents that may have changed since `since` (all of them when None).

        A full listing (since=None) includes every live document, so the caller can tell
        which stored ones were deleted."""

    def fetch(self, ref: DocumentRef) -> Document:
        """The whole document as the tool has it now."""

    def apply(self, ref: DocumentRef, edits: Sequence[Edit], journal: WriteJournal, *,
              dry_run: bool = False) -> Document:
        """Write `edits` to the remote document and return it as fetched afterwards.

        Checks first that every edited block still reads `edit.before`; if any does not, raises
        `Conflict` and writes nothing. Raises `LossyEdit` (writing nothing) when an edit cannot
        keep its block's formatting and does not allow it. With `dry_run`, every write is
        journalled as an intent and none is sent; the current document is returned."""

    def close(self) -> None:
        """Release the HTTP client and its connections; the connector is not used afterwards."""


@runtime_checkable
class Publisher(Protocol):
    """A second, optional capability, for tools where a write lands as a draft that must be
    published to go live (Webflow's staged CMS items). Kept apart from `Connector` so the
    three-method protocol stays the same for every tool."""

    def publish(self, refs: Sequence[DocumentRef]) -> dict[str, Any]:
        """Publish exactly these documents' staged content; returns the tool's answer
        (which were published, errors)."""


@runtime_checkable
class HandWritten(Protocol):
    """Another optional capability, for tools whose API cannot write some of their text
    (Webflow's primary-locale static pages), where `apply` raises `ManualStep`: the same steps
    worked out ahead, so a reviewer sees what a person will paste before approving."""

    def manual_steps(self, document: Document, edits: Sequence[Edit]) -> list[dict[str, str]]:
        """The `ManualStep` entries `apply` would raise for `edits` on `document` as stored,
        without a request; empty when the API writes them."""
