"""The Google Docs connector: Drive for listing, Docs for reading and writing.

Versions: a ref's `remote_version` is the Drive file `version`, in listings and fetched
documents alike, because it is the only marker both report (Drive does not expose the Docs
`revisionId`); staging can then skip documents whose version it holds. Writes never trust a
stored version: `apply` reads the document, plans against that read's `revisionId` and
makes Google refuse the write (`writeControl.requiredRevisionId`) if anything changed since.

Reads ask for `includeTabsContent=true` (without it, only the first tab is served) and leave
`suggestionsViewMode` at Docs' default, which is SUGGESTIONS_INLINE for an editor: the one
view writes may be planned on. The normaliser derives the text without suggestions from it.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Generator, Sequence

from google.auth.credentials import Credentials

from connectors.document import Document, DocumentRef, Edit
from connectors.errors import ConfigError, Conflict, LossyEdit, RemoteError, RemoteNotFound
from connectors.gdocs.client import GoogleApi
from connectors.gdocs.drive import FILE_FIELDS, DriveScope
from connectors.gdocs.normalise import TOOL, document_from_payload, file_ref
from connectors.gdocs.plugin import PLUGIN
from connectors.gdocs.write import Batch, plan_batch, resolve
from connectors.journalled import PlannedWrite, send_journalled
from connectors.pacing import Pacer, RetryPolicy
from connectors.preflight import preflight
from connectors.protocol import Cursor, Listing, WriteJournal

# Requests per second: Docs allows 300 reads per minute per user
# (https://developers.google.com/workspace/docs/api/limits).
GDOCS_RATE = 5.0
# Writes have their own, lower quota: 60 per minute per user.
GDOCS_WRITE_RATE = 1.0
# How many times a write is planned again when someone else's edit lands between the read
# and the write (Google refuses the stale revision, so nothing was written).
_STALE_ATTEMPTS = 3


class GDocsConnector:
    """Lists, fetches and writes the Google Docs under some Drive folders or in one shared drive.

    `source` is the configured source's name, stamped on every ref, document and error, so two
    Drives tracked side by side never share an identity; `tool` is always Google Docs."""

    tool = TOOL
    label = PLUGIN.label

    def __init__(
        self,
        credentials: Credentials,
        *,
        source: str = TOOL,
        base_url: str = "",
        folders: Sequence[str] = (),
        drive_id: str = "",
        rate: float | None = GDOCS_RATE,
        page_size: int = 100,
        timeout: float = 30,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not folders and not drive_id:
            raise ConfigError("Google Docs needs a scope: the Drive folder ids to track (folders) or a shared "
                              "drive id (drive_id).")
        if not 1 <= page_size <= 1000:
            raise ConfigError(f"page_size must be between 1 and 1000 (Drive's limit), not {page_size}.")
        self.source = source
        self._api = GoogleApi(credentials, base_url=base_url, rate=rate, timeout=timeout, retry=retry, source=source)
        # Spacing only (the shared pacer counts every request, writes included).
        self._write_spacing = Pacer(min(rate, GDOCS_WRITE_RATE) if rate else None)
        self._scope = DriveScope(self._api, folders=folders, drive_id=drive_id, page_size=page_size, source=source)

    @property
    def requests_made(self) -> int:
        return self._api.requests_made

    def close(self) -> None:
        self._api.close()

    # -- protocol -------------------------------------------------------------------------

    def list_changed(self, since: Cursor | None) -> Listing:
        self._scope.begin_listing()
        return Listing(self._iter_changed(since))

    def fetch(self, ref: DocumentRef) -> Document:
        """The document, every tab. A ref without a version (after a write, or trashed) gets
        its Drive metadata first, so the version stored never claims newer content than read."""
        if ref.remote_id in self._scope.gone:
            raise RemoteNotFound(f"Google Doc {ref.title or ref.remote_id} was deleted, unshared or moved out of the "
                                 "folders copydesk tracks.", source=self.source, status=404, code="gone")
        if not ref.remote_version:
            ref = self._file_ref(ref)
        return document_from_payload(self._read(ref), ref)

    def apply(self, ref: DocumentRef, edits: Sequence[Edit], journal: WriteJournal, *,
              dry_run: bool = False) -> Document:
        """One atomic batchUpdate per attempt, conditional on the revision just read.

        Google refuses a stale revision with 400 and applies nothing; then the document is read
        again and, if every edited paragraph still reads `before` (wherever it moved), the write
        is planned again. If every one reads `after` instead, the refused request was a retry
        of a write that had gone through (a 5xx after Google applied it). A 400 on an unchanged
        revision is a request Google rejects: raised."""
        refused: tuple[str, RemoteError] | None = None
        for _ in range(_STALE_ATTEMPTS):
            payload = self._read(ref)
            revision = str(payload.get("revisionId", ""))
            if refused is not None and refused[0] == revision:
                raise refused[1]
            current = document_from_payload(payload, ref)
            if refused is not None and _landed(current, edits):
                journal.done([edit.block_id for edit in edits])  # a retried write that had gone through
                return self.fetch(ref.model_copy(update={"remote_version": ""}))
            planned = preflight(current, resolve(current, edits))
            batch = plan_batch(ref.remote_id, revision, planned)
            if batch.losses:
                raise _lossy(current, batch)
            staged = [edit.block_id for edit in edits]
            previous = [item.block.model_copy(update={"id": edit.block_id}) for item, edit in zip(planned, edits)]
            if not batch.requests:
                return current if dry_run else self.fetch(ref.model_copy(update={"remote_version": ""}))
            try:
                send_journalled([PlannedWrite(staged, batch.as_request(), previous, batch)], journal,
                                partial(self._write, title=current.ref.title), dry_run=dry_run)
            except RemoteError as error:
                if error.status != 400:
                    raise
                refused = (revision, error)
                continue
            return current if dry_run else self.fetch(ref.model_copy(update={"remote_version": ""}))
        raise RemoteError(
            f"Google Doc {ref.title or ref.remote_id} kept changing while copydesk wrote to it ({_STALE_ATTEMPTS} "
            "attempts); nothing was written. Apply again when the editing has settled.",
            source=self.source, status=400, code="stale_revision", retryable=True,
        )

    # -- internals ------------------------------------------------------------------------

    def _iter_changed(self, since: Cursor | None) -> Generator[DocumentRef, None, Cursor | None]:
        if since:
            return (yield from self._scope.changed(since))
        token = self._scope.start_token()  # before listing: whatever changes meanwhile is in the log
        seen: set[str] = set()
        for ref in self._scope.walk():
            if ref.remote_id not in seen:
                seen.add(ref.remote_id)
                yield ref
        return token

    def _file_ref(self, ref: DocumentRef) -> DocumentRef:
        file = self._api.call(f"reading Drive metadata of {ref.title or ref.remote_id}",
                              lambda: self._api.files.get(fileId=ref.remote_id, fields=FILE_FIELDS,
                                                                  supportsAllDrives=True))
        return file_ref(file, source=self.source)

    def _read(self, ref: DocumentRef) -> dict[str, Any]:
        return self._api.call(f"reading document {ref.title or ref.remote_id}",
                              lambda: self._api.documents.get(documentId=ref.remote_id, includeTabsContent=True))

    def _write(self, batch: Batch, title: str) -> Any:
        self._write_spacing.pace()
        return self._api.call(f"writing document {title or batch.document_id}",
                              lambda: self._api.documents.batchUpdate(documentId=batch.document_id,
                                                                             body=batch.body))


def _landed(current: Document, edits: Sequence[Edit]) -> bool:
    """Whether every edit already reads as written (each `after` found where `before` was)."""
    try:
        resolve(current, [edit.model_copy(update={"before": edit.after}) for edit in edits])
    except Conflict:
        return False
    return True


def _lossy(current: Document, batch: Batch) -> LossyEdit:
    title = current.ref.title or current.ref.remote_id
    details = "; ".join(f"{block_id}: {', '.join(reasons)}" for block_id, reasons in batch.losses.items())
    said = f"Applying would lose formatting in {title!r} ({details}). Nothing was written; edit the text, "
    return LossyEdit(said + "or apply with --allow-lossy to accept it.", losses=batch.losses,
                     in_app=said + "or tick “Write even where formatting cannot be kept exactly” and apply again.")
