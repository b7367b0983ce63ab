"""Which Drive files are copydesk's, and what changed among them.

The scope is one or more folders (with everything below them) or one shared drive; only
Google Docs count. A full listing walks the folders with `files.list` (one query per
folder, paged). An incremental listing reads Drive's change log from a page token
(`changes.list`), which covers everything the credentials can see, so each changed Doc is
checked for membership: its parent folders are resolved upwards with `files.get` only when
not known yet, and remembered for the connector's life. An unchanged Drive costs one
request.

Documents that leave the scope are reported, so staging can stop tracking them:

- trashed inside the scope: a ref with `archived=True` (and no version, so staging re-reads
  it): it is fetched and recorded as archived, as Notion's trashed pages are;
- deleted for good, no longer shared, or moved out of the scope folders: a ref with
  `archived=True` whose id is added to `gone`; the connector's `fetch` then answers 404
  without a request, which staging's pull takes as deleted (and ignores for documents it
  never tracked; Drive's log does not say what a removed file was).

A folder that changes inside the scope (moved in, renamed) is walked again, since Drive
logs the folder alone and not the documents it brought along. A folder moved out of the
scope is seen by the next full listing only (`copydesk pull --full`).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Generator, Iterator, Sequence

from connectors.document import DocumentRef
from connectors.errors import RemoteNotFound
from connectors.gdocs.client import GoogleApi
from connectors.gdocs.normalise import DOC_MIME, FOLDER_MIME, TOOL, file_ref, parse_time

# lastModifyingUser: who History names for an outside edit (Drive fills it for signed-in users only).
FILE_FIELDS = ("id,name,mimeType,modifiedTime,version,webViewLink,parents,trashed,driveId,"
               "lastModifyingUser(displayName,emailAddress)")
_FOLDER_FIELDS = "id,mimeType,parents,trashed,driveId"


class DriveScope:
    def __init__(self, api: GoogleApi, *, folders: Sequence[str], drive_id: str, page_size: int,
                 source: str = TOOL) -> None:
        self._api = api
        self.source = source
        self.folders = tuple(folders)
        self.drive_id = drive_id
        self.page_size = page_size
        self._membership: dict[str, bool] = {folder: True for folder in self.folders}
        self.gone: set[str] = set()

    def begin_listing(self) -> None:
        """Forget which folders are in scope and which files left it: a connector can outlive many
        pulls (the app keeps one per source), and a folder moved out of (or into) the scope between
        two must be seen by the next. Within one listing the answers hold, so each folder's
        ancestry is read at most once a listing; `fetch` after it consults the `gone` it found."""
        self._membership = {folder: True for folder in self.folders}
        self.gone = set()

    # -- full listing ---------------------------------------------------------------------

    def start_token(self) -> str:
        response = self._api.call("starting Drive's change log", lambda: self._api.changes.getStartPageToken(
            **self._drive_params()))
        return str(response["startPageToken"])

    def walk(self, folders: Sequence[str] | None = None) -> Iterator[DocumentRef]:
        """Refs of the live Docs under `folders` (the scope's, by default), subfolders included."""
        if self.drive_id and not self.folders and folders is None:
            query = f"mimeType = '{DOC_MIME}' and trashed = false"
            for file in self._list_files(query, "listing the shared drive"):
                yield file_ref(file, source=self.source)
            return
        queue, seen = list(folders if folders is not None else self.folders), set()
        while queue:
            folder = queue.pop(0)
            if folder in seen:
                continue
            seen.add(folder)
            self._membership[folder] = True
            query = (f"'{_quoted(folder)}' in parents and trashed = false and "
                     f"(mimeType = '{DOC_MIME}' or mimeType = '{FOLDER_MIME}')")
            for file in self._list_files(query, f"listing folder {folder}"):
                if file.get("mimeType") == FOLDER_MIME:
                    queue.append(file["id"])
                else:
                    yield file_ref(file, parent=folder, source=self.source)

    # -- incremental listing ----------------------------------------------------------------

    def changed(self, cursor: str) -> Generator[DocumentRef, None, str]:
        """Refs of the scope's Docs that changed since `cursor`; returns the next cursor."""
        token: str | None = cursor
        while token is not None:
            page = self._api.call("reading Drive's change log", partial(
                self._api.changes.list, pageToken=token, pageSize=self.page_size, includeRemoved=True, spaces="drive",
                fields=f"nextPageToken,newStartPageToken,changes(changeType,removed,fileId,time,file({FILE_FIELDS}))",
                **self._drive_params(), includeItemsFromAllDrives=True))
            for change in page.get("changes") or []:
                yield from self._refs_for(change)
            if page.get("newStartPageToken"):
                return str(page["newStartPageToken"])
            token = page.get("nextPageToken")
        return cursor

    def _refs_for(self, change: dict[str, Any]) -> Iterator[DocumentRef]:
        if change.get("changeType", "file") != "file":
            return
        file = change.get("file")
        if change.get("removed") or file is None:
            yield self._gone(change["fileId"], change.get("time"))
            return
        if file.get("mimeType") == FOLDER_MIME:
            if not file.get("trashed") and self._in_scope(file):
                yield from self.walk([file["id"]])
            return
        if file.get("mimeType") != DOC_MIME:
            return
        if not self._in_scope(file):
            yield self._gone(file["id"], file.get("modifiedTime"), file)
        elif file.get("trashed"):
            yield file_ref(file, archived=True, source=self.source)
        else:
            self.gone.discard(file["id"])
            yield file_ref(file, source=self.source)

    def _gone(self, file_id: str, when: str | None, file: dict[str, Any] | None = None) -> DocumentRef:
        self.gone.add(file_id)
        return DocumentRef(source=self.source, remote_id=file_id, kind="document", title=(file or {}).get("name", ""),
                           archived=True, updated_at=parse_time(when))

    # -- membership -----------------------------------------------------------------------

    def _in_scope(self, file: dict[str, Any]) -> bool:
        if self.drive_id and not self.folders:
            return file.get("driveId") == self.drive_id
        return any(self._folder_in_scope(parent) for parent in file.get("parents") or [])

    def _folder_in_scope(self, folder: str) -> bool:
        """Whether `folder` is a scope folder or below one; files.get for unknown ancestors only."""
        if folder not in self._membership:
            try:
                meta = self._api.call(f"reading folder {folder}", lambda: self._api.files.get(
                    fileId=folder, fields=_FOLDER_FIELDS, supportsAllDrives=True))
            except RemoteNotFound:  # a parent the credentials cannot see: not one of the scope's
                meta = {"trashed": True}
            inside = not meta.get("trashed") and any(self._folder_in_scope(p) for p in meta.get("parents") or [])
            self._membership[folder] = inside
        return self._membership[folder]

    # -- helpers ----------------------------------------------------------------------------

    def _list_files(self, query: str, what: str) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            params = {"q": query, "pageSize": self.page_size, "fields": f"nextPageToken,files({FILE_FIELDS})",
                      "includeItemsFromAllDrives": True, **self._drive_params()}
            if self.drive_id:
                params["corpora"] = "drive"
            if token:
                params["pageToken"] = token
            page = self._api.call(what, partial(self._api.files.list, **params))
            yield from page.get("files") or []
            token = page.get("nextPageToken")
            if not token:
                return

    def _drive_params(self) -> dict[str, Any]:
        return {"supportsAllDrives": True, **({"driveId": self.drive_id} if self.drive_id else {})}


def _quoted(value: str) -> str:
    """A value inside a Drive query's single quotes."""
    return value.replace("\\", "\\\\").replace("'", "\\'")
