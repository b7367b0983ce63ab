"""The connector protocol: what staging may ask of any tool.

Like a git remote, a connector only lists, fetches and (with changesets) applies. It never
stores anything: staging owns the store and the incremental cursor, and hands the cursor
back on the next listing. A cursor is opaque to staging (Notion: an edit time; Drive: a
changes page token).
"""

from __future__ import annotations

from typing import Generator, Iterator, Protocol

from connectors.document import Document, DocumentRef

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

    def __iter__(self) -> "Listing":
        return self

    def __next__(self) -> DocumentRef:
        try:
            return next(self._refs)
        except StopIteration as stop:
            self.cursor = stop.value
            self.done = True
            raise


class Connector(Protocol):
    """One tool behind the smallest interface staging needs."""

    source: str

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries included."""

    def list_changed(self, since: Cursor | None) -> Listing:
        """Refs of documents that may have changed since `since` (all of them when None).

        A full listing (since=None) includes every live document, so the caller can tell
        which stored ones were deleted."""

    def fetch(self, ref: DocumentRef) -> Document:
        """The whole document as the tool has it now."""
