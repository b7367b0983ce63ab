"""Drive's scope over a long-lived connector: folder membership is learnt afresh each listing.
The sandbox has no route that moves a folder, so Drive is a small fake here: files.get and
changes.list answered from dicts that the test changes between two listings."""

from __future__ import annotations

from typing import Any

from connectors.gdocs.drive import DOC_MIME, FOLDER_MIME, DriveScope


class _Answer:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def execute(self) -> dict[str, Any]:
        return self.body


class FakeDrive:
    """files.get and changes.list over `folders` (id → metadata) and `changes` (one page)."""

    def __init__(self, folders: dict[str, dict[str, Any]], changes: list[dict[str, Any]]) -> None:
        self.folders, self.changes_page = folders, changes
        self.files, self.changes = self, self

    def call(self, what: str, request: Any) -> Any:
        return request().execute()

    def get(self, fileId: str, **_: Any) -> _Answer:
        return _Answer(self.folders[fileId])

    def list(self, **_: Any) -> _Answer:
        return _Answer({"changes": self.changes_page, "newStartPageToken": "next"})


def _doc_edited_in(folder: str) -> dict[str, Any]:
    return {"changeType": "file", "fileId": "doc", "time": "2026-01-01T00:00:00Z",
            "file": {"id": "doc", "name": "Pricing", "mimeType": DOC_MIME, "parents": [folder], "trashed": False,
                     "modifiedTime": "2026-01-01T00:00:00Z", "version": "7"}}


def _listing(scope: DriveScope) -> list[Any]:
    scope.begin_listing()
    return list(scope.changed("start"))


def test_a_folder_moved_out_of_scope_is_seen_by_the_same_scope_on_its_next_listing():
    drive = FakeDrive({"sub": {"id": "sub", "mimeType": FOLDER_MIME, "parents": ["root"], "trashed": False}},
                      [_doc_edited_in("sub")])
    scope = DriveScope(drive, folders=["root"], drive_id="", page_size=100)  # type: ignore[arg-type]
    [before] = _listing(scope)
    assert not before.archived and "doc" not in scope.gone

    drive.folders["sub"] = {**drive.folders["sub"], "parents": ["elsewhere"]}
    drive.folders["elsewhere"] = {"id": "elsewhere", "mimeType": FOLDER_MIME, "parents": [], "trashed": False}
    [after] = _listing(scope)
    assert after.archived and "doc" in scope.gone

